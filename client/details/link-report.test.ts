import { describe, expect, it } from 'vitest';
import { agoText, detailsRow, type StatsEntry, sampleStats } from './link-report';

/** A report as Chromium gives it: transport, selected pair, both candidates, media and data. */
function report(opts: {
  video: number;
  data: number;
  received: number;
  lost: number;
  local?: Partial<StatsEntry>;
  remote?: Partial<StatsEntry>;
  rtt?: number;
}): StatsEntry[] {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    {
      id: 'CP1',
      type: 'candidate-pair',
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      currentRoundTripTime: opts.rtt,
    },
    { id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' },
    { id: 'L1', type: 'local-candidate', candidateType: 'host', ...opts.local },
    { id: 'L2', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'udp' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'host', ...opts.remote },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      bytesReceived: opts.video,
      packetsReceived: opts.received,
      packetsLost: opts.lost,
    },
    { id: 'D1', type: 'data-channel', bytesReceived: opts.data },
  ];
}

const base = { clock: null, hostClock: null, isHost: false, weAreHost: true };

describe('sampleStats and detailsRow', () => {
  it('reads the selected pair: round trip in ms and a direct route', () => {
    const now = sampleStats(report({ video: 0, data: 0, received: 0, lost: 0, rtt: 0.012 }), 1000);
    const row = detailsRow({ ...base, now, before: null });
    expect(row.rttMs).toBeCloseTo(12);
    expect(row.route).toBe('direct');
    expect(row.bitrateKbps).toBeNull();
  });

  it('says relay and the relay protocol when our candidate is a relay', () => {
    const entries = report({
      video: 0,
      data: 0,
      received: 0,
      lost: 0,
      local: { candidateType: 'relay', relayProtocol: 'tcp' },
    });
    expect(detailsRow({ ...base, now: sampleStats(entries, 0), before: null }).route).toBe(
      'relay (tcp)',
    );
    const theirs = report({
      video: 0,
      data: 0,
      received: 0,
      lost: 0,
      remote: { candidateType: 'relay' },
    });
    expect(detailsRow({ ...base, now: sampleStats(theirs, 0), before: null }).route).toBe('relay');
  });

  it('takes the bitrate from media and data-channel bytes over the time between reports', () => {
    const before = sampleStats(report({ video: 1000, data: 500, received: 100, lost: 0 }), 1000);
    const now = sampleStats(
      report({ video: 101_000, data: 25_500, received: 190, lost: 10 }),
      3000,
    );
    const row = detailsRow({ ...base, now, before });
    // (100 000 + 25 000) bytes * 8 over 2 s = 500 kbit/s
    expect(row.bitrateKbps).toBeCloseTo(500);
    expect(row.lossPercent).toBeCloseTo(10);
  });

  it('falls back to the ping round trip, and has no route before a pair is chosen', () => {
    const now = sampleStats([{ id: 'T1', type: 'transport' }], 0);
    const row = detailsRow({ ...base, now, before: null, clock: { offset: 5, rtt: 3, at: 0 } });
    expect(row.rttMs).toBe(3);
    expect(row.route).toBeNull();
  });

  it('gives the host the offset to each guest, and a guest the offset between a guest and the host', () => {
    const guestClock = { offset: -40, rtt: 2, at: 900 };
    expect(detailsRow({ ...base, now: null, before: null, clock: guestClock })).toMatchObject({
      syncOffsetMs: 40,
      measuredAt: 900,
    });
    const asGuest = detailsRow({
      now: null,
      before: null,
      clock: { offset: 10, rtt: 2, at: 800 },
      hostClock: { offset: 250, rtt: 2, at: 950 },
      isHost: false,
      weAreHost: false,
    });
    expect(asGuest).toMatchObject({ syncOffsetMs: 240, measuredAt: 800 });
    const host = detailsRow({ ...base, now: null, before: null, isHost: true, weAreHost: false });
    expect(host.syncOffsetMs).toBe(0);
  });
});

describe('agoText', () => {
  it('says how long ago, in seconds then minutes', () => {
    expect(agoText(1000, 1200)).toBe('now');
    expect(agoText(1000, 3000)).toBe('2 s ago');
    expect(agoText(0, 300_000)).toBe('5 min ago');
  });
});
