/** Messages between the benchmark coordinator and its worker processes (IPC, our own code on both ends). */

export interface SocketPlan {
  /** The node this client talks to; the connect message's URL when unset. */
  url?: string;
  cookie: string;
  roomId: string;
  pin: string;
}

export type ToWorker =
  | { type: 'connect'; url: string; sockets: SocketPlan[]; concurrency: number }
  | { type: 'join'; ratePerSecond: number | null; concurrency: number }
  /** Rounds of one signal per socket; `paced` spreads each round over its interval, not a burst. */
  | { type: 'signal'; perSocket: number; intervalMs: number; paced?: boolean }
  | { type: 'close' };

export interface PhaseReport {
  type: 'done';
  phase: 'connect' | 'join' | 'signal' | 'close';
  ok: number;
  errors: Record<string, number>;
  /** per-operation latencies, ms */
  latencies: number[];
  startedAt: number;
  endedAt: number;
}

export type FromWorker = PhaseReport;
