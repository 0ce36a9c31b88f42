/** Louder than this (dBFS, RMS) starts "speaking"; below OFF_DB for HOLD_MS ends it. */
export const ON_DB = -42;
export const OFF_DB = -52;
/** Pauses between words shorter than this keep the mark (no flicker). */
export const HOLD_MS = 400;

/** RMS level of time-domain samples in dBFS; -Infinity for silence. */
export function levelDb(samples: Float32Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  return 20 * Math.log10(rms);
}

/** Whether someone speaks, from their level over time, with hysteresis and a hold. */
export class SpeechGate {
  speaking = false;
  #quietSince: number | null = null;

  /** The level at time `t` (ms); returns whether the mark changed. */
  update(db: number, t: number): boolean {
    const was = this.speaking;
    if (db >= ON_DB) {
      this.speaking = true;
      this.#quietSince = null;
    } else if (this.speaking && db < OFF_DB) {
      this.#quietSince ??= t;
      if (t - this.#quietSince >= HOLD_MS) {
        this.speaking = false;
        this.#quietSince = null;
      }
    } else {
      this.#quietSince = null;
    }
    return was !== this.speaking;
  }
}
