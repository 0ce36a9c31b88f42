/**
 * Measuring probes installed into each page (with context.addInitScript, so the function must
 * be self-contained). Times are epoch milliseconds from performance.timeOrigin +
 * performance.now(), which every page on this machine reads from the same clock.
 */

export interface Probes {
  /** Records when the first frame of the host's stream is presented (guest side). */
  watchFirstRemoteFrame(): void;
  firstFrame: number | null;
  /** Logs each presented frame's number, decoded from the counter clip's 16 top blocks. */
  logFrames(selector: string): void;
  frames: RemoteFrame[];
  /** Grey thumbnails of frames whose number is a multiple of 30, keyed by that number. */
  thumbs: Record<number, number[]>;
  /** Records the arrival of chat lines reading `lat <sentAt>`, and resets `channel` and `renders`. */
  watchChat(): void;
  chat: Array<{ sent: number; t: number }>;
  /** When each stamped chat line crossed a data channel here: `send` on the way out, `receive` in. */
  channel: Array<{ sent: number; way: 'send' | 'receive'; t: number }>;
  /** Lit updates per element since watchChat, with the main-thread ms they took (hooks included). */
  renders: Record<string, { count: number; ms: number }>;
  /** Types `lat <now>` into the chat box and presses Enter. */
  sendStampedChat(): void;
  /**
   * A bare RTCDataChannel beside the app's, between the same two pages: the host offers
   * (`rawOffer`), the guest answers (`rawAnswer`), the host completes it (`rawAccept`). Both
   * descriptions carry all their candidates, so no trickle is needed.
   */
  rawOffer(id: string): Promise<RTCSessionDescriptionInit>;
  rawAnswer(id: string, offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  rawAccept(id: string, answer: RTCSessionDescriptionInit): Promise<void>;
  /** Sends the current time on every raw channel (host side). */
  rawSend(): void;
  /** When each raw message arrived: its send time and arrival time (guest side). */
  raw: Array<{ sent: number; t: number }>;
  /** The current time of the first video matching `selector`, or -1. */
  currentTime(selector: string): number;
  /** Logs when each frame of the host's captured video track reaches a consumer (host side). */
  logCapture(): void;
  captured: Array<{ n: number; t: number }>;
  /**
   * Logs when each beep of the counter clip's sound comes out of a Web Audio tap on the stream
   * of the video at `selector` (a guest's), or on the host's captured stream when null.
   */
  logBeeps(selector: string | null): Promise<void>;
  /** The same for any stream, e.g. a voice's (bench/voice). */
  logBeepsIn(stream: MediaStream): Promise<void>;
  beeps: number[];
  /** That tap's AudioContext base plus output latency (ms), included in each beep's time. */
  beepTapLatencyMs: number;
  /** RTP counters summed over this page's connections (getStats), to diff two snapshots. */
  rtpTotals(): Promise<RtpTotals>;
  /** Bytes sent and received so far on every data channel labelled `label`, all connections. */
  dataChannelBytes(label: string): Promise<{ sent: number; received: number }>;
}

/**
 * Cumulative getStats counters summed over every connection of a page: video sent (`out`)
 * and received (`in`), audio received, and audio playout.
 */
export interface RtpTotals {
  t: number;
  out: Record<string, number>;
  in: Record<string, number>;
  audioIn: Record<string, number>;
  playout: Record<string, number>;
  /** Last seen values that are not counters: sizes, codec, implementations, limitation. */
  info: Record<string, string | number>;
}

/** Per-frame metadata a guest's requestVideoFrameCallback reports, on the epoch clock. */
export interface RemoteFrame {
  n: number;
  t: number;
  receive: number | null;
  capture: number | null;
}

declare global {
  interface Window {
    lcProbes: Probes;
  }
  /** Chromium's breakout box (not in TypeScript's DOM types yet). */
  class MediaStreamTrackProcessor {
    constructor(init: { track: MediaStreamTrack });
    readonly readable: ReadableStream<VideoFrame>;
  }
}

export function installProbes(): void {
  const now = () => performance.timeOrigin + performance.now();
  const find = (root: Document | ShadowRoot | Element, sel: string): Element | null => {
    const direct = root.querySelector(sel);
    if (direct) return direct;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (el.shadowRoot) {
        const found = find(el.shadowRoot, sel);
        if (found) return found;
      }
    }
    return null;
  };
  const waitFor = (sel: string, then: (el: Element) => void) => {
    const el = find(document, sel);
    if (el) then(el);
    else setTimeout(() => waitFor(sel, then), 5);
  };

