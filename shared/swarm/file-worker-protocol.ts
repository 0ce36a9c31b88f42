/**
 * Between a room page and its service worker (same origin, never the network): the worker asks
 * the page that owns a `<video>` for the bytes of a Range request, and the page answers on the
 * port that came with the question.
 */
export const FILE_URL_PREFIX = '/swarm-file/';
/**
 * The built worker's script (`/assets/file-worker-<hash>.js`): the server lets it control the
 * whole origin (`Service-Worker-Allowed: /`), as a script's scope is its folder otherwise.
 */
export const FILE_WORKER_SCRIPT = /^\/assets\/file-worker-[\w-]+\.js$/;

export interface RangeQuestion {
  type: 'lc-file-range';
  fileId: string;
  /** The request's Range header, as the player sent it. */
  range: string | null;
}

/** Asks an active worker to take control of a page loaded without it (a hard reload). */
export interface ClaimRequest {
  type: 'lc-file-claim';
}

export type RangeAnswer =
  | {
      status: 206;
      start: number;
      end: number;
      size: number;
      type: string;
      bytes: ArrayBuffer;
    }
  | { status: 404 | 504 }
  | { status: 416; size: number };
