import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Source } from '../../shared/peer-messages';
import { HostStream } from '../media/host-stream';
import type { MeshController } from '../mesh/mesh-controller';
import type { HtmlVideoAdapter } from '../players/html-video-adapter';
import { loadFingerprint } from '../players/load-fingerprint';
import { type PlayerAdapter, PlayerError } from '../players/player-adapter';
import { classifyUrl } from '../players/source-url';
import { loadVideoAdapter, type UrlPlayer, urlPlayer } from '../players/url-player';
import type { HostShare } from '../swarm/host-share';
import { type SyncMessage, sameSource } from '../sync/guest-sync';
import { type BufferingPolicy, HostSync } from '../sync/host-sync';
import { realClock } from '../util/clock';
import { formatDuration } from '../util/format';
import {
  type HostResumeState,
  type HostResumeStore,
  playInStep,
  resumePosition,
} from './host-resume';

/** What a guest's browser reported missing, as the host reads it. */
const UNPLAYABLE_REASONS = {
  no_picture: 'no picture',
  no_sound: 'no sound',
  error: 'does not open',
} as const;

/**
 * The host's side of playback, in one of four modes: a local file shared itself (original
 * quality, over the mesh's `lc-file` channels), a local file streamed live to every guest, a
 * video URL every guest loads itself, or a file everyone opens from their own disk (own copy).
 * HostSync sends `sync` for each, from the player that shows it, and applies guests' control
 * requests when the host allows them.
 */
export class HostPlayback implements ReactiveController {
  /** Why the last file or URL was refused, for the host to read. */
  error = '';
  /** Guests (peer IDs) whose browsers cannot play the shared file, and why. */
  unplayable: ReadonlyMap<string, 'no_picture' | 'no_sound' | 'error'> = new Map();
  /** Who cannot play the shared file, by name and with what is missing, for the host to read. */
  get unplayableNames(): string[] {
    return [...this.unplayable].map(([peerId, reason]) => {
      const name = this.mesh.members.find((m) => m.peerId === peerId)?.name ?? 'A guest';
      return `${name} (${UNPLAYABLE_REASONS[reason]})`;
    });
  }

