// What /proc says about the servers and the machine: RSS and CPU time of a process, CPU time of
// the whole machine, and a gate that waits for the machine to be quiet before a measured run (the
// bench machines are shared; baseline.md's runs used the same kind of gate). Linux only: elsewhere
// every figure is null and the gate opens at once.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident memory in MB. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** User + system CPU time a process has used so far, in ms. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** CPU time every core of the machine has spent busy so far (all but idle and iowait), in ms. */
export function machineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** This process's own CPU time (the autocannon client runs here), in ms. */
export function selfCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function sumCpu(pids: number[]): number | null {
  let total = 0;
  for (const p of pids) {
    const ms = cpuMs(p);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

export interface CpuUse {
  seconds: number;
  serverMs: number | null;
  /** PostgreSQL backends serving the server's connections (0 on SQLite, which runs in the server). */
  dbMs: number;
  clientMs: number;
  otherMs: number | null;
}

/** Counters read before and after a run, turned into CPU used by server, database, client and the rest. */
export class CpuWindow {
  private readonly started = performance.now();
  private readonly server: number | null;
  private readonly db: Map<number, number | null>;
  private readonly client = selfCpuMs();
  private readonly machine = machineBusyMs();
  private readonly pids: number[];

  /** `pid`: the server (or servers, summed) under test. */
  constructor(
    pid: number | number[],
    private readonly dbPids: number[] = [],
  ) {
    this.pids = Array.isArray(pid) ? pid : [pid];
    this.server = sumCpu(this.pids);
    this.db = new Map(dbPids.map((p) => [p, cpuMs(p)]));
  }

  close(): CpuUse {
    const seconds = (performance.now() - this.started) / 1000;
    const server = sumCpu(this.pids);
    const machine = machineBusyMs();
    const serverMs = server !== null && this.server !== null ? server - this.server : null;
    let dbMs = 0;
    for (const p of this.dbPids) {
      const before = this.db.get(p);
      const after = cpuMs(p);
      if (before != null && after !== null) dbMs += after - before;
    }
    const clientMs = selfCpuMs() - this.client;
    const busy = machine !== null && this.machine !== null ? machine - this.machine : null;
    const otherMs = busy !== null && serverMs !== null ? Math.max(0, busy - serverMs - dbMs - clientMs) : null;
    return { seconds, serverMs, dbMs, clientMs, otherMs };
  }
}

/**
 * Waits until the server is idle (its backlog drained) and everything but the server and this
 * process uses less than `maxOtherCores`, over a 1-second window, for at most `maxWaitS` seconds.
 * Answers how long it waited.
 */
export async function waitForQuiet(serverPid: number | number[], dbPids: number[], maxOtherCores = 0.25, maxWaitS = 60): Promise<number> {
  const started = performance.now();
  while ((performance.now() - started) / 1000 < maxWaitS) {
    const window = new CpuWindow(serverPid, dbPids);
    await sleep(1000);
    const { seconds, serverMs, dbMs, otherMs } = window.close();
    const serverIdle = (serverMs ?? 0) + dbMs < 100 * seconds;
    const othersQuiet = otherMs === null || otherMs / 1000 / seconds < maxOtherCores;
    if (serverIdle && othersQuiet) break;
  }
  return Math.round((performance.now() - started) / 100) / 10;
}
