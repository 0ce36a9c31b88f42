import { readdirSync, readFileSync } from 'node:fs';

/** CPU accounting from /proc, for measuring a process tree (a whole browser) from outside. */
const TICKS_PER_SECOND = 100;

function stat(pid: number): { ppid: number; cpuSeconds: number } | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { ppid, cpuSeconds: (utime + stime) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

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

/** CPU seconds used so far by `root` and every process below it. */
export function treeCpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; cpuSeconds: number }>();
  for (const pid of allPids()) {
    const s = stat(pid);
    if (s) stats.set(pid, s);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p && p > 1; p = stats.get(p)?.ppid)
      if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, s] of stats) if (inTree(pid)) total += s.cpuSeconds;
  return total;
}
