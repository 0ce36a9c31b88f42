import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { User } from '../../shared/http';
import { api, HttpError } from '../api/http';
import '../pages/lc-lobby';
import '../pages/lc-sign-in';
import { baseStyles } from '../ui/styles';
import type { AppEventDetails } from './events';
import { PinStore, pinFromFragment } from './pin-store';
import { loadRoomPage, roomPageLoaded } from './room-page';
import { parseRoute, type Route, routePath } from './router';

/**
 * The shell: knows who is signed in, which page is showing, and routes with the History API.
 * Pages talk to it only through bubbling events (see events.ts).
 */
@customElement('lc-app')
export class LcApp extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      header {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--lc-border);
        flex-wrap: wrap;
      }
      .brand {
        font-weight: 700;
        font-size: 1.1rem;
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: 0.5rem;
        top: 0.5rem;
        background: Canvas;
        padding: 0.25rem 0.5rem;
      }
      .center {
        max-width: 30rem;
        margin: 2rem auto;
        padding: 0 1rem;
      }
    `,
  ];

  /** undefined while we ask the server whether a session exists. */
  @state() private _user: User | null | undefined = undefined;
  @state() private _route: Route = parseRoute(location.pathname);
  @state() private _message = '';
  @state() private _prefillRoomId = '';
  @state() private _unreachable = false;
  /** The room page's code could not be downloaded. */
  @state() private _roomPageFailed = false;

  readonly #pins = new PinStore(sessionStorage);
  /**
   * Set while this browser has a session. Without it we show sign-in without asking the server,
   * so a first visit makes no request whose 401 the console would report as an error.
   */
  readonly #hint = {
    get: (): boolean => localStorage.getItem('lc.signedIn') === '1',
    set: (on: boolean): void => {
      if (on) localStorage.setItem('lc.signedIn', '1');
      else localStorage.removeItem('lc.signedIn');
    },
  };
  /** Where to go after signing in, when a link led to a page that needs a session. */
  #afterSignIn: Route | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this._onPopState);
    this.addEventListener('lc-navigate', this._onNavigate);
    this.addEventListener('lc-signed-in', this._onSignedIn);
    this.addEventListener('lc-unauthorized', this._onUnauthorized);
    this.addEventListener('lc-join', this._onJoin);
    this.addEventListener('lc-room-exit', this._onRoomExit);
    this.addEventListener('lc-pin-changed', this._onPinChanged);
    this._takeInviteFragment();
    void this._checkSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this._onPopState);
  }

  protected override willUpdate(): void {
    // Signed in: fetch the room page now, so entering a room does not wait for it.
    if (this._user && !roomPageLoaded() && !this._roomPageFailed) {
      loadRoomPage().then(
        () => this.requestUpdate(),
        () => {
          this._roomPageFailed = true;
        },
      );
    }
  }

  override render() {
    return html`<a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">LiveConnect</span>
        ${
          this._user
            ? html`<div class="row">
              <span>Signed in as <strong>${this._user.username}</strong></span>
              <button type="button" @click=${this._onSignOut}>Sign out</button>
            </div>`
            : nothing
        }
      </header>
      <main id="main">${this._renderPage()}</main>`;
  }

  private _renderPage() {
    if (this._unreachable) {
      return html`<div class="center" role="alert">
        <p>The LiveConnect server cannot be reached.</p>
        <button type="button" @click=${() => void this._checkSession()}>Try again</button>
      </div>`;
    }
    if (this._user === undefined) return html`<p class="center" role="status">Loading…</p>`;
    if (this._user === null) return html`<lc-sign-in .message=${this._message}></lc-sign-in>`;
    const route = this._route;
    switch (route.page) {
      case 'room': {
        const pin = this.#pins.recall(route.roomId);
        // Without a PIN (e.g. a link without its fragment) the lobby asks for one.
        if (!pin) return this._renderLobby();
        if (this._roomPageFailed) {
          return html`<div class="center" role="alert">
            <p>The room could not be loaded. Check your connection.</p>
            <button type="button" @click=${() => {
              this._roomPageFailed = false;
            }}>Try again</button>
          </div>`;
        }
        if (!roomPageLoaded()) return html`<p class="center" role="status">Opening the room…</p>`;
        // Keyed, so another room gets a fresh page with fresh connections.
        return keyed(
          route.roomId,
          html`<lc-room .user=${this._user} .roomId=${route.roomId} .pin=${pin}></lc-room>`,
        );
      }
      default:
        return this._renderLobby();
    }
  }

  private _renderLobby() {
    return html`<lc-lobby .user=${this._user ?? null} .message=${this._message}
      .prefillRoomId=${this._prefillRoomId}></lc-lobby>`;
  }

  /** An invite link carries `#pin=…`: keep it for this tab and take it out of the address bar. */
  private _takeInviteFragment(): void {
    const route = parseRoute(location.pathname);
    const pin = pinFromFragment(location.hash);
    if (route.page === 'room' && pin) this.#pins.remember(route.roomId, pin);
    if (location.hash) history.replaceState(null, '', location.pathname);
  }

  private async _checkSession(): Promise<void> {
    this._unreachable = false;
    if (!this.#hint.get()) {
      this._toSignIn();
      return;
    }
    try {
      this._user = await api.me();
      if (this._route.page === 'sign-in' || this._route.page === 'not-found') {
        this._go({ page: 'lobby' }, true);
      } else {
        this._settleRoute();
      }
    } catch (err) {
      if (err instanceof HttpError && err.unauthorized) {
        this.#hint.set(false);
        this._toSignIn();
      } else {
        this._unreachable = true;
      }
    }
  }

  /** Signed out on arrival: sign in first, then go where the link pointed. */
  private _toSignIn(): void {
    this._user = null;
    if (this._route.page !== 'sign-in' && this._route.page !== 'not-found')
      this.#afterSignIn = this._route;
    this._go({ page: 'sign-in' }, true);
  }

  /** A room URL without a remembered PIN shows the lobby: say why and fill in the ID. */
  private _settleRoute(): void {
    const route = this._route;
    if (route.page === 'room' && !this.#pins.recall(route.roomId)) {
      this._message = 'Enter the PIN for this room to join.';
      this._prefillRoomId = route.roomId;
      this._go({ page: 'lobby' }, true);
    }
  }

  private _go(route: Route, replace = false): void {
    const path = routePath(route);
    if (path !== location.pathname) {
      if (replace) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    this._route = route;
    this._settleRoute();
  }

  private readonly _onPopState = (): void => {
    this._message = '';
    this._prefillRoomId = '';
    this._route = parseRoute(location.pathname);
    if (this._user && this._route.page === 'sign-in') this._go({ page: 'lobby' }, true);
    else this._settleRoute();
  };

  private readonly _onNavigate = (e: CustomEvent<AppEventDetails['lc-navigate']>): void => {
    this._message = e.detail.message ?? '';
    this._prefillRoomId = e.detail.prefillRoomId ?? '';
    this._go(e.detail.route);
  };

  private readonly _onSignedIn = (e: CustomEvent<AppEventDetails['lc-signed-in']>): void => {
    this._user = e.detail.user;
    this.#hint.set(true);
    this._message = '';
    const next = this.#afterSignIn ?? { page: 'lobby' };
    this.#afterSignIn = null;
    this._go(next, true);
  };

  private readonly _onUnauthorized = (): void => {
    this._user = null;
    this.#hint.set(false);
    this._message = 'Your session has ended. Please sign in again.';
    this._go({ page: 'sign-in' });
  };

  private readonly _onJoin = (e: CustomEvent<AppEventDetails['lc-join']>): void => {
    this.#pins.remember(e.detail.roomId, e.detail.pin);
    this._message = '';
    this._go({ page: 'room', roomId: e.detail.roomId });
  };

  private readonly _onPinChanged = (e: CustomEvent<AppEventDetails['lc-pin-changed']>): void => {
    this.#pins.remember(e.detail.roomId, e.detail.pin);
    this.requestUpdate();
  };

  private readonly _onRoomExit = (e: CustomEvent<AppEventDetails['lc-room-exit']>): void => {
    const { roomId, message, forgetPin, prefill } = e.detail;
    if (forgetPin) this.#pins.forget(roomId);
    this._message = message;
    this._prefillRoomId = prefill ? roomId : '';
    this._go({ page: 'lobby' });
  };

  private async _onSignOut(): Promise<void> {
    try {
      await api.logout();
    } catch {
      // Signing out locally still matters when the server is unreachable.
    }
    this._user = null;
    this.#hint.set(false);
    this._message = 'You have signed out.';
    this._go({ page: 'sign-in' });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-app': LcApp;
  }
}
