import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket';
import type { FromWorker, PhaseReport, SocketPlan, ToWorker } from './protocol';

/**
 * One benchmark worker: holds a slice of the simulated clients, each a real socket.io-client
 * with its own session cookie, and runs the phases the coordinator asks for.
 */
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Client {
  plan: SocketPlan;
  socket: ClientSocket;
  peerId: string | null;
  others: string[];
}

const now = () => performance.timeOrigin + performance.now();
/** Paced signals go out this many per timer tick. */
const PACED_CHUNK = 25;
let clients: Client[] = [];
let url = '';
const relayed: number[] = [];

function send(msg: FromWorker): void {
  process.send?.(msg);
}

function report(phase: PhaseReport['phase'], startedAt: number): PhaseReport {
  return { type: 'done', phase, ok: 0, errors: {}, latencies: [], startedAt, endedAt: startedAt };
}

function countError(r: PhaseReport, code: string): void {
  r.errors[code] = (r.errors[code] ?? 0) + 1;
}

/** Runs `task` over items with at most `limit` in flight, optionally paced to `rate` starts per second. */
async function pool<T>(
  items: T[],
  limit: number,
  rate: number | null,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const start = now();
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      if (rate) {
        const due = start + (i / rate) * 1000;
        const wait = due - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const item = items[i];
      if (item !== undefined) await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function connectOne(plan: SocketPlan, r: PhaseReport): Promise<void> {
  return new Promise((resolve) => {
    const t0 = now();
    const target = plan.url ?? url;
    const socket: ClientSocket = io(target, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: plan.cookie, origin: new URL(target).origin },
    });
    const client: Client = { plan, socket, peerId: null, others: [] };
    socket.on('signal', (msg) => {
      if (msg.data.type !== 'candidate') return;
      const sent = Number(msg.data.candidate.candidate.split(' ')[1]);
      if (Number.isFinite(sent)) relayed.push(now() - sent);
    });
    socket.on('peer:joined', (p) => {
      client.others = [...client.others, p.peerId];
    });
    socket.on('peer:left', (p) => {
      client.others = client.others.filter((id) => id !== p.peerId);
    });
    socket.once('connect', () => {
      r.ok += 1;
      r.latencies.push(now() - t0);
      clients.push(client);
      resolve();
    });
    socket.once('connect_error', (err) => {
      countError(r, err.message || 'connect_error');
      socket.close();
      resolve();
    });
  });
}

function joinOne(c: Client, r: PhaseReport): Promise<void> {
  return new Promise((resolve) => {
    const t0 = now();
    const timer = setTimeout(() => {
      countError(r, 'timeout');
      resolve();
    }, 10_000);
    c.socket.emit('room:join', { roomId: c.plan.roomId, pin: c.plan.pin }, (ack) => {
      clearTimeout(timer);
      if (ack.ok) {
        r.ok += 1;
        r.latencies.push(now() - t0);
        c.peerId = ack.self.peerId;
        c.others = [...c.others, ...ack.peers.map((p) => p.peerId)];
      } else {
        countError(r, ack.error.code);
      }
      resolve();
    });
  });
}

async function signalAll(
  perSocket: number,
  intervalMs: number,
  paced: boolean,
  r: PhaseReport,
): Promise<void> {
  relayed.length = 0;
  let sent = 0;
  const waitUntil = async (t: number): Promise<void> => {
    const wait = t - now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  };
  for (let k = 0; k < perSocket; k++) {
    const roundStart = now();
    for (const [i, c] of clients.entries()) {
      if (paced && i % PACED_CHUNK === 0)
        await waitUntil(roundStart + (i / clients.length) * intervalMs);
      const to = c.others[k % Math.max(1, c.others.length)];
      if (!to) continue;
      c.socket.emit('signal', {
        to,
        data: {
          type: 'candidate',
          candidate: { candidate: `bench ${now()}`, sdpMLineIndex: 0, sdpMid: '0' },
        },
      });
      sent += 1;
    }
    // A burst rests for the interval after sending; a paced round ends on its schedule.
    await waitUntil((paced ? roundStart : now()) + intervalMs);
  }
  // Let the last relays arrive before reporting.
  const deadline = now() + 5000;
  while (relayed.length < sent && now() < deadline) await new Promise((res) => setTimeout(res, 50));
  r.ok = relayed.length;
  if (sent > relayed.length) r.errors.lost = sent - relayed.length;
  r.latencies = [...relayed];
}

process.on('message', async (raw: ToWorker) => {
  const r = report(raw.type, now());
  switch (raw.type) {
    case 'connect':
      url = raw.url;
      await pool(raw.sockets, raw.concurrency, null, (plan) => connectOne(plan, r));
      break;
    case 'join':
      await pool(
        clients.filter((c) => c.peerId === null),
        raw.concurrency,
        raw.ratePerSecond,
        (c) => joinOne(c, r),
      );
      break;
    case 'signal':
      await signalAll(raw.perSocket, raw.intervalMs, raw.paced ?? false, r);
      break;
    case 'close':
      for (const c of clients) c.socket.close();
      clients = [];
      break;
  }
  r.endedAt = now();
  send(r);
  if (raw.type === 'close') process.exit(0);
});
