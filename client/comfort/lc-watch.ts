import { type PeerMessage, REACTION_EMOJI, type ReactionEmoji } from '../../shared/peer-messages';
import { targetPosition } from '../../shared/sync/target';
import type { ChatController } from '../chat/chat-controller';
import type { Member } from '../mesh/member';
import type { MeshListener } from '../mesh/mesh-controller';
import type { ControlDetail, LcPlayer } from '../room/lc-player';
import { now } from '../util/clock';
import { adoptProperties, make, shadowWith } from './element';
import { type LcOverlay, overlayIn } from './lc-overlay';
import { MeshElement } from './mesh-element';
import { type PlayerKey, playerKey, SEEK_STEP_S, VOLUME_STEP } from './player-keys';
import { REACTION_TALLY_MS, ReactionGate, ReactionTally } from './reactions';
import { SoundMemory } from './sound-memory';
import { drawTimeline } from './timeline';

const BAR_CSS = `
.bar { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
[role='group'] { display: flex; flex-wrap: wrap; gap: 0.25rem; align-items: center; }
button {
  font: inherit; min-width: 2.5rem; padding: 0.25rem 0.5rem; cursor: pointer;
  border: 1px solid var(--lc-border); border-radius: var(--lc-radius);
  background: var(--lc-surface); color: CanvasText;
}
button[aria-pressed='true'] { background: var(--lc-accent); color: var(--lc-accent-text); }
button:focus-visible, input:focus-visible { outline: 3px solid var(--lc-accent); outline-offset: 2px; }
button[hidden] { display: none; }
label { display: inline-flex; gap: 0.4rem; align-items: center; }
.note { margin: 0; flex-basis: 100%; min-height: 1.4em; }
.timeline {
  position: relative; flex-basis: 100%; height: 0.5rem; border-radius: 0.25rem;
  background: var(--lc-surface); border: 1px solid var(--lc-border); overflow: hidden;
}
/* Its line stays while hidden, so the controls below do not jump when a video arrives. */
.timeline[hidden] { display: block; visibility: hidden; }
.timeline { cursor: pointer; }
.timeline .range { position: absolute; top: 0; bottom: 0; background: var(--lc-muted); }
.timeline .host { position: absolute; top: 0; bottom: 0; width: 3px; background: var(--lc-accent); }
`;
/** One sheet for the bar, wherever it is shown: under the player, or over it in full screen. */
let barSheet: CSSStyleSheet | null = null;
function sheetForBar(): CSSStyleSheet {
  if (!barSheet) {
    barSheet = new CSSStyleSheet();
    barSheet.replaceSync(BAR_CSS);
  }
  return barSheet;
}

/** Our own reactions are tallied under this key (peer IDs never are empty). */
const SELF = '';
/** How long a note ("Only the host controls playback.") stays, ms. */
const NOTE_MS = 5000;
/** How often the timeline is redrawn, ms. */
const TIMELINE_MS = 1000;

/**
 * Under the player, for every person: the "Reactions" group and the player's own controls
 * (Volume, Mute, Picture in picture, Full screen) with keys Space, M, F and the arrows. A
 * reaction goes to everyone, floats over each person's video (an overlay slotted into the
 * player) and is counted in the chat; each person's reactions, ours included, pass a token
 * bucket first. Full screen shows the player's screen with this bar and a chat toggle over it.
 * Play, pause and seeking act on the host's own player, or ask the host when a guest may steer.
 */
