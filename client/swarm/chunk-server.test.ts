import { describe, expect, it } from 'vitest';
import { ASSEMBLY_TIMEOUT_MS } from '../../shared/swarm/pieces';
import { ChunkServer } from './chunk-server';

/** A server of one-byte frames holding chunk i as [i], and a member whose channel takes `room`. */
function serve(room: number, now: () => number = () => 0) {
  const sent: number[] = [];
  const none: number[] = [];
  let left = room;
  const server = new ChunkServer(async (chunk) => new Uint8Array([chunk]).buffer, now);
  const peer = {
    sendChunk: (frame: ArrayBuffer) => {
      if (left <= 0) return false;
      left -= 1;
      sent.push(new Uint8Array(frame)[0] as number);
      return true;
    },
    none: (chunk: number) => none.push(chunk),
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const drain = async (n: number) => {
    left = n;
    server.drain('m');
    await settle();
  };
  return { server, peer, sent, none, settle, drain };
}

describe('ChunkServer', () => {
  it('serves a member in the order it asked', async () => {
    const { server, peer, sent, drain } = serve(0);
    for (const c of [5, 6, 7]) server.want('m', peer, c);
    await drain(10);
    expect(sent).toEqual([5, 6, 7]);
  });

  it('serves an urgent request before queued prefetch, after earlier urgent ones', async () => {
    const { server, peer, sent, settle, drain } = serve(0);
    for (const c of [10, 11, 12]) server.want('m', peer, c);
    // The channel is full: 10 waits for its drain, as the rest does.
    await settle();
    server.want('m', peer, 40, true);
    server.want('m', peer, 41, true);
    // Asked before as prefetch, now waited for: it moves up too.
    server.want('m', peer, 12, true);
    await drain(10);
    expect(sent).toEqual([40, 41, 12, 10, 11]);
  });

  it('sends a chunk asked twice once, and answers past the queue limit with file-none', async () => {
    const { server, peer, sent, none, drain } = serve(0);
    server.want('m', peer, 3);
    server.want('m', peer, 3);
    server.want('m', peer, 3, true);
    server.want('m', peer, 3, true);
    for (let c = 100; c < 140; c++) server.want('m', peer, c);
    await drain(100);
    expect(sent.filter((c) => c === 3)).toHaveLength(1);
    expect(sent).toHaveLength(32);
    expect(none).toHaveLength(40 + 1 - 32);
  });

  it('drops a cancelled request, queued or still being read, and serves the rest', async () => {
    const { server, peer, sent, none, settle, drain } = serve(10);
    for (const c of [1, 2, 3, 4]) server.want('m', peer, c);
    // 1 is being read; 3 waits in the queue.
    server.cancel('m', 1);
    server.cancel('m', 3);
    // Not asked, or asked by someone else: nothing to drop.
    server.cancel('m', 9);
    server.cancel('other', 2);
    await settle();
    expect(sent).toEqual([2, 4]);
    expect(none).toEqual([]);
    // Asked again after it was cancelled, it comes.
    server.want('m', peer, 3);
    await drain(10);
    expect(sent).toEqual([2, 4, 3]);
  });

  it('sends a chunk asked again soon after it went out once: it is on its way', async () => {
    let clock = 0;
    const { server, peer, sent, settle } = serve(10, () => clock);
    server.want('m', peer, 7);
    await settle();
    clock += ASSEMBLY_TIMEOUT_MS - 1;
    server.want('m', peer, 7, true);
    await settle();
    expect(sent).toEqual([7]);
    // The receiver dropped a half-received chunk by now: asked again, it goes again.
    clock += 1;
    server.want('m', peer, 7);
    await settle();
    expect(sent).toEqual([7, 7]);
    // A link that came back lost what its old channel carried.
    server.relinked('m');
    server.want('m', peer, 7);
    await settle();
    expect(sent).toEqual([7, 7, 7]);
  });

  it('serves a member first what it has sent nobody, its urgent wants before all', async () => {
    const server = new ChunkServer(
      async (chunk) => new Uint8Array([chunk]).buffer,
      () => 0,
    );
    const member = (room: number) => {
      const sent: number[] = [];
      const peer = {
        room,
        sendChunk: (frame: ArrayBuffer) => {
          if (peer.room <= 0) return false;
          peer.room -= 1;
          sent.push(new Uint8Array(frame)[0] as number);
          return true;
        },
        none: () => {},
      };
      return { peer, sent };
    };
    const settle = () => new Promise((r) => setTimeout(r, 0));
    const a = member(10);
    for (const c of [1, 2]) server.want('a', a.peer, c);
    await settle();
    expect(a.sent).toEqual([1, 2]);
    // b asks for the same and more while its channel is full.
    const b = member(0);
    for (const c of [1, 2, 3, 4, 5]) server.want('b', b.peer, c);
    server.want('b', b.peer, 2, true);
    await settle();
    b.peer.room = 10;
    server.drain('b');
    await settle();
    // Its urgent 2, then 3, 4, 5 that nobody has, then 1 (which a may pass on meanwhile).
    expect(b.sent).toEqual([2, 3, 4, 5, 1]);
  });
});
