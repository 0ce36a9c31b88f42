import {
  type ClaimRequest,
  FILE_URL_PREFIX,
  type RangeAnswer,
  type RangeQuestion,
} from '../../shared/swarm/file-worker-protocol';
import { answerRange, readyPart } from './byte-range';
import fileWorkerUrl from './worker/file-worker?worker&url';

/** What a page can play through the file worker: a size, a type and bytes on demand. */
export interface RangeSource {
  size: number;
  type: string;
  /** Bytes `start`..`end` inclusive; waits for them to arrive; rejects when they never will. */
  read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>>;
  /** The size of the pieces bytes arrive in. */
  chunkSize: number;
  /** Where the bytes held without a gap from `start` end (exclusive; `start` when none are). */
  heldEnd(start: number): number;
}

/** One answer's most bytes: the player asks again for the rest, and a seek needs only a little. */
const ANSWER_BYTES_MAX = 2 * 1024 * 1024;

const sources = new Map<string, RangeSource>();
let registered: Promise<ServiceWorkerRegistration> | null = null;

/**
 * Registers the file worker, once per page: the room does so on entry, so a shared file later
 * waits for no install. It takes no open page until `startFileWorker` asks (pages loaded later
 * are the browser's to give it), so the room's requests go to the network untouched until a
 * file is shared. Rejects in a browser without service workers.
 */
export function registerFileWorker(): Promise<ServiceWorkerRegistration> {
  registered ??= (async () => {
    const container = navigator.serviceWorker as ServiceWorkerContainer | undefined;
    if (!container) throw new Error('This browser cannot play a shared file (no service workers).');
    container.addEventListener('message', onQuestion);
    await container.register(fileWorkerUrl, { scope: '/' });
    return container.ready;
  })();
  registered.catch(() => {
    registered = null;
  });
  return registered;
}

/**
 * Registers the file worker if needed and resolves once it controls this page: a page entered
 * before it was registered, or loaded without it (a hard reload), asks it to claim the page.
 */
export async function startFileWorker(): Promise<void> {
  const registration = await registerFileWorker();
  const container = navigator.serviceWorker;
  if (container.controller) return;
  const controlled = new Promise<void>((resolve) =>
    container.addEventListener('controllerchange', () => resolve(), { once: true }),
  );
  const claim: ClaimRequest = { type: 'lc-file-claim' };
  registration.active?.postMessage(claim);
  await controlled;
}

/** Plays `source` at the returned same-origin URL until `stop()`. */
export function serveFile(fileId: string, source: RangeSource): { url: string; stop(): void } {
  sources.set(fileId, source);
  return {
    url: FILE_URL_PREFIX + encodeURIComponent(fileId),
    stop: () => {
      if (sources.get(fileId) === source) sources.delete(fileId);
    },
  };
}

function onQuestion(event: MessageEvent): void {
  const question = event.data as Partial<RangeQuestion> | null;
  const port = event.ports[0];
  if (question?.type !== 'lc-file-range' || typeof question.fileId !== 'string' || !port) return;
  const reply = (a: RangeAnswer) => port.postMessage(a, a.status === 206 ? [a.bytes] : []);
  const fileId = question.fileId;
  const source = sources.get(fileId);
  if (!source) {
    reply({ status: 404 });
    return;
  }
  const asked = answerRange(question.range ?? null, source.size, ANSWER_BYTES_MAX);
  if (!asked) {
    reply({ status: 416, size: source.size });
    return;
  }
  const range = readyPart(asked, source.chunkSize, source.heldEnd(asked.start));
  source.read(range.start, range.end).then(
    (bytes) => {
      // Transferred, so it must be exactly these bytes, not a view into a larger buffer.
      const exact =
        bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      reply({ status: 206, ...range, size: source.size, type: source.type, bytes: exact });
    },
    () => {
      // A file closed while its player let go: the player's requests are cancelled just after,
      // and an answer would reach it first as a failed load in its console. Unanswered, the
      // file worker gives up on its own timeout.
      if (sources.get(fileId) === source) reply({ status: 504 });
      else port.close();
    },
  );
}
