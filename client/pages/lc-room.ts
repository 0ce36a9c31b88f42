import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { User } from '../../shared/http';
import { api, HttpError } from '../api/http';
import { fire } from '../app/events';
import { relayOnlyWanted } from '../app/relay-only';
import { ChatController } from '../chat/chat-controller';
import { type HeldMessage, HeldMessages } from '../mesh/held-messages';
import { linkBlocked, type Member } from '../mesh/member';
import { MeshController, type MeshEnd, type SessionCheck } from '../mesh/mesh-controller';
import type { PersonalKind } from '../mesh/personal-tracks';
import type { Outdated } from '../mesh/protocol-version';
import { GuestPlayback } from '../playback/guest-playback';
import type { HostPlayback } from '../playback/host-playback';
import '../room/lc-chat';
import '../room/lc-people';
import '../room/lc-player';
import '../ui/lc-copy';
import { SUBTITLE_PAGES_MAX } from '../../shared/subtitles/limits';
import { baseStyles } from '../ui/styles';
import { formatClock } from '../util/format';
import { LazyPart } from '../util/lazy-part';
import { loadOnce } from '../util/load-once';
import type { VoiceSession } from '../voice/voice-session';
import { roomExit } from './room-exit';

/** Reactions and typing marks held while the comfort chunk loads; a flood keeps only the last. */
const HELD_MAX = 32;
/** The host's side of the room (playback, sync, controls): fetched only by a host. */
const loadHostSide = loadOnce(() => import('../playback/host-side'));
/** A guest's prompt for its own copy of the host's file: fetched when the host plays one. */
const loadOwnCopyPrompt = loadOnce(() => import('../room/lc-own-copy'));
/** Voice and camera: made when Microphone or Camera is pressed, or someone else's arrives. */
const loadVoice = loadOnce(() => import('../voice/voice-session'));

/**
 * A room: the player beside the chat and the people, joined over the mesh. Each part has its
 * own controller; this page wires them together and says what state the room is in.
 * @fires lc-room-exit - when the room ends for us (closed, refused, left)
 * @fires lc-unauthorized - when the session turned out to be gone
 * @fires lc-pin-changed - when the host rotated the PIN
 */