export class LcWatch extends MeshElement {
  /** Where reactions are counted. No initialiser: it would overwrite what the room set before the upgrade. */
  chat?: ChatController;
  /** Whose sound this device remembers (set by the room, like `chat`). */
  userId?: string;
  readonly #memory = new SoundMemory(localStorage);
  readonly #gate = new ReactionGate();
  readonly #tally = new ReactionTally();
  readonly #bar = make('div', { className: 'bar' });
  readonly #volume = make('input', { type: 'range', min: '0', max: '1', step: '0.05', value: '1' });
  readonly #mute = make('button', { type: 'button', ariaPressed: 'false' }, 'Mute');
  readonly #fullScreen = make('button', { type: 'button', ariaPressed: 'false' }, 'Full screen');
  readonly #showChat = make(
    'button',
    { type: 'button', ariaPressed: 'false', hidden: true },
    'Show chat',
  );
  readonly #note = make('p', { className: 'note', role: 'status', ariaLive: 'polite' });
  #noteTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the player holds (buffered) and where the host is. */
  readonly #timeline = make('div', { className: 'timeline', role: 'img', hidden: true });
  #timelineTimer: ReturnType<typeof setInterval> | undefined;
  /** The player whose sound events we follow. */
  #watched: ShadowRoot | null = null;

  constructor() {
    super();
    const reactions = make('div', { role: 'group', ariaLabel: 'Reactions' });
    for (const emoji of REACTION_EMOJI) {
      const button = make('button', { type: 'button' }, emoji);
      button.addEventListener('click', () => this.#react(emoji));
      reactions.append(button);
    }
    const pip = make('button', { type: 'button' }, 'Picture in picture');
    const controls = make(
      'div',
      { role: 'group', ariaLabel: 'Player' },
      make('label', {}, 'Volume', this.#volume),
      this.#mute,
      pip,
      this.#fullScreen,
      this.#showChat,
    );
    this.#volume.addEventListener('input', () => this.#setVolume(Number(this.#volume.value)));
    this.#mute.addEventListener('click', () => this.#act('mute'));
    this.#fullScreen.addEventListener('click', () => this.#act('full-screen'));
    pip.addEventListener('click', () => void this.#pictureInPicture());
    this.#showChat.addEventListener('click', () => this.#toggleChat());
    this.#timeline.addEventListener('click', (event) => this.#onTimelineClick(event));
    this.#bar.append(this.#timeline, reactions, controls, this.#note);
    const root = shadowWith(this, ':host { display: block; margin-top: 0.5rem; }');
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheetForBar()];
    root.append(this.#bar);
    adoptProperties(this, ['mesh']);
  }

  connectedCallback(): void {
    this.listen();
    document.addEventListener('keydown', this.#onKey);
    document.addEventListener('fullscreenchange', this.#onFullScreen);
    this.#follow();
    this.#timelineTimer = setInterval(() => this.#drawTimeline(), TIMELINE_MS);
  }

  disconnectedCallback(): void {
    clearInterval(this.#timelineTimer);
    this.unlisten();
    document.removeEventListener('keydown', this.#onKey);
    document.removeEventListener('fullscreenchange', this.#onFullScreen);
    this.#watched?.removeEventListener('volumechange', this.#onVolume, true);
    this.#watched = null;
  }

  protected override listener(): MeshListener {
    return {
      message: (from, message) => this.hear(from, message),
      memberJoined: () => this.#refreshChat(),
      memberLeft: (member) => {
        this.#gate.forget(member.peerId);
        this.#refreshChat();
      },
    };
  }

  /** A message from the mesh (or held for us while this chunk loaded). */
  hear(from: Member, message: PeerMessage): void {
    if (message.type === 'reaction') this.#show(from.peerId, from.name, message.emoji);
    this.#refreshChat();
  }

  // Reactions

  #react(emoji: ReactionEmoji): void {
    const mesh = this.mesh;
    if (mesh?.phase !== 'joined') return;
    // Past our own bucket the others would drop it anyway.
    if (this.#show(SELF, 'You', emoji)) mesh.broadcast({ type: 'reaction', emoji });
  }

  /** Floats and counts one reaction, if its sender's bucket lets it through. */
  #show(key: string, name: string, emoji: ReactionEmoji): boolean {
    if (!this.#gate.admit(key, now())) return false;
    this.#overlay()?.float(emoji);
    if (this.#tally.add(key, name, emoji)) {
      setTimeout(() => {
        const line = this.#tally.close(key);
        if (!line) return;
        this.chat?.system(line);
        this.#refreshChat();
      }, REACTION_TALLY_MS);
    }
    return true;
  }

  // The player

  #player(): LcPlayer | null {
    return this.parentElement?.querySelector('lc-player') ?? null;
  }

  /** The overlay in the room's player, added when first needed (or when the player changed). */
  #overlay(): LcOverlay | null {
    const player = this.#player();
    return player ? overlayIn(player) : null;
  }

  /** The <video> on show, if the source is one (YouTube's is not ours to reach). */
  #video(): HTMLVideoElement | null {
    this.#follow();
    return this.#player()?.shadowRoot?.querySelector('video:not([hidden])') ?? null;
  }

  /** The player's screen (picture and overlay): what goes full screen. */
  #screen(): HTMLElement | null {
    return this.#player()?.shadowRoot?.querySelector<HTMLElement>('.screen') ?? null;
  }

  /**
   * Follows the sound of whatever video the player shows, to keep Volume and Mute true, and
   * gives each video it loads the sound this person left it at.
   */
  #follow(): void {
    const root = this.#player()?.shadowRoot ?? null;
    if (root === this.#watched) return;
    this.#watched?.removeEventListener('volumechange', this.#onVolume, true);
    this.#watched?.removeEventListener('loadedmetadata', this.#onLoaded, true);
    this.#watched = root;
    root?.addEventListener('volumechange', this.#onVolume, true);
    root?.addEventListener('loadedmetadata', this.#onLoaded, true);
    for (const video of root?.querySelectorAll('video') ?? []) this.#recallSound(video);
  }

  readonly #onLoaded = (event: Event): void => {
    if (event.target instanceof HTMLVideoElement) this.#recallSound(event.target);
  };

  /** The remembered volume, and mute if they muted; never unmutes what autoplay had to mute. */
  #recallSound(video: HTMLVideoElement): void {
    const sound = this.userId ? this.#memory.recall(this.userId) : null;
    if (!sound) return;
    video.volume = sound.volume;
    if (sound.muted) video.muted = true;
  }

  /** Remembers the sound the person chose (not what the page did, e.g. muting for autoplay). */
  #rememberSound(video: HTMLVideoElement): void {
    if (this.userId) {
      this.#memory.remember(this.userId, { volume: video.volume, muted: video.muted });
    }
  }

  readonly #onVolume = (event: Event): void => {
    const video = event.target;
    if (!(video instanceof HTMLVideoElement)) return;
    this.#volume.value = String(video.muted ? 0 : video.volume);
    this.#mute.ariaPressed = String(video.muted);
  };

  #setVolume(volume: number): void {
    const video = this.#video();
    if (!video) {
      this.#say('There is no video to set the volume of.');
      return;
    }
    video.volume = Math.min(1, Math.max(0, volume));
    if (video.volume > 0 && video.muted) video.muted = false;
    this.#rememberSound(video);
  }

  async #pictureInPicture(): Promise<void> {
    try {
      if (document.pictureInPictureElement) {
        await document.exitPictureInPicture();
        return;
      }
      const video = this.#video();
      if (!video) {
        this.#say('There is no video to pop out.');
        return;
      }
      await video.requestPictureInPicture();
    } catch {
      this.#say('Picture in picture is not available for this video.');
    }
  }

  #inFullScreen(): boolean {
    return this.#screen()?.matches(':fullscreen') ?? false;
  }

  async #toggleFullScreen(): Promise<void> {
    try {
      if (this.#inFullScreen()) await document.exitFullscreen();
      else await this.#screen()?.requestFullscreen();
    } catch {
      this.#say('Full screen is not available here.');
    }
  }

  /** In full screen the bar moves over the picture, where the chat can be shown too. */
  readonly #onFullScreen = (): void => {
    const full = this.#inFullScreen();
    this.#fullScreen.ariaPressed = String(full);
    this.#showChat.hidden = !full;
    this.#showChat.ariaPressed = 'false';
    const overlay = this.#overlay();
    overlay?.showChat(null);
    if (full) overlay?.holdBar(this.#bar, sheetForBar());
    else {
      overlay?.holdBar(null, sheetForBar());
      this.shadowRoot?.append(this.#bar);
    }
  };

  #toggleChat(): void {
    const show = this.#showChat.ariaPressed !== 'true';
    this.#showChat.ariaPressed = String(show);
    this.#overlay()?.showChat(show ? (this.chat ?? null) : null);
  }

  #refreshChat(): void {
    const chat = this.chat;
    if (chat && this.#showChat.ariaPressed === 'true') this.#overlay()?.refreshChat(chat);
  }

  readonly #onKey = (event: KeyboardEvent): void => {
    const path = event.composedPath();
    const focus = path[0] instanceof HTMLElement ? path[0] : null;
    const section = this.parentElement;
    const ours =
      (section !== null && path.includes(section)) ||
      this.#inFullScreen() ||
      focus === document.body ||
      focus === document.documentElement;
    if (!ours || event.defaultPrevented) return;
    const key = playerKey(event, focus);
    if (!key) return;
    event.preventDefault();
    this.#act(key);
  };

  #act(key: PlayerKey): void {
    const video = this.#video();
    switch (key) {
      case 'mute':
        if (!video) {
          this.#say('There is no video to mute.');
          return;
        }
        video.muted = !video.muted;
        this.#rememberSound(video);
        return;
      case 'full-screen':
        void this.#toggleFullScreen();
        return;
      case 'louder':
      case 'quieter':
        this.#setVolume(
          (video?.muted ? 0 : (video?.volume ?? 0)) + (key === 'louder' ? 1 : -1) * VOLUME_STEP,
        );
        return;
      default:
        this.#steer(key, video);
    }
  }

  /** Play, pause or seek by a step: the host's own player, or a request to the host from a guest. */
  #steer(key: 'toggle-play' | 'back' | 'forward', video: HTMLVideoElement | null): void {
    const step = key === 'back' ? -SEEK_STEP_S : SEEK_STEP_S;
    if (this.mesh?.isHost) {
      if (!video) {
        this.#say('There is no video to control here.');
        return;
      }
      if (key !== 'toggle-play') video.currentTime = Math.max(0, video.currentTime + step);
      else if (video.paused) void video.play().catch(() => undefined);
      else video.pause();
      return;
    }
    const player = this.#steerablePlayer();
    const sync = player?.sync;
    if (!player || !sync) return;
    this.#ask(
      player,
      key === 'toggle-play'
        ? { action: sync.paused ? 'play' : 'pause' }
        : {
            action: 'seek',
            position: Math.max(0, targetPosition(sync, now() + player.clockOffset) + step),
          },
    );
  }

  /** A click on the timeline seeks there, for whoever may steer. */
  #onTimelineClick(event: MouseEvent): void {
    const video = this.#video();
    const box = this.#timeline.getBoundingClientRect();
    const duration = video?.duration ?? Number.NaN;
    if (!video || !Number.isFinite(duration) || box.width <= 0) return;
    const position = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) * duration;
    if (this.mesh?.isHost) {
      video.currentTime = position;
      return;
    }
    const player = this.#steerablePlayer();
    if (player) this.#ask(player, { action: 'seek', position });
  }

  /** A guest's player when the guest may steer it; otherwise says why not, and null. */
  #steerablePlayer(): LcPlayer | null {
    const player = this.#player();
    const sync = player?.sync;
    if (!player || !sync || sync.source.kind === 'none') {
      this.#say('Nothing is playing yet.');
      return null;
    }
    if (!sync.guestControl) {
      this.#say('Only the host controls playback.');
      return null;
    }
    return player;
  }

  /** Sends a guest's request to the host: the room hears it from the player. */
  #ask(player: LcPlayer, detail: ControlDetail): void {
    player.dispatchEvent(new CustomEvent('lc-control', { detail, bubbles: true, composed: true }));
  }

  /** Redraws what the shown video holds and where the host is (ours, on the host). */
  #drawTimeline(): void {
    const video = this.#video();
    const duration = video?.duration ?? Number.NaN;
    this.#timeline.hidden = !video || !Number.isFinite(duration) || duration <= 0;
    if (!video || this.#timeline.hidden) return;
    const buffered: [number, number][] = [];
    for (let i = 0; i < video.buffered.length; i += 1) {
      buffered.push([video.buffered.start(i), video.buffered.end(i)]);
    }
    const player = this.#player();
    const sync = player?.sync;
    const host = this.mesh?.isHost
      ? video.currentTime
      : sync && player
        ? targetPosition(sync, now() + player.clockOffset)
        : null;
    drawTimeline(this.#timeline, { duration, buffered, host });
  }

  /** A short note in the bar's status line, read out politely. */
  #say(text: string): void {
    this.#note.textContent = text;
    clearTimeout(this.#noteTimer);
    this.#noteTimer = setTimeout(() => {
      this.#note.textContent = '';
    }, NOTE_MS);
  }
}

customElements.define('lc-watch', LcWatch);

declare global {
  interface HTMLElementTagNameMap {
    'lc-watch': LcWatch;
  }
}
