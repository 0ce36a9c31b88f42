import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Room, User } from '../../shared/http';
import { normalizeRoomId, pinSchema, roomIdSchema } from '../../shared/ids';
import { api, HttpError } from '../api/http';
import { fire } from '../app/events';
import { offersRelay, relayOnlyWanted, setRelayOnlyWanted } from '../app/relay-only';
import { inviteLink } from '../app/router';
import '../ui/lc-copy';
import { baseStyles } from '../ui/styles';

/**
 * Create a room, join one with its ID and PIN, or re-enter one of your own.
 * @fires lc-join - with roomId and pin when the user enters a room
 * @fires lc-unauthorized - when the server says the session is gone
 */
@customElement('lc-lobby')
export class LcLobby extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 1.5rem;
        max-width: 44rem;
        margin: 1rem auto;
        padding: 0 1rem;
      }
      section {
        border: 1px solid var(--lc-border);
        border-radius: var(--lc-radius);
        padding: 1rem;
      }
      h2 {
        margin-top: 0;
        font-size: 1.2rem;
      }
      form {
        display: grid;
        gap: 0.75rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.5rem;
      }
      li {
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
      }
      .room-name {
        overflow-wrap: anywhere;
      }
      .privacy label {
        display: inline-flex;
        gap: 0.5rem;
        align-items: center;
      }
      .privacy p {
        margin: 0.25rem 0 0;
      }
    `,
  ];

  @property({ attribute: false }) user: User | null = null;
  /** A note from the page we came from, e.g. "The host closed the room". */
  @property() message = '';
  /** Fills the Room ID box, e.g. after a wrong PIN. */
  @property() prefillRoomId = '';

  @state() private _rooms: Room[] = [];
  @state() private _created: Room | null = null;
  @state() private _error = '';
  @state() private _joinError = '';
  @state() private _busy = false;
  /** null until /api/ice answers: whether this server offers a TURN relay. */
  @state() private _relayAvailable: boolean | null = null;
  @state() private _relayOnly = relayOnlyWanted(localStorage);

  override connectedCallback(): void {
    super.connectedCallback();
    void this._loadRooms();
    void this._loadRelay();
  }

  override render() {
    return html`
      ${this.message ? html`<p role="status">${this.message}</p>` : null}
      <section aria-labelledby="create-h">
        <h2 id="create-h">Host a watch party</h2>
        <form @submit=${this._onCreate}>
          <div>
            <label for="room-name">Room name (optional)</label>
            <input id="room-name" name="name" type="text" maxlength="80" autocomplete="off" />
          </div>
          <div class="row">
            <button class="primary" type="submit" ?disabled=${this._busy}>Create room</button>
          </div>
          <p class="error" role="alert">${this._error}</p>
        </form>
        ${this._created ? this._renderCreated(this._created) : null}
      </section>

      <section aria-labelledby="join-h">
        <h2 id="join-h">Join a watch party</h2>
        <form @submit=${this._onJoin} novalidate>
          <div>
            <label for="room-id">Room ID</label>
            <input id="room-id" name="roomId" type="text" autocomplete="off" spellcheck="false"
              autocapitalize="off" placeholder="abc-defg-hjk" .value=${this.prefillRoomId} />
          </div>
          <div>
            <label for="pin">PIN</label>
            <input id="pin" name="pin" type="text" inputmode="numeric" autocomplete="off"
              maxlength="6" placeholder="123456" />
          </div>
          <div class="row"><button class="primary" type="submit">Join room</button></div>
          <p class="error" role="alert">${this._joinError}</p>
        </form>
      </section>

      ${this._renderPrivacy()}

      <section aria-labelledby="mine-h">
        <h2 id="mine-h">Your open rooms</h2>
        ${
          this._rooms.length === 0
            ? html`<p class="muted">You have no open rooms.</p>`
            : html`<ul aria-labelledby="mine-h">
              ${this._rooms.map(
                (room) => html`<li>
                  <span class="room-name">${room.name || room.id}
                    <span class="muted">(${room.id})</span></span>
                  <button type="button" aria-label=${`Open room ${room.id}${room.name ? `, ${room.name}` : ''}`}
                    @click=${() => fire(this, 'lc-join', { roomId: room.id, pin: room.pin })}>
                    Open
                  </button>
                </li>`,
              )}
            </ul>`
        }
      </section>
    `;
  }

  private _renderPrivacy() {
    // Left enabled while ticked, so a choice made on a server that had a relay can be undone.
    const enabled = this._relayAvailable === true || this._relayOnly;
    return html`<section class="privacy" aria-labelledby="privacy-h">
      <h2 id="privacy-h">Privacy</h2>
      <label>
        <input type="checkbox" aria-describedby="relay-hint" .checked=${this._relayOnly}
          ?disabled=${!enabled} @change=${this._onRelayOnly} />
        Hide my address (relay only)
      </label>
      <p id="relay-hint" class="muted">${
        this._relayAvailable === false
          ? 'This server has no relay.'
          : 'Chat and video then go through the relay server, which can be slower; only your own address is hidden.'
      }</p>
    </section>`;
  }

  private _onRelayOnly(event: Event): void {
    this._relayOnly = (event.currentTarget as HTMLInputElement).checked;
    setRelayOnlyWanted(localStorage, this._relayOnly);
  }

  private async _loadRelay(): Promise<void> {
    try {
      this._relayAvailable = offersRelay(await api.iceServers());
    } catch {
      // _loadRooms reports a lost session or an unreachable server already.
      this._relayAvailable = false;
    }
  }

  private _renderCreated(room: Room) {
    return html`<div role="group" aria-label="New room">
      <p>Share the room ID and PIN, or the invite link (the PIN stays out of the server's logs).</p>
      <dl>
        <dt>Room ID</dt>
        <dd><lc-copy label="Room ID" .value=${room.id}></lc-copy></dd>
        <dt>PIN</dt>
        <dd><lc-copy label="PIN" .value=${room.pin}></lc-copy></dd>
        <dt>Invite link</dt>
        <dd>
          <lc-copy label="Invite link" .value=${inviteLink(location.origin, room.id, room.pin)}>
          </lc-copy>
        </dd>
      </dl>
      <button class="primary" type="button"
        @click=${() => fire(this, 'lc-join', { roomId: room.id, pin: room.pin })}>
        Enter room
      </button>
    </div>`;
  }

  private async _loadRooms(): Promise<void> {
    try {
      this._rooms = await api.myRooms();
    } catch (err) {
      this._handle(err, (m) => {
        this._error = m;
      });
    }
  }

  private async _onCreate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get('name') ?? '');
    this._busy = true;
    this._error = '';
    try {
      this._created = await api.createRoom(name.trim() || undefined);
      await this._loadRooms();
    } catch (err) {
      this._handle(err, (m) => {
        this._error = m;
      });
    } finally {
      this._busy = false;
    }
  }

  private _onJoin(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const roomId = roomIdSchema.safeParse(normalizeRoomId(String(data.get('roomId') ?? '')));
    const pin = pinSchema.safeParse(String(data.get('pin') ?? '').trim());
    if (!roomId.success) {
      this._joinError = 'Enter the room ID you were given, like abc-defg-hjk.';
      return;
    }
    if (!pin.success) {
      this._joinError = 'Enter the 6-digit PIN you were given.';
      return;
    }
    this._joinError = '';
    fire(this, 'lc-join', { roomId: roomId.data, pin: pin.data });
  }

  private _handle(err: unknown, show: (message: string) => void): void {
    if (err instanceof HttpError && err.unauthorized) fire(this, 'lc-unauthorized', {});
    else show(err instanceof HttpError ? err.message : 'Something went wrong. Try again.');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-lobby': LcLobby;
  }
}
