/**
 * How busy the rest of the machine was while a benchmark measured: the CPU time every process
 * used (from /proc/stat) minus this process's and its children's (nats-server, esbuild), over a
 * window. The load average cannot say it: it counts the benchmark itself. Linux only; elsewhere
 * the figures are null.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds so far: the whole machine's busy time, and this process tree's. */
type CpuSnapshot = { at: number; machine: number; ours: number } | null;

const TICKS = 100; // USER_HZ on Linux

function machineBusy(): number {
  const fields = readFileSync('/proc/stat', 'latin1').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: all but idle and iowait
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) / TICKS;
}

/** utime + stime of a process (its threads included; with `reaped`, its exited children's too), and its parent's pid. */
function processCpu(pid: number | 'self', reaped = false): { cpu: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const children = reaped ? fields[13]! + fields[14]! : 0;
    return { cpu: (fields[11]! + fields[12]! + children) / TICKS, ppid: fields[1]! };
  } catch {
    return null;
  }
}

function snapshot(): CpuSnapshot {
  try {
    let ours = processCpu('self', true)?.cpu ?? 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const child = processCpu(Number(entry));
      if (child && child.ppid === process.pid) ours += child.cpu;
    }
    return { at: Date.now(), machine: machineBusy(), ours };
  } catch {
    return null;
  }
}

/** What the rest of the machine used between start and `stop()`. */
export type OtherLoad = { seconds: number; otherCpuSeconds: number; otherCores: number } | null;

/** Start a window; `stop()` says how many cores other processes kept busy on average during it. */
export function otherLoadWindow(): { stop(): OtherLoad } {
  const start = snapshot();
  return {
    stop: () => {
      const end = snapshot();
      if (!start || !end || end.at <= start.at) return null;
      const seconds = (end.at - start.at) / 1000;
      const otherCpuSeconds = Math.max(0, end.machine - start.machine - (end.ours - start.ours));
      return { seconds, otherCpuSeconds, otherCores: otherCpuSeconds / seconds };
    },
  };
}

/** "other processes: 1.2 cores on average (14.3 CPU-s in 11.9 s)". */
export function describeOtherLoad(load: OtherLoad): string {
  return load === null
    ? 'other processes: unknown'
    : `other processes: ${load.otherCores.toFixed(2)} cores on average (${load.otherCpuSeconds.toFixed(1)} CPU-s in ${load.seconds.toFixed(1)} s)`;
}
