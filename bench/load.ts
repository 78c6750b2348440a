// One bounded autocannon run against a server on 127.0.0.1, with the server's CPU time and RSS read
// from /proc around it.
import autocannon from 'autocannon';
import { CpuWindow, rssMb, waitForQuiet } from './proc.js';
import type { RunningServer } from './server.js';

export interface LoadSpec {
  path: string;
  headers: Record<string, string>;
  connections: number;
  /** Seconds. */
  duration: number;
  /** The database's own processes (PostgreSQL backends), whose CPU counts as serving. */
  dbPids?: number[];
}

export interface Measurement {
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  /** Latencies of 2xx answers, to the microsecond (autocannon's own histogram keeps whole ms). */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Socket errors plus timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  serverCpuMsPerReq: number | null;
  /** PostgreSQL backends' CPU per request (null on SQLite, where it is part of the server's). */
  dbCpuMsPerReq: number | null;
  /** CPU use during the run, in cores: the server, the database, the autocannon client, the rest. */
  serverCores: number | null;
  dbCores: number | null;
  clientCores: number;
  otherCores: number | null;
  /** Seconds the run waited for the machine to be quiet before it started. */
  quietWaitS: number;
  rssMbAfter: number | null;
  /** With --repeat: the req/s of every run this median one was chosen from. */
  repeats?: number[];
}

export async function runLoad(server: RunningServer, spec: LoadSpec): Promise<Measurement> {
  if (!server.baseUrl.startsWith('http://127.0.0.1:')) throw new Error('bench: load only goes to 127.0.0.1');
  const dbPids = spec.dbPids ?? [];
  const quietWaitS = await waitForQuiet(server.pid, dbPids);
  const window = new CpuWindow(server.pid, dbPids);
  const latencies = new Latencies();
  const result = await autocannon({
    url: server.baseUrl + spec.path,
    connections: spec.connections,
    duration: spec.duration,
    headers: spec.headers,
    timeout: 10,
  }).on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.add(ms);
  });
  const cpu = window.close();
  const requests = result.requests.total;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const measurement: Measurement = {
    connections: spec.connections,
    durationS: result.duration,
    requests,
    reqPerSec: requests / result.duration,
    meanMs: latencies.mean(),
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    serverCpuMsPerReq: cpu.serverMs !== null && requests > 0 ? cpu.serverMs / requests : null,
    dbCpuMsPerReq: dbPids.length > 0 && requests > 0 ? cpu.dbMs / requests : null,
    serverCores: cpu.serverMs !== null ? cpu.serverMs / 1000 / cpu.seconds : null,
    dbCores: dbPids.length > 0 ? cpu.dbMs / 1000 / cpu.seconds : null,
    clientCores: cpu.clientMs / 1000 / cpu.seconds,
    otherCores: cpu.otherMs !== null ? cpu.otherMs / 1000 / cpu.seconds : null,
    quietWaitS,
    rssMbAfter: rssMb(server.pid),
  };
  return measurement;
}

/** Load whose figures are thrown away: JIT, caches and pools warm before the measured runs. */
export async function warmUp(server: RunningServer, spec: Omit<LoadSpec, 'duration'>, seconds: number): Promise<void> {
  if (seconds > 0) await runLoad(server, { ...spec, duration: seconds });
}

/** Response times in ms, kept whole so percentiles are exact (a few hundred thousand per run). */
class Latencies {
  private values = new Float64Array(1 << 16);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = ms;
  }

  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += this.values[i]!;
    return this.n === 0 ? 0 : sum / this.n;
  }

  /** Nearest-rank percentile. */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const sorted = this.values.subarray(0, this.n).sort();
    return sorted[Math.min(this.n - 1, Math.ceil((p / 100) * this.n) - 1)]!;
  }
}
