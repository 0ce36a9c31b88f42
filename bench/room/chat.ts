import type { Person } from '../lib/people';
import { round } from '../lib/stats';

/** Stamped chat lines the host sends in one round, 50 ms apart. */
export const CHAT_MESSAGES = 40;

/** Guests that have no bare data channel to the host yet get one (see Probes.rawOffer). */
const rawOpened = new WeakSet<Person>();
async function openRawChannels(host: Person, guests: Person[]): Promise<void> {
  for (const guest of guests) {
    if (rawOpened.has(guest)) continue;
    const id = guest.name;
    const offer = await host.page.evaluate((i) => window.lcProbes.rawOffer(i), id);
    const answer = await guest.page.evaluate(([i, o]) => window.lcProbes.rawAnswer(i, o), [
      id,
      offer,
    ] as const);
    await host.page.evaluate(([i, a]) => window.lcProbes.rawAccept(i, a), [id, answer] as const);
    rawOpened.add(guest);
  }
}

/**
 * One-way chat latency, and where it goes: `sender` from submit to the data channel's send() on
 * the host, `channel` from there to the guest's onmessage, `receiver` from there to the line in
 * the guest's chat log. `renders` counts each element's Lit updates during the round.
 */
export async function chatLatencies(host: Person, guests: Person[]) {
  const people = [host, ...guests];
  await openRawChannels(host, guests);
  await Promise.all(
    people.map((p) =>
      p.page.evaluate(() => {
        window.lcProbes.watchChat();
        window.lcProbes.raw = [];
      }),
    ),
  );
  for (let i = 0; i < CHAT_MESSAGES; i++) {
    await host.page.evaluate(() => {
      window.lcProbes.sendStampedChat();
      window.lcProbes.rawSend();
    });
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const [sender, ...receivers] = await Promise.all(
    people.map((p) => p.page.evaluate(() => window.lcProbes)),
  );
  const sentAt = new Map<number, number>();
  for (const c of sender?.channel ?? []) if (c.way === 'send') sentAt.set(c.sent, c.t);
  const stages = { sender: [...sentAt].map(([sent, t]) => t - sent), channel: [] as number[] };
  const receiver: number[] = [];
  for (const probes of receivers) {
    const received = new Map<number, number>();
    for (const c of probes.channel) {
      const out = sentAt.get(c.sent);
      if (c.way !== 'receive' || out === undefined || received.has(c.sent)) continue;
      received.set(c.sent, c.t);
      stages.channel.push(c.t - out);
    }
    for (const a of probes.chat) {
      const t = received.get(a.sent);
      if (t !== undefined) receiver.push(a.t - t);
    }
  }
  const renders = (probes: typeof sender) =>
    Object.fromEntries(
      Object.entries(probes?.renders ?? {}).map(([tag, r]) => [
        tag,
        { count: r.count, ms: round(r.ms, 1) },
      ]),
    );
  return {
    oneWay: receivers.flatMap((p) => p.chat.map((a) => a.t - a.sent)),
    rawOneWay: receivers.flatMap((p) => p.raw.map((a) => a.t - a.sent)),
    stages: { ...stages, receiver },
    renders: { host: renders(sender), guest: renders(receivers[0]) },
  };
}
