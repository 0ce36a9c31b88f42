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
  frames: Array<{ n: number; t: number }>;
  /** Records the arrival of chat lines reading `lat <sentAt>`, and resets `channel` and `renders`. */
  watchChat(): void;
  chat: Array<{ sent: number; t: number }>;
  /** When each stamped chat line crossed a data channel here: `send` on the way out, `receive` in. */
  channel: Array<{ sent: number; way: 'send' | 'receive'; t: number }>;
  /** Lit updates per element since watchChat, with the main-thread ms they took (hooks included). */
  renders: Record<string, { count: number; ms: number }>;
  /** Types `lat <now>` into the chat box and presses Enter. */
  sendStampedChat(): void;
  /** The current time of the first video matching `selector`, or -1. */
  currentTime(selector: string): number;
}

declare global {
  interface Window {
    lcProbes: Probes;
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

  const probes: Probes = {
    firstFrame: null,
    frames: [],
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
      canvas.width = 640;
      canvas.height = 360;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d context');
      probes.frames = [];
      const onFrame: VideoFrameRequestCallback = (_t, meta) => {
        ctx.drawImage(video, 0, 0, 640, 360);
        const row = ctx.getImageData(0, 20, 640, 1).data;
        let n = 0;
        for (let bit = 0; bit < 16; bit++) if ((row[(bit * 40 + 20) * 4] ?? 0) > 128) n += 2 ** bit;
        probes.frames.push({ n, t: performance.timeOrigin + meta.presentationTime });
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
      new MutationObserver(() => {
        const t = now();
        for (const m of log.textContent?.matchAll(/lat (\d+\.\d+)/g) ?? []) {
          const sent = Number(m[1]);
          if (seen.has(sent) || sent < since) continue;
          seen.add(sent);
          probes.chat.push({ sent, t });
        }
      }).observe(log, { childList: true, subtree: true, characterData: true });
    },
    currentTime(selector) {
      const video = find(document, selector);
      return video instanceof HTMLVideoElement ? video.currentTime : -1;
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
