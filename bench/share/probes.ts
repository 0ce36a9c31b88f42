/**
 * What bench/share reads in each page beside bench/room's and bench/sync's probes: when the
 * player's own <video> (the shared file, not a stream) presents its first frame, and when it
 * presents a frame at a position it was sent to. Installed with context.addInitScript, so the
 * function is self-contained; times are epoch ms on the machine's one clock.
 */
export interface ShareProbes {
  /** Watches for the next first frame of the player's file video (one with a `src`). */
  armFirstFrame(): void;
  firstFrame: number | null;
  /** What led to that first frame: [event, epoch ms], from the file video's appearing. */
  firstFrameSteps: Array<[string, number]>;
  /**
   * Watches the shown file video for a frame within [target, target + 3 s]: presented, or ready
   * and seeked to while paused.
   */
  armSeekFrame(target: number): void;
  seekFrame: number | null;
  /** The page's long tasks (over 50 ms on its main thread) as [start, duration], epoch ms. */
  longTasks: Array<[number, number]>;
  /** When a 10 ms timer of the page ran more than 4 ms late, and by how much: [epoch ms, ms]. */
  lags: Array<[number, number]>;
  /**
   * The `file-want`s this page sent, of anyone: all, the urgent ones, and the chunks they
   * named; all − chunks is what was asked again (after a timeout, or of a member that left).
   * `ofHost` / `urgentOfHost`: those asked of the host, whose upload the ratio counts.
   */
  wants: {
    sent: number;
    urgent: number;
    chunks: number;
    ofHost: number;
    urgentOfHost: number;
    /** The distinct chunks asked of the host, and of those the ones first asked as urgent. */
    chunksOfHost: number;
    urgentChunksOfHost: number;
  };
}

declare global {
  interface Window {
    lcShare: ShareProbes;
  }
}

export function installShareProbes(): void {
  const now = () => performance.timeOrigin + performance.now();
  const fileVideo = (root: Document | ShadowRoot): HTMLVideoElement | null => {
    for (const v of Array.from(root.querySelectorAll('video')))
      if (v instanceof HTMLVideoElement && !v.hidden && v.getAttribute('src')) return v;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const found = el.shadowRoot ? fileVideo(el.shadowRoot) : null;
      if (found) return found;
    }
    return null;
  };
  let armed = 0;
  const probes: ShareProbes = {
    longTasks: [],
    lags: [],
    firstFrame: null,
    firstFrameSteps: [],
    seekFrame: null,
    wants: {
      sent: 0,
      urgent: 0,
      chunks: 0,
      ofHost: 0,
      urgentOfHost: 0,
      chunksOfHost: 0,
      urgentChunksOfHost: 0,
    },
    armFirstFrame() {
      probes.firstFrame = null;
      probes.firstFrameSteps = [];
      armed += 1;
      const run = armed;
      const look = () => {
        if (run !== armed) return;
        const video = fileVideo(document);
        if (!video) {
          setTimeout(look, 5);
          return;
        }
        const step = (name: string) => {
          if (run === armed && probes.firstFrame === null)
            probes.firstFrameSteps.push([name, now()]);
        };
        step('video');
        for (const type of [
          'loadedmetadata',
          'loadeddata',
          'canplay',
          'seeking',
          'seeked',
          'play',
          'playing',
        ])
          video.addEventListener(type, () => step(type));
        video.requestVideoFrameCallback(() => {
          if (run === armed) probes.firstFrame = now();
        });
      };
      look();
    },
    armSeekFrame(target) {
      probes.seekFrame = null;
      armed += 1;
      const run = armed;
      const video = fileVideo(document);
      if (!video) throw new Error('no file video');
      const near = (t: number) => t >= target - 0.05 && t <= target + 3;
      const found = () => {
        if (run === armed && probes.seekFrame === null) probes.seekFrame = now();
      };
      const onFrame: VideoFrameRequestCallback = (_t, meta) => {
        if (run !== armed) return;
        if (near(meta.mediaTime)) found();
        else video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
      // A player held paused there (someone else still buffering) shows its frame once seeked.
      const onSeeked = () => {
        if (run !== armed) video.removeEventListener('seeked', onSeeked);
        else if (near(video.currentTime) && video.readyState >= 2) found();
      };
      video.addEventListener('seeked', onSeeked);
    },
  };
  // Until the first frame: each chunk this page asks for, each 256 KiB received on `lc-file`,
  // each of the file worker's questions, as steps of that first frame.
  const step = (name: string) => {
    if (armed > 0 && probes.firstFrame === null && probes.firstFrameSteps.length < 200)
      probes.firstFrameSteps.push([name, now()]);
  };
  const wanted = new Set<string>();
  const ofHost = new Set<string>();
  // The channel to the host is the one `file-hashes` come on (only the host sends them); its
  // messages reach simple-peer through `onmessage`.
  const toHost = new WeakSet<RTCDataChannel>();
  const onmessage = Object.getOwnPropertyDescriptor(RTCDataChannel.prototype, 'onmessage');
  Object.defineProperty(RTCDataChannel.prototype, 'onmessage', {
    ...onmessage,
    set(this: RTCDataChannel, handler: ((e: MessageEvent) => void) | null) {
      const watched = handler
        ? (e: MessageEvent) => {
            if (typeof e.data === 'string' && e.data.includes('"file-hashes"')) toHost.add(this);
            handler.call(this, e);
          }
        : null;
      onmessage?.set?.call(this, watched);
    },
  });
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
    if (typeof data === 'string' && data.includes('"file-want"')) {
      const want = JSON.parse(data) as { id: string; chunk: number; urgent?: boolean };
      step(`want ${want.chunk}${want.urgent ? '!' : ''}`);
      probes.wants.sent += 1;
      if (want.urgent) probes.wants.urgent += 1;
      const key = `${want.id} ${want.chunk}`;
      if (toHost.has(this)) {
        probes.wants.ofHost += 1;
        if (!ofHost.has(key)) {
          ofHost.add(key);
          probes.wants.chunksOfHost += 1;
          if (want.urgent) probes.wants.urgentChunksOfHost += 1;
        }
        if (want.urgent) probes.wants.urgentOfHost += 1;
      }
      wanted.add(key);
      probes.wants.chunks = wanted.size;
    }
    return send.call(this, data as ArrayBufferView<ArrayBuffer>);
  };
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (
    this: RTCPeerConnection,
    ...args: Parameters<RTCPeerConnection['createDataChannel']>
  ) {
    const channel = create.apply(this, args);
    if (channel.label === 'lc-file') {
      let bytes = 0;
      channel.addEventListener('message', (e: MessageEvent) => {
        const before = bytes;
        bytes += (e.data as ArrayBuffer).byteLength;
        if (Math.floor(bytes / 262_144) > Math.floor(before / 262_144))
          step(`got ${Math.floor(bytes / 1024)}K`);
      });
    }
    return channel;
  };
  navigator.serviceWorker?.addEventListener('message', (e: MessageEvent) => {
    const q = e.data as { type?: string; range?: string } | null;
    if (q?.type === 'lc-file-range') step(`ask ${q.range}`);
  });
  // Message events of every data channel wait while the main thread runs a long task.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      probes.longTasks.push([performance.timeOrigin + e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  // Short tasks queued back to back delay them too, with no long task: a late timer tells.
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    if (t - last > 14) probes.lags.push([performance.timeOrigin + t, t - last - 10]);
    last = t;
  }, 10);
  window.lcShare = probes;
}