  /** The file shared itself with guests, while it is what plays. */
  #share: HostShare | null = null;
  opening = false;
  #sync: HostSync | null = null;
  #source: Source = { kind: 'none' };
  #stream: HostStream | null = null;
  /** HostSync's view of the stream's <video>: it only watches and steers, never loads. */
  #streamPlayer: HtmlVideoAdapter | null = null;
  /** A player of the host's own: a pasted URL, or the host's own copy of a file. */
  #own: UrlPlayer | null = null;
  /** A URL or own copy still loading: shown hidden (YouTube's iframe only loads in the page). */
  #pending: UrlPlayer | null = null;
  #unsubscribe: (() => void) | null = null;
  /** Back as host after the tab closed: which file to choose again to carry on, for people. */
  resumePrompt: string | null = null;
  /** The streamed file to carry on with once the host chooses it again. */
  #streamResume: HostResumeState | null = null;
  #streamSize = 0;
  /** Reopening the URL shown before: guests keep their own place until it is ready. */
  #resuming = false;
  #resumeChecked = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
    private readonly resume: HostResumeStore | null = null,
  ) {
    host.addController(this);
  }

  get guestControl(): boolean {
    return this.#sync?.guestControl ?? false;
  }

  get policy(): BufferingPolicy {
    return this.#sync?.policy ?? 'continue';
  }

  /** Guests (peer IDs) whose players are buffering now. */
  get bufferingPeers(): readonly string[] {
    return this.#sync?.bufferingPeers ?? [];
  }

  /** The state guests follow, which the host's own player shows too; none while resuming. */
  get sync(): SyncMessage | null {
    return this.#resuming ? null : (this.#sync?.last ?? null);
  }

  /** The playback rate everyone follows. */
  get rate(): number {
    return this.sync?.rate ?? 1;
  }

  /** What the host's player shows: the current source's element, then one still loading. */
  /** Our screen is what everyone watches. */
  get sharingScreen(): boolean {
    return !this.#own && !!this.#stream?.screen;
  }

  get media(): HTMLElement[] {
    const shown = this.#own?.element ?? this.#stream?.video;
    return [shown, this.#pending?.element].filter((e): e is HTMLElement => e !== undefined);
  }

  /** The source's length where the sync does not carry it (URL sources). */
  get duration(): number | null {
    return this.#own?.player.duration ?? null;
  }

  hostConnected(): void {
    this.#sync = new HostSync({
      broadcast: (sync) => this.#send(sync),
      changed: () => this.host.requestUpdate(),
    });
    this.#unsubscribe = this.mesh.subscribe({
      linkReady: (member) => {
        if (this.mesh.isHost && this.#sync && !this.#resuming)
          this.mesh.send(member.peerId, this.#sync.message());
      },
      hostChanged: () => this.#maybeResume(),
      message: (from, message) => {
        // message-policy lets control and buffering through only to the host, from guests.
        if (message.type === 'control') this.#sync?.control(from.peerId, message);
        else if (message.type === 'buffering')
          this.#sync?.buffering(from.peerId, message.buffering);
      },
      memberLeft: (member) => {
        this.#sync?.peerLeft(member.peerId);
        if (this.unplayable.has(member.peerId)) {
          const left = new Map(this.unplayable);
          left.delete(member.peerId);
          this.unplayable = left;
        }
      },
    });
    // Made once the page learned we are the host (host-side.ts is fetched then): the join that
    // said so, and any link that opened meanwhile, came before this controller listened.
    if (this.mesh.isHost) {
      this.#maybeResume();
      if (!this.#resuming) this.mesh.broadcast(this.#sync.message());
    }
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#sync?.destroy();
    this.#sync = null;
    this.#pending?.player.destroy();
    this.#pending = null;
    this.#closeOwn();
    this.#closeStream();
  }

  /**
   * Shares the file itself with every guest (original quality): the host's own player must play
   * it first; guests then fetch it in verified chunks over the mesh and play it in step.
   */
  async shareFile(file: File): Promise<void> {
    // Taken before #openOwn forgets it: the file asked for after coming back carries on.
    const resume = this.#streamResume;
    let share: HostShare | null = null;
    const pending = urlPlayer('file', true);
    // Fetched while the player loads the file, not after: guests wait for both.
    const sharing = import('../swarm/host-share');
    sharing.catch(() => {});
    await this.#openOwn(pending, `${file.name}: it could not be opened.`, async (p) => {
      await p.load({ kind: 'file', file });
      // The host must play it first: an HEVC film, say, loads here with a 0×0 picture, and
      // guests' browsers would show nothing either.
      if ((pending.element as HTMLVideoElement).videoWidth === 0) {
        throw new PlayerError(
          'unsupported',
          `${file.name}: this browser shows no picture of it, so it is not shared. Choose a video in a format it plays (H.264, VP9, AV1).`,
        );
      }
      const { startHostShare } = await sharing;
      share = startHostShare(this.mesh, file, p.duration, {
        unplayable: (peerId, reason) => {
          this.unplayable = new Map(this.unplayable).set(peerId, reason);
          this.host.requestUpdate();
        },
      });
      return share.source;
    });
    const opened = share as HostShare | null;
    if (this.#own === pending && opened) {
      this.#share = opened;
      if (resume) this.#carryOn(pending.player, resume, file);
      // Silence shows only once it plays: the host is told then, and the picture goes on.
      const silent = await opened.playsWithoutSound(pending.element as HTMLVideoElement);
      if (silent && this.#share === opened) {
        this.error = `${file.name}: this browser plays it without its sound, and guests’ browsers may too.`;
        this.host.requestUpdate();
      }
    } else {
      opened?.close();
    }
  }

  async open(file: File): Promise<void> {
    this.opening = true;
    this.error = '';
    this.host.requestUpdate();
    const stream = await this.#liveStream(file.name);
    if (!stream) return;
    const result = await stream.open(file);
    this.opening = false;
    if (result.ok) {
      this.#closeOwn();
      this.#streamSize = file.size;
      this.#streamChanged();
      this.#continueStream(file);
    } else {
      this.error = `${file.name}: ${result.message}`;
    }
    this.host.requestUpdate();
  }

  /**
   * Shares our screen (or a tab, with its sound where the browser offers it) as the room's video
   * through the live stream, or stops sharing: then nothing plays.
   */
  async shareScreen(on: boolean): Promise<void> {
    if (!on) {
      this.#screenEnded();
      return;
    }
    this.error = '';
    let screen: MediaStream;
    try {
      screen = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
    } catch {
      this.error = 'Your screen was not shared: the browser refused it or you cancelled.';
      this.host.requestUpdate();
      return;
    }
    const stream = await this.#liveStream('Your screen');
    if (!stream) {
      for (const track of screen.getTracks()) track.stop();
      return;
    }
    const self = this.mesh.members.find((m) => m.link === 'self');
    stream.openScreen(screen, `${self?.name ?? 'The host'} is sharing their screen`);
    this.#closeOwn();
    this.#streamSize = 0;
    this.#streamChanged();
    this.host.requestUpdate();
  }

  /** The live stream and its player, made once; null (and said) when the player cannot load. */
  async #liveStream(what: string): Promise<HostStream | null> {
    let VideoAdapter: typeof HtmlVideoAdapter;
    try {
      ({ HtmlVideoAdapter: VideoAdapter } = await loadVideoAdapter());
    } catch {
      this.opening = false;
      this.error = `${what}: the video player could not be loaded. Check your connection and try again.`;
      this.host.requestUpdate();
      return null;
    }
    this.#stream ??= new HostStream({
      media: (media) => this.mesh.setOutgoing(media),
      playback: () => this.#streamChanged(),
      failed: (message) => {
        this.error = message;
        this.host.requestUpdate();
      },
      screenEnded: () => this.#screenEnded(),
    });
    // HostSync's view of the stream's <video>, made with it and dropped with it.
    this.#streamPlayer ??= new VideoAdapter(this.#stream.video);
    return this.#stream;
  }

  /** Sharing stopped (here or with the browser's own button): nothing plays any more. */
  #screenEnded(): void {
    if (!this.sharingScreen) return;
    this.#closeStream();
    this.#setSource({ kind: 'none' });
    this.host.requestUpdate();
  }

  /** Loads a pasted URL for everyone; if it fails, what plays now goes on. */
  async openUrl(text: string): Promise<void> {
    const kind = classifyUrl(text);
    if (kind.kind === 'invalid') {
      this.error = kind.message;
      this.host.requestUpdate();
      return;
    }
    const source: Source = { kind: 'url', url: kind.url };
    await this.#openOwn(urlPlayer(kind.kind, true), 'The video URL could not be loaded.', (p) =>
      p.load(source).then(() => source),
    );
  }

  /** Once we turn out to be the host: carry on with what this browser showed in this room. */
  #maybeResume(): void {
    if (this.#resumeChecked || !this.mesh.isHost || !this.resume) return;
    this.#resumeChecked = true;
    this.resume.prune();
    const state = this.resume.load();
    if (state?.source.kind === 'url') void this.#resumeUrl(state, state.source.url);
    else if (state?.source.kind === 'stream') {
      // A closed tab loses the file itself: only the host can hand it over again.
      this.#streamResume = state;
      this.resumePrompt = `You were showing ${state.source.name} at ${formatDuration(state.position)}: choose it again to continue.`;
      this.host.requestUpdate();
    }
  }

  /** Reopens the URL at the place guests have played on to, paused or playing as it was. */
  async #resumeUrl(state: HostResumeState, url: string): Promise<void> {
    const kind = classifyUrl(url);
    if (kind.kind === 'invalid') return;
    const source: Source = { kind: 'url', url: kind.url };
    this.#resuming = true;
    await this.#openOwn(
      urlPlayer(kind.kind, true),
      'The video URL could not be loaded.',
      async (p) => {
        await p.load(source);
        p.playbackRate = state.rate;
        await p.seek(resumePosition(state, realClock.now()));
        return source;
      },
      false,
    );
    const player = this.#own?.player;
    if (player && !state.paused) await playInStep(player, state, realClock);
    this.#resuming = false;
    if (this.#sync) this.#send(this.#sync.message());
  }

  /** A file chosen after coming back: the same one (name and size) carries on where it was. */
  #continueStream(file: File): void {
    const state = this.#streamResume;
    if (!state) return;
    this.#streamResume = null;
    this.resumePrompt = null;
    if (this.#streamPlayer) this.#carryOn(this.#streamPlayer, state, file);
  }

  #carryOn(player: PlayerAdapter, state: HostResumeState, file: File): void {
    const was = state.source;
    if (was.kind !== 'stream' || was.name !== file.name || was.size !== file.size) return;
    player.playbackRate = state.rate;
    void player.seek(state.position);
    if (state.paused) player.pause();
  }

  /**
   * Plays the host's own copy of a file that every guest opens from their own disk: nothing is
   * streamed, guests are told its name, size, duration and edge hash to check theirs against.
   */
  async openOwnCopy(file: File): Promise<void> {
    await this.#openOwn(urlPlayer('file', true), `${file.name}: it could not be opened.`, (p) =>
      Promise.all([loadFingerprint(), p.load({ kind: 'file', file })]).then(
        ([{ fingerprintFile }]) => fingerprintFile(file, p.duration),
      ),
    );
  }

  setGuestControl(allowed: boolean): void {
    this.#sync?.setGuestControl(allowed);
  }

  setPolicy(policy: BufferingPolicy): void {
    this.#sync?.setPolicy(policy);
  }

  /** Everyone's speed: guests follow the rate the next sync carries. */
  setRate(rate: number): void {
    const player = this.#own?.player ?? this.#streamPlayer;
    if (player) player.playbackRate = rate;
  }

  /**
   * Loads a player of the host's own (hidden until ready) and then shows it in place of what
   * played before; if it fails, what plays now goes on and the host reads why.
   */
  async #openOwn(
    pending: UrlPlayer,
    fallbackError: string,
    load: (player: UrlPlayer['player']) => Promise<Source>,
    autoplay = true,
  ): Promise<void> {
    this.#pending?.player.destroy();
    pending.element.hidden = true;
    this.#pending = pending;
    this.opening = true;
    this.error = '';
    this.host.requestUpdate();
    let source: Source;
    try {
      source = await load(pending.player);
    } catch (err) {
      if (this.#pending !== pending) return;
      pending.player.destroy();
      this.#pending = null;
      this.opening = false;
      this.error = err instanceof PlayerError ? err.message : fallbackError;
      this.host.requestUpdate();
      return;
    }
    if (this.#pending !== pending) return;
    this.#pending = null;
    this.opening = false;
    this.#closeStream();
    this.#closeOwn();
    pending.element.hidden = false;
    this.#own = pending;
    // Something else plays now: the file the host was asked for is no longer wanted.
    this.#streamResume = null;
    this.resumePrompt = null;
    this.#setSource(source);
    if (autoplay) {
      pending.player.play().catch(() => {
        // Autoplay refused: the host presses play in the player.
      });
    }
    this.host.requestUpdate();
  }

  /** The stream's file or duration may have changed; ignored while a URL is shown. */
  #streamChanged(): void {
    const stream = this.#stream;
    if (this.#own || !stream?.name) return;
    const duration = stream.video.duration;
    const source: Source = {
      kind: 'stream',
      name: stream.name.slice(0, 255),
      duration: Number.isFinite(duration) && duration >= 0 ? duration : null,
    };
    // HostSync hears play, pause and seeks itself; only a new file or its duration is news here.
    const current = this.#source;
    if (
      current.kind === 'stream' &&
      sameSource(current, source) &&
      current.duration === source.duration
    )
      return;
    this.#setSource(source);
  }

  #setSource(source: Source): void {
    this.#source = source;
    const player = source.kind === 'stream' ? this.#streamPlayer : this.#own?.player;
    this.#sync?.setSource(player ?? null, source);
  }

  /** Guests drop the stream: its tracks stop and nothing is sent. */
  #closeStream(): void {
    this.#streamPlayer?.destroy();
    this.#streamPlayer = null;
    this.#stream?.dispose();
    this.#stream = null;
    this.mesh.setOutgoing(null);
  }

  #closeOwn(): void {
    this.#own?.player.destroy();
    this.#own = null;
    this.#share?.close();
    this.#share = null;
    this.unplayable = new Map();
  }

  #send(sync: SyncMessage): void {
    if (!this.mesh.isHost || this.#resuming) return;
    this.mesh.broadcast(sync);
    this.#remember(sync);
    this.host.requestUpdate();
  }

  /** Keeps what plays for a later visit of this room; a file still to be chosen again stays kept. */
  #remember(sync: SyncMessage): void {
    if (!this.resume || this.#streamResume) return;
    const { source, paused, position, rate, at } = sync;
    if (source.kind === 'url') {
      this.resume.save({ source: { kind: 'url', url: source.url }, paused, position, rate, at });
    } else if (source.kind === 'stream' && !this.#stream?.screen) {
      const kept = { kind: 'stream' as const, name: source.name, size: this.#streamSize };
      this.resume.save({ source: kept, paused, position, rate, at });
    } else if (source.kind === 'file') {
      // A file shared itself is lost with the tab like a streamed one: kept the same way, so
      // the host is asked for it again and carries on (guests fetch it anew under a new ID).
      const kept = { kind: 'stream' as const, name: source.name, size: source.size };
      this.resume.save({ source: kept, paused, position, rate, at });
    } else {
      this.resume.clear();
    }
  }
}
