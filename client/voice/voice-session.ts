/**
 * Voice and camera beside the video (issue 13), fetched when someone presses Microphone or
 * Camera or a remote voice or camera arrives: our own microphone and camera sent to everyone,
 * each remote voice played at its own volume, who speaks, the video lowered while people talk,
 * and camera tiles.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Member } from '../mesh/member';
import type { MeshController } from '../mesh/mesh-controller';
import type { PersonalMedia } from '../mesh/peer-link';
import { PERSONAL_KINDS, type PersonalKind } from '../mesh/personal-tracks';
import { now } from '../util/clock';
import { DUCKED, nextFactor, VideoDucker } from './ducking';
import { LcCameras } from './lc-cameras';
import { openLocal } from './local-media';
import { MicrophoneMarks } from './microphone-marks';
import { levelDb, SpeechGate } from './speech-gate';

/** How often levels are read and the duck moves, ms. */
const TICK_MS = 50;

/** One voice we measure: a remote person's, or our own microphone's. */
interface Meter {
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  samples: Float32Array<ArrayBuffer>;
  gate: SpeechGate;
}

export class VoiceSession implements ReactiveController {
  /** Whether our microphone and camera are on. */
  readonly on: Record<PersonalKind, boolean> = { voice: false, camera: false };
  /** Why the last Microphone or Camera press failed; empty when it did not. */
  error = '';
  /** Peer IDs of the people speaking now, ourselves included. */
  speaking: readonly string[] = [];
  /** "Lower the video while people talk". */
  duck = true;
  readonly tiles = new LcCameras();
  /** Whose microphone is on or muted, for People. */
  readonly microphones: MicrophoneMarks;
  readonly #volumes = new Map<string, number>();
  /** One stream per kind for the whole visit: its id is what the links announce. */
  readonly #streams: Record<PersonalKind, MediaStream> = {
    voice: new MediaStream(),
    camera: new MediaStream(),
  };
  #local: Partial<Record<PersonalKind, MediaStreamTrack>> = {};
  #ctx: AudioContext | null = null;
  readonly #meters = new Map<string, Meter>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastTick = 0;
  #factor = 1;
  readonly #ducker = new VideoDucker();
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly mesh: MeshController,
    /** The room's video, whose sound ducks. */
    private readonly video: () => HTMLMediaElement | null,
  ) {
    host.addController(this);
    this.microphones = new MicrophoneMarks(() => host.requestUpdate());
    this.#unsubscribe = mesh.subscribe({
      personalTrack: (member, kind, track) => this.#remote(member, kind, track),
      memberLeft: (member) => {
        for (const kind of PERSONAL_KINDS) this.#remote(member, kind, null);
        this.microphones.forget(member.peerId);
      },
    });
    for (const [peerId, tracks] of mesh.personalTracks()) {
      const member = mesh.members.find((m) => m.peerId === peerId);
      if (!member) continue;
      for (const kind of PERSONAL_KINDS) {
        const track = tracks[kind];
        if (track) this.#remote(member, kind, track);
      }
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#unsubscribe?.();
    for (const track of Object.values(this.#local)) track.stop();
    this.#local = {};
    clearInterval(this.#timer);
    void this.#ctx?.close();
  }

  volume(peerId: string): number {
    return this.#volumes.get(peerId) ?? 1;
  }

  setVolume(peerId: string, volume: number): void {
    this.#volumes.set(peerId, volume);
    this.tiles.setVolume(peerId, volume);
    this.host.requestUpdate();
  }

  /** Turns our microphone or camera on or off for everyone. */
  async toggle(kind: PersonalKind): Promise<void> {
    this.error = '';
    if (this.on[kind]) {
      this.#stopLocal(kind);
    } else {
      this.on[kind] = true;
      this.host.requestUpdate();
      const opened = await openLocal(kind);
      if (!opened.ok) {
        this.on[kind] = false;
        this.error = opened.message;
      } else if (!this.on[kind]) {
        opened.track.stop(); // turned off again while the device opened
      } else {
        this.#startLocal(kind, opened.track);
      }
    }
    this.host.requestUpdate();
  }

  #startLocal(kind: PersonalKind, track: MediaStreamTrack): void {
    const stream = this.#streams[kind];
    for (const old of stream.getTracks()) stream.removeTrack(old);
    stream.addTrack(track);
    this.#local = { ...this.#local, [kind]: track };
    // The device went away (unplugged, or the browser's own stop).
    track.addEventListener('ended', () => {
      if (this.#local[kind] === track) this.#stopLocal(kind);
    });
    this.#publish();
    const self = this.#self();
    if (kind === 'voice') {
      const selfId = this.mesh.selfPeerId ?? '';
      this.#meter(selfId, track);
      this.microphones.set(selfId, track);
    } else if (self) this.tiles.camera(self.peerId, `${self.name} (you)`, track);
  }

  #stopLocal(kind: PersonalKind): void {
    const track = this.#local[kind];
    track?.stop();
    if (track) this.#streams[kind].removeTrack(track);
    const { [kind]: _, ...rest } = this.#local;
    this.#local = rest;
    this.on[kind] = false;
    this.#publish();
    const selfId = this.mesh.selfPeerId ?? '';
    if (kind === 'voice') {
      this.#unmeter(selfId);
      this.microphones.set(selfId, null);
    } else this.tiles.camera(selfId, '', null);
    this.host.requestUpdate();
  }

  #publish(): void {
    const media: PersonalMedia = {};
    for (const kind of PERSONAL_KINDS) {
      const track = this.#local[kind];
      if (track) media[kind] = { stream: this.#streams[kind], track };
    }
    this.mesh.setPersonal(media);
  }

  #self(): Member | undefined {
    return this.mesh.members.find((m) => m.link === 'self');
  }

  #remote(member: Member, kind: PersonalKind, track: MediaStreamTrack | null): void {
    if (kind === 'camera') {
      this.tiles.camera(member.peerId, member.name, track);
      return;
    }
    this.tiles.voice(member.peerId, member.name, track, this.volume(member.peerId));
    this.microphones.set(member.peerId, track);
    if (track) this.#meter(member.peerId, track);
    else this.#unmeter(member.peerId);
  }

  /** Measures a voice's level for the speaking mark (before its volume: muted people still show). */
  #meter(peerId: string, track: MediaStreamTrack): void {
    this.#unmeter(peerId);
    this.#ctx ??= new AudioContext();
    void this.#ctx.resume().catch(() => {});
    const source = this.#ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = this.#ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#meters.set(peerId, { source, analyser, samples, gate: new SpeechGate() });
    if (this.#timer === undefined) {
      this.#lastTick = now();
      this.#timer = setInterval(() => this.#tick(), TICK_MS);
    }
  }

  #unmeter(peerId: string): void {
    const meter = this.#meters.get(peerId);
    if (!meter) return;
    meter.source.disconnect();
    this.#meters.delete(peerId);
    if (this.speaking.includes(peerId)) {
      this.speaking = this.speaking.filter((id) => id !== peerId);
      this.host.requestUpdate();
    }
  }

  /** Reads every level, updates who speaks, and moves the duck a step. */
  #tick(): void {
    const t = now();
    const dt = t - this.#lastTick;
    this.#lastTick = t;
    let changed = false;
    for (const meter of this.#meters.values()) {
      meter.analyser.getFloatTimeDomainData(meter.samples);
      if (meter.gate.update(levelDb(meter.samples), t)) changed = true;
    }
    if (changed) {
      this.speaking = [...this.#meters].filter(([, m]) => m.gate.speaking).map(([id]) => id);
      this.host.requestUpdate();
    }
    const selfId = this.mesh.selfPeerId;
    const othersSpeak = this.speaking.some((id) => id !== selfId);
    this.#factor = nextFactor(this.#factor, this.duck && othersSpeak ? DUCKED : 1, dt);
    this.#ducker.apply(this.video(), this.#factor);
    if (this.#meters.size === 0 && this.#factor === 1) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
