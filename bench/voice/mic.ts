/**
 * A synthetic microphone installed into each page (with context.addInitScript, so the function
 * must be self-contained): silence, with a short 1 kHz burst whenever the bench asks, so the
 * moment a sound enters the microphone is known. Pages opt in with `use()`; until then the
 * browser's own (fake) device answers getUserMedia.
 */
export interface SyntheticMic {
  /** From now on getUserMedia's audio is the synthetic microphone. */
  use(): void;
  /** A 30 ms burst into the microphone, a moment from now. */
  burst(): void;
  /** The synthetic microphone's own stream, for a tap that sees what leaves the page. */
  stream(): MediaStream;
}

declare global {
  interface Window {
    lcMic: SyntheticMic;
  }
}

export function installSyntheticMic(): void {
  let used = false;
  let graph: { ctx: AudioContext; gain: GainNode; out: MediaStreamAudioDestinationNode } | null =
    null;
  const make = () => {
    if (graph) return graph;
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 1000;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    const out = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(out);
    osc.start();
    void ctx.resume();
    graph = { ctx, gain, out };
    return graph;
  };
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    if (!used || !constraints?.audio) return original(constraints);
    // A clone: the app stops its track when the microphone goes off, the source lives on.
    return new MediaStream(
      make()
        .out.stream.getAudioTracks()
        .map((t) => t.clone()),
    );
  };
  window.lcMic = {
    use() {
      used = true;
      make();
    },
    burst() {
      const { ctx, gain } = make();
      const t = ctx.currentTime + 0.02;
      gain.gain.setValueAtTime(0.5, t);
      gain.gain.setValueAtTime(0, t + 0.03);
    },
    stream: () => make().out.stream,
  };
}
