/**
 * The service worker that lets a guest's ordinary `<video>` play a file shared over the mesh:
 * it answers Range requests for /swarm-file/<id> with the bytes the page that owns that video
 * (FetchEvent.clientId) assembles from verified chunks. It keeps no state of its own, so the
 * browser may stop and restart it at any time.
 */
import {
  type ClaimRequest,
  FILE_URL_PREFIX,
  type RangeAnswer,
  type RangeQuestion,
} from '../../../shared/swarm/file-worker-protocol';

declare const self: ServiceWorkerGlobalScope;

/** Longer than a chunk takes from the slowest peer, so a seek far ahead waits rather than fails. */
const ANSWER_TIMEOUT_MS = 45_000;

self.addEventListener('install', () => {
  void self.skipWaiting();
});

// No claim on activation: rooms register the worker on entry, and an open page is taken only
// once it plays a shared file (`lc-file-claim`), so until then its requests are left alone.
self.addEventListener('message', (event) => {
  const data = event.data as Partial<ClaimRequest> | null;
  if (data?.type === 'lc-file-claim') event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(FILE_URL_PREFIX)) return;
  const fileId = decodeURIComponent(url.pathname.slice(FILE_URL_PREFIX.length));
  event.respondWith(answer(event.clientId, fileId, event.request.headers.get('range')));
});

async function answer(clientId: string, fileId: string, range: string | null): Promise<Response> {
  const page = clientId ? await self.clients.get(clientId) : undefined;
  if (!page) return new Response('No page holds this file.', { status: 404 });
  const channel = new MessageChannel();
  const reply = new Promise<RangeAnswer>((resolve) => {
    const timer = setTimeout(() => resolve({ status: 504 }), ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (message: MessageEvent<RangeAnswer>) => {
      clearTimeout(timer);
      resolve(message.data);
    };
  });
  const question: RangeQuestion = { type: 'lc-file-range', fileId, range };
  page.postMessage(question, [channel.port2]);
  const a = await reply;
  channel.port1.close();
  if (a.status === 206) {
    return new Response(a.bytes, {
      status: 206,
      headers: {
        'Content-Type': a.type,
        'Content-Length': String(a.bytes.byteLength),
        'Content-Range': `bytes ${a.start}-${a.end}/${a.size}`,
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-store',
      },
    });
  }
  if (a.status === 416) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${a.size}` } });
  }
  return new Response(null, { status: a.status });
}