@customElement('lc-room')
export class LcRoom extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        padding: 0.75rem 1rem 1.5rem;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.5rem;
        align-items: center;
        justify-content: space-between;
      }
      h1 {
        font-size: 1.25rem;
        margin: 0;
      }
      .banner,
      .note {
        margin: 0.75rem 0;
        padding: 0.5rem 0.75rem;
        border-radius: var(--lc-radius);
        background: var(--lc-surface);
        border-left: 4px solid var(--lc-accent);
      }
      .banner.warn {
        border-left-color: var(--lc-warn);
      }
      .banner:empty {
        display: none;
      }
      .layout {
        display: grid;
        gap: 1rem;
        grid-template-columns: minmax(0, 1fr);
      }
      .side {
        display: grid;
        gap: 1rem;
        align-content: start;
        min-width: 0;
      }
      @media (min-width: 56rem) {
        .layout {
          grid-template-columns: minmax(0, 2fr) minmax(18rem, 1fr);
          align-items: start;
        }
      }
    `,
  ];

  @property({ attribute: false }) user!: User;
  @property() roomId = '';
  @property() pin = '';

  @state() private _leaving = false;
  /** The host pressed Close room; its own room:closed then reads as "you closed it". */
  #closing = false;

  #mesh!: MeshController;
  #chat!: ChatController;
  /** The host's playback, fetched and made once we turn out to be the host. */
  #hostPlayback!: LazyPart<HostPlayback>;
  #ownCopyPrompt = new LazyPart(this, loadOwnCopyPrompt);
  #guestPlayback!: GuestPlayback;
  #voice: VoiceSession | null = null;
  #voiceLoad: Promise<VoiceSession> | null = null;
  @state() private _voiceError = '';

  override connectedCallback(): void {
    // Controllers need the room and user, which arrive as properties before connection.
    if (!this.#mesh) {
      this.#mesh = new MeshController(this, {
        roomId: this.roomId,
        pin: () => this.pin,
        relayOnly: relayOnlyWanted(localStorage),
        iceServers: () => api.iceServers(),
        checkSession,
      });
      this.#chat = new ChatController(this, this.#mesh, this.user.id);
      this.#guestPlayback = new GuestPlayback(this, this.#mesh);
      const mesh = this.#mesh;
      this.#hostPlayback = new LazyPart(this, () =>
        loadHostSide().then(({ hostPlayback }) => hostPlayback(this, mesh, this.roomId)),
      );
      mesh.subscribe({
        ended: (end) => this._onEnded(end),
        hostChanged: () => {
          if (mesh.isHost) this.#hostPlayback.want();
        },
        personalTrack: (_member, _kind, track) => {
          if (track) this._withVoice(() => {});
        },
      });
      // Typing, reactions, player controls and subtitles come on demand (size budget); the room
      // works without. What arrives for them meanwhile waits for them.
      const held = new HeldMessages(mesh, ['reaction', 'typing'], HELD_MAX);
      const heldSubtitles = new HeldMessages(
        mesh,
        ['subtitles', 'subtitles-off'],
        SUBTITLE_PAGES_MAX + 1,
      );
      import('../comfort/comfort')
        .then(() => this._replay([...held.release(), ...heldSubtitles.release()]))
        .catch(console.warn);
      // Fetched now but started only when needed: a microphone must turn on while the server is away.
      loadVoice().catch(() => {});
    }
    super.connectedCallback();
  }

  protected override willUpdate(): void {
    if (this.#guestPlayback.copyWanted) this.#ownCopyPrompt.want();
  }

  override render() {
    const mesh = this.#mesh;
    const isHost = mesh.isHost;
    const guestMedia = this.#guestPlayback.media;
    return html`<div class="top">
        <h1>Room <span class="muted">${this.roomId}</span></h1>
        ${
          isHost && this.#hostPlayback.value
            ? html`<lc-room-access role="group" aria-label="Room access" .roomId=${this.roomId}
                .pin=${this.pin} @lc-new-pin=${this._onNewPin}></lc-room-access>`
            : nothing
        }
        <lc-details .mesh=${mesh}></lc-details>
        <button type="button" @click=${this._onLeave}>Leave room</button>
      </div>
      <p class="banner ${this._bannerWarn() ? 'warn' : ''}" role="status" aria-live="polite">${this._bannerText()}</p>
      <div class="layout">
        <section aria-label="Video">
          ${
            isHost
              ? this._renderHostSide()
              : html`<lc-player mode="guest" .stream=${this.#guestPlayback.stream}
                  .media=${guestMedia ? [guestMedia] : []} .duration=${this.#guestPlayback.duration}
                  .blocked=${this.#guestPlayback.blocked} .received=${this.#guestPlayback.received}
                  .sync=${this.#guestPlayback.sync} .clockOffset=${mesh.hostClockOffset()}
                  idleText=${this._guestIdleText()}
                  @lc-control=${(e: HTMLElementEventMap['lc-control']) =>
                    this.#guestPlayback.request(e.detail.action, e.detail.position)}
                  @lc-retry-play=${() => this.#guestPlayback.retryPlay()}></lc-player>
                ${
                  this.#guestPlayback.copyWanted
                    ? this._renderUnloaded(this.#ownCopyPrompt, 'The prompt to open your copy')
                    : nothing
                }
                <lc-own-copy .source=${this.#guestPlayback.copyWanted}
                  ?checking=${this.#guestPlayback.checkingCopy}
                  @lc-copy-chosen=${(e: HTMLElementEventMap['lc-copy-chosen']) =>
                    void this.#guestPlayback.openCopy(e.detail.file)}></lc-own-copy>
                ${
                  this.#guestPlayback.error
                    ? html`<p class="error" role="alert">${this.#guestPlayback.error}</p>`
                    : nothing
                }`
          }
          <lc-watch .mesh=${mesh} .chat=${this.#chat} .userId=${this.user.id}></lc-watch>
          <lc-subtitles .mesh=${mesh} .userId=${this.user.id} .roomId=${this.roomId}></lc-subtitles>
          ${this._renderVoice()}
        </section>
        <div class="side">
          ${this.#voice?.tiles ?? nothing}
          <lc-chat .entries=${this.#chat.entries} ?disabled=${mesh.phase !== 'joined'}
            @lc-chat-send=${(e: HTMLElementEventMap['lc-chat-send']) => this.#chat.send(e.detail.text)}></lc-chat>
          <lc-typing .mesh=${mesh}></lc-typing>
          <lc-people ?host=${isHost} @lc-remove=${(e: HTMLElementEventMap['lc-remove']) =>
            mesh.remove(e.detail.peerId)} .speaking=${this.#voice?.speaking ?? []}
            .microphones=${this.#voice?.microphones.marks}
            .volume=${(id: string) => this.#voice?.volume(id) ?? 1}
            @lc-volume=${(e: HTMLElementEventMap['lc-volume']) =>
              this._withVoice((v) => v.setVolume(e.detail.peerId, e.detail.volume))}
            .members=${mesh.members} .buffering=${
              isHost
                ? (this.#hostPlayback.value?.bufferingPeers ?? [])
                : (this.#guestPlayback.sync?.buffering ?? [])
            }></lc-people>
        </div>
      </div>`;
  }

  /**
   * The host's player and controls; until their chunk arrives, the player idle and a note. One
   * template either way, so the player element stays when the controls arrive (the reactions
   * overlay and the media inside it hold on to it).
   */
  private _renderHostSide() {
    const playback = this.#hostPlayback.value;
    return html`<lc-player mode="host" .media=${playback?.media ?? []}
      .sync=${playback?.sync ?? null} .duration=${playback?.duration ?? null}
      idleText="Choose a video file from your computer to share it with everyone, or paste a video URL."></lc-player>
      ${playback ? this._renderHostControls(playback) : this._renderHostLoading()}`;
  }

  private _renderHostLoading() {
    return this.#hostPlayback.failed
      ? this._renderUnloaded(this.#hostPlayback, 'The host’s controls')
      : html`<p class="note" role="status">Loading the host’s controls…</p>`;
  }

  private _renderHostControls(playback: HostPlayback) {
    return html`<lc-host-controls .guestControl=${playback.guestControl}
        .opening=${playback.opening} .error=${playback.error} ?sharingScreen=${playback.sharingScreen}
        @lc-share-screen=${(e: HTMLElementEventMap['lc-share-screen']) => void playback.shareScreen(e.detail.on)}
        .rate=${playback.rate} .policy=${playback.policy}
        .unplayable=${playback.unplayableNames}
        @lc-file-chosen=${(e: HTMLElementEventMap['lc-file-chosen']) =>
          void (
            e.detail.sharing === 'live'
              ? playback.open(e.detail.file)
              : playback.shareFile(e.detail.file)
          )}
        @lc-own-copy-chosen=${(e: HTMLElementEventMap['lc-own-copy-chosen']) =>
          void playback.openOwnCopy(e.detail.file)}
        @lc-url-chosen=${(e: HTMLElementEventMap['lc-url-chosen']) => void playback.openUrl(e.detail.url)}
        @lc-rate=${(e: HTMLElementEventMap['lc-rate']) => playback.setRate(e.detail.rate)}
        @lc-buffering-policy=${(e: HTMLElementEventMap['lc-buffering-policy']) =>
          playback.setPolicy(e.detail.policy)}
        @lc-guest-control=${(e: HTMLElementEventMap['lc-guest-control']) =>
          playback.setGuestControl(e.detail.allowed)}
        @lc-close-room=${this._onCloseRoom}></lc-host-controls>
      ${playback.resumePrompt ? html`<p class="note" role="status">${playback.resumePrompt}</p>` : nothing}`;
  }

  /** Hands what arrived before the comfort chunk to its elements, now defined and listening. */
  private _replay(held: HeldMessage[]): void {
    const watch = this.renderRoot.querySelector('lc-watch');
    const typing = this.renderRoot.querySelector('lc-typing');
    const subtitles = this.renderRoot.querySelector('lc-subtitles');
    for (const { from, message } of held) {
      watch?.hear(from, message);
      typing?.hear(from, message);
      subtitles?.hear(message);
    }
  }

  /** Microphone, Camera and ducking; the rest of voice and camera comes on demand. */
  private _renderVoice() {
    const voice = this.#voice;
    const toggle = (kind: PersonalKind, label: string) =>
      html`<button type="button" aria-pressed=${voice?.on[kind] ? 'true' : 'false'}
        @click=${() => this._withVoice((v) => v.toggle(kind))}>${label}</button>`;
    const error = voice?.error || this._voiceError;
    return html`<div class="row" role="group" aria-label="Voice and camera">
      ${toggle('voice', 'Microphone')} ${toggle('camera', 'Camera')}
      <label><input type="checkbox" .checked=${voice?.duck ?? true} @change=${(e: Event) => {
        const on = (e.target as HTMLInputElement).checked;
        this._withVoice((v) => {
          v.duck = on;
        });
      }}> Lower the video while people talk</label>
      ${error ? html`<p class="error" role="alert">${error}</p>` : nothing}</div>`;
  }

  /** Acts on the voice part once it is here; a failed fetch says so beside the buttons. */
  private _withVoice(act: (voice: VoiceSession) => unknown): void {
    this._voice().then(act, () => {});
  }

  /** The voice part, fetched and made once. */
  private _voice(): Promise<VoiceSession> {
    this.#voiceLoad ??= loadVoice().then(
      ({ VoiceSession }) => {
        this._voiceError = '';
        this.#voice = new VoiceSession(this, this.#mesh, () => this._video());
        this.requestUpdate();
        return this.#voice;
      },
      (err: unknown) => {
        this.#voiceLoad = null;
        this._voiceError = 'Voice and camera could not be loaded. Check your connection.';
        throw err;
      },
    );
    return this.#voiceLoad;
  }

  private _video(): HTMLMediaElement | null {
    const player = this.renderRoot.querySelector('lc-player');
    return player?.shadowRoot?.querySelector('video:not([hidden])') ?? null;
  }

  /** Says that a part's code failed to arrive, with a way to ask again; nothing meanwhile. */
  private _renderUnloaded(part: LazyPart<unknown>, what: string) {
    if (!part.failed) return nothing;
    return html`<p class="error" role="alert">${what} could not be loaded. Check your connection.
      <button type="button" @click=${() => part.retry()}>Try again</button></p>`;
  }

  /** Rotates the PIN (e.g. after wrong guesses); people already in the room stay. */
  private async _onNewPin(): Promise<void> {
    try {
      const room = await api.rotatePin(this.roomId);
      // The app keeps the PIN (for a reload too) and hands the new one back down as `pin`.
      fire(this, 'lc-pin-changed', { roomId: this.roomId, pin: room.pin });
    } catch (err) {
      if (err instanceof HttpError && err.unauthorized) fire(this, 'lc-unauthorized', {});
      else
        this.#chat.system(`Could not change the PIN: ${err instanceof Error ? err.message : ''}`);
    }
  }

  private _bannerText(): string {
    const mesh = this.#mesh;
    if (this._leaving) return 'Leaving the room…';
    if (mesh.server === 'reconnecting') {
      return 'The server cannot be reached. Reconnecting… Chat with people already connected still works.';
    }
    if (mesh.phase === 'joining') return 'Joining the room…';
    if (mesh.phase === 'ended') return 'The room has ended.';
    const attempts = mesh.pinAttempts;
    if (mesh.isHost && attempts && attempts.failed > 0) {
      return `${attempts.failed} wrong PIN attempt(s) for this room in the last ${Math.round(attempts.windowSeconds / 60)} min.`;
    }
    if (mesh.hostPeerId === null) {
      const closesAt = mesh.hostAwayUntil;
      if (closesAt !== null) {
        return `The host is away. The room closes at ${formatClock(closesAt)} unless they return; you can keep chatting until then.`;
      }
      return mesh.hostSeen
        ? 'The host is away. You can keep chatting until they return.'
        : 'Waiting for the host to arrive.';
    }
    const names = (test: (m: Member) => boolean) =>
      mesh.members
        .filter(test)
        .map((m) => m.name)
        .join(', ');
    const outdated = (side: Outdated) => (m: Member) =>
      m.outdated === side && m.link !== 'connected';
    const olderHere = names(outdated('self'));
    if (olderHere) {
      return `This page is out of date, so it cannot connect to ${olderHere}. Reload it to join them.`;
    }
    const olderThere = names(outdated('peer'));
    if (olderThere) {
      return `${olderThere} must reload their page: it is out of date, so you cannot connect.`;
    }
    const unreachable = names((m) => m.relayUnreachable === true);
    if (unreachable) {
      return `Could not reach the relay server, so no connection to ${unreachable}. Retrying…`;
    }
    const blocked = names(linkBlocked);
    if (blocked) {
      return `No connection to ${blocked} after several tries: a firewall or network between you may block it. Still trying…`;
    }
    const connecting = names((m) => m.link === 'connecting' || m.link === 'retrying');
    return connecting ? `Connecting to ${connecting}…` : '';
  }

  private _bannerWarn(): boolean {
    const mesh = this.#mesh;
    return (
      mesh.server === 'reconnecting' ||
      (mesh.phase === 'joined' && mesh.hostPeerId === null) ||
      mesh.members.some(
        (m) => m.relayUnreachable || linkBlocked(m) || (m.outdated && m.link !== 'connected'),
      )
    );
  }

  private _guestIdleText(): string {
    const mesh = this.#mesh;
    if (mesh.hostPeerId === null)
      return mesh.hostSeen || mesh.hostAwayUntil !== null
        ? 'The host is away.'
        : 'Waiting for the host.';
    const sync = this.#guestPlayback.sync;
    if (sync?.source.kind === 'local') return 'Open your copy of the host’s file to watch along.';
    if (sync && sync.source.kind !== 'none') return 'Connecting to the host’s video…';
    return 'The host has not chosen a video yet.';
  }

  private _onLeave(): void {
    this._leaving = true;
    this.#mesh.leave();
  }

  private async _onCloseRoom(): Promise<void> {
    this.#closing = true;
    try {
      await api.closeRoom(this.roomId);
      this.#mesh.leave();
    } catch (err) {
      this.#closing = false;
      if (err instanceof HttpError && err.unauthorized) fire(this, 'lc-unauthorized', {});
      else
        this.#chat.system(`Could not close the room: ${err instanceof Error ? err.message : ''}`);
    }
  }

  private _onEnded(end: MeshEnd): void {
    const exit = roomExit(end, this.#closing);
    if (exit === 'signed-out') fire(this, 'lc-unauthorized', {});
    else fire(this, 'lc-room-exit', { roomId: this.roomId, ...exit });
  }
}

/** Our session as the server sees it: still good, gone, or no answer. */
async function checkSession(): Promise<SessionCheck> {
  try {
    await api.me();
    return 'ok';
  } catch (err) {
    return err instanceof HttpError && err.unauthorized ? 'signed-out' : 'unreachable';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-room': LcRoom;
  }
}
