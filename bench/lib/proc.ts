import { readdirSync, readFileSync } from 'node:fs';

/** CPU accounting from /proc, for measuring a process tree (a whole browser) from outside. */
const TICKS_PER_SECOND = 100;

/** A process's or a thread's `stat` file (`/proc/PID/stat`, `/proc/PID/task/TID/stat`). */
function readStat(path: string): { name: string; ppid: number; cpuSeconds: number } | null {
  try {
    const raw = readFileSync(path, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
    return { name, ppid, cpuSeconds: (utime + stime) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

const stat = (pid: number) => readStat(`/proc/${pid}/stat`);

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

/** The first process whose command line contains `marker`. */
export function findPid(marker: string): number | null {
  for (const pid of allPids()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return pid;
    } catch {
      // gone already
    }
  }
  return null;
}

/** Every process id at or below `root`. */
export function treePids(root: number): number[] {
  const parent = new Map<number, number>();
  for (const pid of allPids()) {
    const s = stat(pid);
    if (s) parent.set(pid, s.ppid);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p))
      if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree);
}

/** CPU seconds used so far by `root` and every process below it. */
export function treeCpuSeconds(root: number): number {
  return treePids(root).reduce((sum, pid) => sum + (stat(pid)?.cpuSeconds ?? 0), 0);
}

/** Share of one core (%) that `root` and its children used over the next `windowMs`. */
export async function cpuPercent(root: number, windowMs: number): Promise<number> {
  const before = treeCpuSeconds(root);
  await new Promise((r) => setTimeout(r, windowMs));
  return ((treeCpuSeconds(root) - before) / (windowMs / 1000)) * 100;
}

/**
 * Resident memory (bytes) of the processes below `root` whose command line contains `marker`
 * (e.g. `--type=renderer`), from /proc/PID/smaps_rollup: Pss shares each page among the
 * processes mapping it, so a sum over processes counts shared libraries once.
 */
export function treePssBytes(root: number, marker = ''): number {
  let total = 0;
  for (const pid of treePids(root)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      total += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
    } catch {
      // gone already
    }
  }
  return total;
}

/** A process's kind, from its command line: `renderer`, `gpu-process`, `utility:NetworkService`, `browser`... */
function processType(pid: number): string {
  try {
    // Chromium's children rewrite their command line as one space-separated string.
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
    if (!type) return 'browser';
    // e.g. --utility-sub-type=network.mojom.NetworkService
    const sub = args
      .find((a) => a.startsWith('--utility-sub-type='))
      ?.split('.')
      .pop();
    return sub ? `${type}:${sub}` : type;
  } catch {
    return 'gone';
  }
}

/** A thread's name less its trailing number (`ThreadPoolForegroundWorker` for all of them). */
const threadName = (comm: string) => comm.trim().replace(/[0-9]+$/, '');

/** CPU seconds used so far below `root`, per process type and per "type/thread name". */
export interface CpuSplit {
  byType: Record<string, number>;
  byThread: Record<string, number>;
}

export function treeCpuSplit(root: number): CpuSplit {
  const split: CpuSplit = { byType: {}, byThread: {} };
  const add = (into: Record<string, number>, key: string, seconds: number) => {
    into[key] = (into[key] ?? 0) + seconds;
  };
  for (const pid of treePids(root)) {
    const type = processType(pid);
    add(split.byType, type, stat(pid)?.cpuSeconds ?? 0);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const thread = readStat(`/proc/${pid}/task/${tid}/stat`);
      if (thread) add(split.byThread, `${type}/${threadName(thread.name)}`, thread.cpuSeconds);
    }
  }
  return split;
}

/**
 * Share of one core (%) per process type and per thread name between two splits `seconds`
 * apart; threads under 0.5 % are summed as "type/other". A process or thread that ended between
 * the two counts for nothing.
 */
export function cpuSplitPercent(
  before: CpuSplit,
  after: CpuSplit,
  seconds: number,
): { byType: Record<string, number>; byThread: Record<string, number> } {
  const percent = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([k, v]) => [k, Math.max(0, ((v - (a[k] ?? 0)) / seconds) * 100)] as const)
        .sort(([, x], [, y]) => y - x),
    );
  const byThread: Record<string, number> = {};
  for (const [key, value] of Object.entries(percent(before.byThread, after.byThread))) {
    const name = value >= 0.5 ? key : `${key.split('/')[0]}/other`;
    byThread[name] = Math.round(((byThread[name] ?? 0) + value) * 10) / 10;
  }
  const byType = Object.fromEntries(
    Object.entries(percent(before.byType, after.byType)).map(([k, v]) => [
      k,
      Math.round(v * 10) / 10,
    ]),
  );
  return { byType, byThread };
}