  const connections: RTCPeerConnection[] = [];
  const Native = RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      connections.push(this);
    }
  };
  const captures: MediaStream[] = [];
  const nativeCapture = HTMLMediaElement.prototype.captureStream;
  if (nativeCapture) {
    HTMLMediaElement.prototype.captureStream = function (this: HTMLMediaElement) {
      const stream = nativeCapture.call(this);
      captures.push(stream);
      return stream;
    };
  }
  const stamp = (data: unknown): number | null => {
    const m = typeof data === 'string' ? /"lat (\d+\.\d+)"/.exec(data) : null;
    return m ? Number(m[1]) : null;
  };
  // simple-peer reads a channel through its onmessage property and writes with send().
  const onmessage = Object.getOwnPropertyDescriptor(RTCDataChannel.prototype, 'onmessage');
  Object.defineProperty(RTCDataChannel.prototype, 'onmessage', {
    configurable: true,
    get() {
      return onmessage?.get?.call(this);
    },
    set(handler: ((event: MessageEvent) => void) | null) {
      const wrapped = handler
        ? (event: MessageEvent) => {
            const sent = stamp(event.data);
            if (sent !== null) probes.channel.push({ sent, way: 'receive', t: now() });
            handler.call(this, event);
          }
        : null;
      onmessage?.set?.call(this, wrapped);
    },
  });
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
    const sent = stamp(data);
    if (sent !== null) probes.channel.push({ sent, way: 'send', t: now() });
    send.call(this, data);
  };
  // Count and time every Lit update: performUpdate() renders the template and runs the
  // element's willUpdate/updated hooks (with any layout they force).
  const define = customElements.define.bind(customElements);
  customElements.define = (name, element, options) => {
    const proto = element.prototype as { performUpdate?: () => void };
    const performUpdate = proto.performUpdate;
    if (performUpdate) {
      proto.performUpdate = function (this: unknown) {
        const start = performance.now();
        performUpdate.call(this);
        const entry = probes.renders[name] ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += performance.now() - start;
        probes.renders[name] = entry;
      };
    }
    define(name, element, options);
  };

  // Each log* call ends the previous one's loop, so a second room size does not count twice.
  let framesRun = 0;
  let captureTrack: MediaStreamTrack | null = null;
  let beepContext: AudioContext | null = null;
  let chatObserver: MutationObserver | null = null;
  const rawPeers = new Map<string, { pc: RTCPeerConnection; channel: RTCDataChannel | null }>();
  const gathered = (pc: RTCPeerConnection) =>
    pc.iceGatheringState === 'complete'
      ? Promise.resolve()
      : new Promise<void>((resolve) =>
          pc.addEventListener('icegatheringstatechange', () => {
            if (pc.iceGatheringState === 'complete') resolve();
          }),
        );
  // Size of the thumbnails compared for picture quality: a quarter of the clip's 640x320 picture.
  const THUMB_W = 320;
  const THUMB_H = 160;
  const probes: Probes = {
    firstFrame: null,
    frames: [],
    thumbs: {},
    chat: [],
    channel: [],
    renders: {},
    watchFirstRemoteFrame() {
      probes.firstFrame = null;
      waitFor('video.remote', (video) => {
        if (video instanceof HTMLVideoElement) {
          video.requestVideoFrameCallback(() => {
            probes.firstFrame = now();
          });
        }
      });
    },
    logFrames(selector) {
      const video = find(document, selector);
      if (!(video instanceof HTMLVideoElement)) throw new Error(`no video at ${selector}`);
      const canvas = document.createElement('canvas');
      // Only the counter's row is read: a full-frame readback would load the renderer under test.
      canvas.width = 640;
      canvas.height = 1;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d context');
      probes.frames = [];
      probes.thumbs = {};
      const thumb = document.createElement('canvas');
      thumb.width = THUMB_W;
      thumb.height = THUMB_H;
      const thumbCtx = thumb.getContext('2d', { willReadFrequently: true });
      framesRun += 1;
      const run = framesRun;
      const onFrame: VideoFrameRequestCallback = (_t, meta) => {
        if (run !== framesRun) return;
        const scale = video.videoWidth / 640;
        ctx.drawImage(video, 0, 20 * scale, video.videoWidth, scale, 0, 0, 640, 1);
        const row = ctx.getImageData(0, 0, 640, 1).data;
        let n = 0;
        for (let bit = 0; bit < 16; bit++) if ((row[(bit * 40 + 20) * 4] ?? 0) > 128) n += 2 ** bit;
        // The picture below the counter, for comparing what guests see with the host's frame.
        if (
          n % 30 === 0 &&
          thumbCtx &&
          !(n in probes.thumbs) &&
          Object.keys(probes.thumbs).length < 12
        ) {
          const top = 40 * scale;
          thumbCtx.drawImage(
            video,
            0,
            top,
            video.videoWidth,
            video.videoHeight - top,
            0,
            0,
            THUMB_W,
            THUMB_H,
          );
          const px = thumbCtx.getImageData(0, 0, THUMB_W, THUMB_H).data;
          const grey: number[] = [];
          for (let i = 0; i < px.length; i += 4) grey.push(px[i + 1] ?? 0);
          probes.thumbs[n] = grey;
        }
        const epoch = (x: number | undefined) =>
          x === undefined ? null : performance.timeOrigin + x;
        probes.frames.push({
          n,
          t: performance.timeOrigin + meta.presentationTime,
          receive: epoch(meta.receiveTime),
          capture: epoch(meta.captureTime),
        });
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    },
    watchChat() {
      const log = find(document, '[role="log"]');
      if (!log) throw new Error('no chat log');
      probes.chat = [];
      probes.channel = [];
      probes.renders = {};
      // Lines sent before this call (history from an earlier round) are not this round's.
      const since = now();
      const seen = new Set<number>();
      // One observer at a time: an earlier round's would count each line again.
      chatObserver?.disconnect();
      chatObserver = new MutationObserver(() => {
        const t = now();
        for (const m of log.textContent?.matchAll(/lat (\d+\.\d+)/g) ?? []) {
          const sent = Number(m[1]);
          if (seen.has(sent) || sent < since) continue;
          seen.add(sent);
          probes.chat.push({ sent, t });
        }
      });
      chatObserver.observe(log, { childList: true, subtree: true, characterData: true });
    },
    beeps: [],
    beepTapLatencyMs: 0,
    async logBeeps(selector) {
      const video = selector === null ? null : find(document, selector);
      const stream =
        selector === null
          ? captures.at(-1)
          : video instanceof HTMLVideoElement
            ? video.srcObject
            : null;
      await probes.logBeepsIn(stream instanceof MediaStream ? stream : new MediaStream());
    },
    async logBeepsIn(stream) {
      probes.beeps = [];
      await beepContext?.close();
      beepContext = null;
      // Nothing to hear when the bench sends no audio (BENCH_ROOM_SENDER noAudio).
      if (stream.getAudioTracks().length === 0) return;
      const ctx = new AudioContext();
      beepContext = ctx;
      // A ScriptProcessor, not a worklet: the app's CSP refuses worklet modules from blob: URLs.
      // Its buffer plays at playbackTime, one buffer after its input entered the graph.
      const size = 256;
      const processor = ctx.createScriptProcessor(size, 1, 1);
      let quietSince = 0;
      processor.onaudioprocess = (e) => {
        const data = e.inputBuffer.getChannelData(0);
        const stamp = ctx.getOutputTimestamp();
        for (let i = 0; i < data.length; i++) {
          const t = e.playbackTime + (i - size) / ctx.sampleRate;
          if (Math.abs(data[i] ?? 0) < 0.05) continue;
          if (t - quietSince > 0.3) {
            const offset = (t - (stamp.contextTime ?? 0)) * 1000;
            probes.beeps.push(performance.timeOrigin + (stamp.performanceTime ?? 0) + offset);
          }
          quietSince = t;
        }
      };
      ctx.createMediaStreamSource(stream).connect(processor).connect(ctx.destination);
      await ctx.resume();
      probes.beepTapLatencyMs = (ctx.baseLatency + ctx.outputLatency) * 1000;
    },
    captured: [],
    logCapture() {
      const live = captures
        .flatMap((s) => s.getVideoTracks())
        .filter((t) => t.readyState === 'live');
      const track = live.at(-1)?.clone();
      if (!track) throw new Error('no captured video track');
      captureTrack?.stop();
      captureTrack = track;
      probes.captured = [];
      const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
      const row = new Uint8Array(640 * 2 * 2);
      const read = async (): Promise<void> => {
        for (;;) {
          const { value: frame, done } = await reader.read();
          if (done || !frame) return;
          const t = now();
          // Two luma rows from y=20 (the Y plane comes first in I420 and NV12).
          const copied = await frame
            .copyTo(row, {
              rect: { x: 0, y: 20, width: 640, height: 2 },
              layout: [
                { offset: 0, stride: 640 },
                { offset: 1280, stride: 320 },
                { offset: 1600, stride: 320 },
              ],
            })
            .then(
              () => true,
              () => false,
            );
          frame.close();
          if (!copied) continue;
          let n = 0;
          for (let bit = 0; bit < 16; bit++) if ((row[bit * 40 + 20] ?? 0) > 128) n += 2 ** bit;
          probes.captured.push({ n, t });
          if (probes.captured.length > 2000) track.stop();
        }
      };
      void read();
    },
    async rtpTotals() {
      const totals: RtpTotals = { t: now(), out: {}, in: {}, audioIn: {}, playout: {}, info: {} };
      const add = (into: Record<string, number>, key: string, v: unknown) => {
        if (typeof v === 'number') into[key] = (into[key] ?? 0) + v;
      };
      for (const pc of connections) {
        if (pc.connectionState === 'closed') continue;
        const report = await pc.getStats();
        report.forEach((s: Record<string, unknown>) => {
          if (s.type === 'media-playout') {
            for (const [k, v] of Object.entries(s)) add(totals.playout, k, v);
            return;
          }
          if (s.kind === 'audio' && s.type === 'inbound-rtp') {
            for (const [k, v] of Object.entries(s)) add(totals.audioIn, k, v);
            if (typeof s.jitter === 'number') totals.info['audio.jitterMs'] = s.jitter * 1000;
            return;
          }
          if (s.kind !== 'video') return;
          const into =
            s.type === 'outbound-rtp' ? totals.out : s.type === 'inbound-rtp' ? totals.in : null;
          if (!into) return;
          for (const [k, v] of Object.entries(s)) add(into, k, v);
          for (const k of [
            'frameWidth',
            'frameHeight',
            'framesPerSecond',
            'encoderImplementation',
            'decoderImplementation',
            'qualityLimitationReason',
          ]) {
            const v = s[k];
            if (typeof v === 'number' || typeof v === 'string') totals.info[`${s.type}.${k}`] = v;
          }
          const codec = typeof s.codecId === 'string' ? report.get(s.codecId) : undefined;
          if (codec) totals.info[`${s.type}.codec`] = String(codec.mimeType);
        });
      }
      return totals;
    },
    async dataChannelBytes(label) {
      const bytes = { sent: 0, received: 0 };
      for (const pc of connections) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type !== 'data-channel' || s.label !== label) return;
          bytes.sent += typeof s.bytesSent === 'number' ? s.bytesSent : 0;
          bytes.received += typeof s.bytesReceived === 'number' ? s.bytesReceived : 0;
        });
      }
      return bytes;
    },
    currentTime(selector) {
      const video = find(document, selector);
      return video instanceof HTMLVideoElement ? video.currentTime : -1;
    },
    raw: [],
    async rawOffer(id) {
      const pc = new Native({ iceServers: [] });
      const channel = pc.createDataChannel('raw');
      rawPeers.set(id, { pc, channel });
      await pc.setLocalDescription();
      await gathered(pc);
      if (!pc.localDescription) throw new Error('no local description');
      return pc.localDescription.toJSON();
    },
    async rawAnswer(id, offer) {
      const pc = new Native({ iceServers: [] });
      pc.ondatachannel = (e) => {
        e.channel.onmessage = (m) => {
          const t = now();
          if (typeof m.data === 'string') probes.raw.push({ sent: Number(m.data.slice(1)), t });
        };
      };
      rawPeers.set(id, { pc, channel: null });
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription();
      await gathered(pc);
      if (!pc.localDescription) throw new Error('no local description');
      return pc.localDescription.toJSON();
    },
    async rawAccept(id, answer) {
      const peer = rawPeers.get(id);
      if (!peer?.channel) throw new Error(`no raw offer ${id}`);
      const channel = peer.channel;
      await peer.pc.setRemoteDescription(answer);
      if (channel.readyState !== 'open')
        await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
    },
    rawSend() {
      const message = `r${now().toFixed(3)}`;
      for (const { channel } of rawPeers.values()) channel?.send(message);
    },
    sendStampedChat() {
      const box = find(document, 'input#message');
      if (!(box instanceof HTMLInputElement) || !box.form) throw new Error('no message box');
      box.value = `lat ${now().toFixed(3)}`;
      box.form.requestSubmit();
    },
  };
  window.lcProbes = probes;
}
