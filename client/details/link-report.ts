import type { ClockEstimate } from '../../shared/sync/clock-offset';

/** The few getStats fields we read; every one may be missing, depending on the report's type. */
export interface StatsEntry {
  id: string;
  type: string;
  kind?: string;
  bytesReceived?: number;
  packetsReceived?: number;
  packetsLost?: number;
  selectedCandidatePairId?: string;
  nominated?: boolean;
  state?: string;
  currentRoundTripTime?: number;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
  relayProtocol?: string;
}

/** Counters taken from one getStats report, kept to compute rates against the next one. */
export interface StatsSample {
  /** Local clock, ms. */
  at: number;
  /** Media (inbound-rtp) and data-channel bytes received so far. */
  bytes: number;
  packetsReceived: number;
  packetsLost: number;
  /** Of the selected candidate pair, ms; null before a STUN check measured it. */
  rttMs: number | null;
  route: Route | null;
}

/** How a link's packets travel: straight between the two, or through a TURN relay. */
export interface Route {
  relay: boolean;
  /** The relay's protocol (udp, tcp, tls) when our own side goes through it. */
  protocol: string | null;
}

/** One person's row in "Connection details". Null fields show as "–". */
export interface DetailsRow {
  rttMs: number | null;
  route: string | null;
  bitrateKbps: number | null;
  lossPercent: number | null;
  /** The host's clock minus this person's, ms; 0 for the host itself. */
  syncOffsetMs: number | null;
  /** When the sync offset was measured, local clock ms. */
  measuredAt: number | null;
}

/** Reads the counters and the route out of one getStats report taken at `at`. */
export function sampleStats(entries: Iterable<StatsEntry>, at: number): StatsSample {
  const byId = new Map<string, StatsEntry>();
  let bytes = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let selectedId: string | undefined;
  for (const entry of entries) {
    byId.set(entry.id, entry);
    if (entry.type === 'inbound-rtp') {
      bytes += entry.bytesReceived ?? 0;
      packetsReceived += entry.packetsReceived ?? 0;
      packetsLost += Math.max(0, entry.packetsLost ?? 0);
    } else if (entry.type === 'data-channel') {
      bytes += entry.bytesReceived ?? 0;
    } else if (entry.type === 'transport' && entry.selectedCandidatePairId) {
      selectedId = entry.selectedCandidatePairId;
    }
  }
  const pair = selectedPair(byId, selectedId);
  const local = pair?.localCandidateId ? byId.get(pair.localCandidateId) : undefined;
  const remote = pair?.remoteCandidateId ? byId.get(pair.remoteCandidateId) : undefined;
  const rtt = pair?.currentRoundTripTime;
  return {
    at,
    bytes,
    packetsReceived,
    packetsLost,
    rttMs: typeof rtt === 'number' ? rtt * 1000 : null,
    route: local
      ? {
          relay: local.candidateType === 'relay' || remote?.candidateType === 'relay',
          protocol: local.candidateType === 'relay' ? (local.relayProtocol ?? null) : null,
        }
      : null,
  };
}

/** The transport's selected pair, or (where a browser names none) the nominated succeeded one. */
function selectedPair(
  byId: ReadonlyMap<string, StatsEntry>,
  selectedId: string | undefined,
): StatsEntry | undefined {
  if (selectedId) return byId.get(selectedId);
  for (const entry of byId.values()) {
    if (entry.type === 'candidate-pair' && entry.nominated && entry.state === 'succeeded') {
      return entry;
    }
  }
  return undefined;
}

/** "direct", "relay", or "relay (udp)": what the route column says. */
export function routeText(route: Route | null): string | null {
  if (!route) return null;
  if (!route.relay) return 'direct';
  return route.protocol ? `relay (${route.protocol})` : 'relay';
}

/**
 * One person's row from this report (`now`) and the one before (`before`, for rates), with the
 * clock estimates of our links to them and to the host. Their offset to the host is ours to the
 * host minus ours to them, so it is known for guests we see beside the host too.
 */
export function detailsRow(input: {
  now: StatsSample | null;
  before: StatsSample | null;
  clock: ClockEstimate | null;
  /** Our link's estimate of the host's clock; null when the host is away or we are the host. */
  hostClock: ClockEstimate | null;
  isHost: boolean;
  weAreHost: boolean;
}): DetailsRow {
  const { now, before, clock } = input;
  const span = now && before ? now.at - before.at : 0;
  const received = now && before ? now.packetsReceived - before.packetsReceived : 0;
  const lost = now && before ? now.packetsLost - before.packetsLost : 0;
  return {
    rttMs: now?.rttMs ?? clock?.rtt ?? null,
    route: routeText(now?.route ?? null),
    bitrateKbps:
      now && before && span > 0 ? Math.max(0, ((now.bytes - before.bytes) * 8) / span) : null,
    lossPercent: received + lost > 0 ? (Math.max(0, lost) / (received + lost)) * 100 : null,
    ...syncOffset(input),
  };
}

function syncOffset(input: {
  clock: ClockEstimate | null;
  hostClock: ClockEstimate | null;
  isHost: boolean;
  weAreHost: boolean;
}): Pick<DetailsRow, 'syncOffsetMs' | 'measuredAt'> {
  const { clock, hostClock } = input;
  if (input.isHost) return { syncOffsetMs: 0, measuredAt: null };
  // Their clock minus ours is `clock.offset`; the host's minus theirs follows from it.
  if (input.weAreHost && clock) return { syncOffsetMs: -clock.offset, measuredAt: clock.at };
  if (clock && hostClock) {
    return {
      syncOffsetMs: hostClock.offset - clock.offset,
      measuredAt: Math.min(clock.at, hostClock.at),
    };
  }
  return { syncOffsetMs: null, measuredAt: null };
}

/** "now", "3 s ago", "2 min ago": how long ago `at` was, at `now`. */
export function agoText(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 1) return 'now';
  if (seconds < 120) return `${seconds} s ago`;
  return `${Math.round(seconds / 60)} min ago`;
}
