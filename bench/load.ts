// One bounded autocannon run against a server on 127.0.0.1, with the server's CPU time and RSS read
// from /proc around it.
import autocannon from 'autocannon';
import { CpuWindow, rssMb, waitForQuiet } from './proc.js';
import type { RunningServer } from './server.js';
import type { RequestSpec } from './scenarios.js';

export interface LoadSpec {
  /** Request number i; called once per request when `varies`, else once. */
  request: (i: number) => RequestSpec;
  varies?: boolean;
  /** Where request numbering continues from (so that created emails stay unique across runs). */
  counter?: { next: number };
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

/**
 * autocannon on each server at once (connections split evenly), with their CPU summed: one server
 * is the usual case, two is --scale.
 */
export async function runLoad(target: RunningServer | RunningServer[], spec: LoadSpec): Promise<Measurement> {
  const servers = Array.isArray(target) ? target : [target];
  if (!servers.every((s) => s.baseUrl.startsWith('http://127.0.0.1:'))) throw new Error('bench: load only goes to 127.0.0.1');
  const pids = servers.map((s) => s.pid);
  const dbPids = spec.dbPids ?? [];
  const quietWaitS = await waitForQuiet(pids, dbPids);
  const window = new CpuWindow(pids, dbPids);
  const latencies = new Latencies();
  const counter = spec.counter ?? { next: 0 };
  const first = spec.request(counter.next);
  const results = await Promise.all(
    servers.map((server, n) =>
      autocannon({
        url: server.baseUrl + first.path,
        method: first.method,
        body: first.body,
        connections: Math.max(1, Math.floor(spec.connections / servers.length) + (n < spec.connections % servers.length ? 1 : 0)),
        duration: spec.duration,
        headers: spec.headers,
        timeout: 10,
        requests: spec.varies
          ? [
              {
                setupRequest: (req) => {
                  const r = spec.request(counter.next++);
                  req.method = r.method;
                  req.path = r.path;
                  req.body = r.body;
                  return req;
                },
              },
            ]
          : undefined,
      }).on('response', (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) latencies.add(ms);
      }),
    ),
  );
  const cpu = window.close();
  const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((n, r) => n + f(r), 0);
  const requests = sum((r) => r.requests.total);
  const duration = Math.max(...results.map((r) => r.duration));
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, s] of Object.entries(r.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + s.count;
  const result = { duration, errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), non2xx: sum((r) => r.non2xx) };
  const server = servers[0]!;
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
    rssMbAfter: servers.length === 1 ? rssMb(server.pid) : servers.reduce((n, s) => n + (rssMb(s.pid) ?? 0), 0),
  };
  return measurement;
}

/** Load whose figures are thrown away: JIT, caches and pools warm before the measured runs. */
export async function warmUp(server: RunningServer | RunningServer[], spec: Omit<LoadSpec, 'duration'>, seconds: number): Promise<void> {
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
