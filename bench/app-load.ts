// The App's first load as a browser without a cache does it: GET /admin/, then every script,
// stylesheet and icon its HTML names, six at a time. What the scripts load later (lazy chunks)
// is not counted, for either server. A server without an App says so instead of a number.
import type { RunningServer } from './server.js';
import type { Single } from './report.js';

const ASSET = /<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g;

export async function appFirstLoad(server: RunningServer, repeat: number, say: (line: string) => void): Promise<Single | string> {
  const runs: number[] = [];
  let bytes = 0;
  let files = 0;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    const res = await fetch(`${server.baseUrl}/admin/`, { signal: AbortSignal.timeout(30_000) });
    const html = await res.text();
    if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('text/html')) {
      const why = `App not built: GET /admin/ answered ${res.status}`;
      say(`  app first load on ${server.name}: ${why}`);
      return why;
    }
    const base = new URL(`${server.baseUrl}/admin/`);
    const assets = [...new Set([...html.matchAll(ASSET)].map((m) => new URL(m[1]!, base)).filter((u) => u.origin === base.origin).map((u) => u.href))];
    bytes = Buffer.byteLength(html);
    const queue = [...assets];
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let url = queue.shift(); url; url = queue.shift()) {
          const r = await fetch(url, { signal: AbortSignal.timeout(30_000) });
          const body = Buffer.from(await r.arrayBuffer());
          if (r.status !== 200) failures.push(`${url} ${r.status}`);
          bytes += body.length;
        }
      }),
    );
    if (failures.length > 0) return `App assets failed: ${failures.slice(0, 3).join(', ')}`;
    files = assets.length + 1;
    runs.push(performance.now() - started);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  say(`  app first load on ${server.name}: ${files} files, ${(bytes / 1024).toFixed(0)} KiB, ${runs.map((r) => r.toFixed(0)).join(', ')} ms`);
  return { value: sorted[Math.floor((sorted.length - 1) / 2)]!, runs, unit: 'ms' };
}
