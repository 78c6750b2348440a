// The login ceiling: how many argon2id verifications per second this machine does at Usher's
// parameters (src/util/crypto.ts: m=19456 KiB, t=2, p=1, through @node-rs/argon2 on libuv's thread
// pool, as the server does), with `--concurrency` in flight for `--duration` seconds. A child
// process of bench/run.ts, which reads its CPU time; prints one JSON line.
import { parseArgs } from 'node:util';
import { verify } from '@node-rs/argon2';
import { hashPassword } from '../src/util/crypto.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '10' } } });
const seconds = Number(values.duration);
const concurrency = Number(values.concurrency);
const password = 'Bench-login-password-1';
const hashed = await hashPassword(password);
if (!(await verify(hashed, password))) throw new Error('argon2 ceiling: the hash does not verify');

// A second of warm-up, then the measured window.
async function loop(until: number, count: { n: number }) {
  while (performance.now() < until) {
    if (!(await verify(hashed, password))) throw new Error('verify failed');
    count.n++;
  }
}
const warm = { n: 0 };
const warmEnd = performance.now() + 1000;
await Promise.all(Array.from({ length: concurrency }, () => loop(warmEnd, warm)));

const count = { n: 0 };
const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, () => loop(started + seconds * 1000, count)));
const elapsed = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  JSON.stringify({
    verifications: count.n,
    seconds: elapsed,
    perSecond: count.n / elapsed,
    cpuMsPerVerify: (cpu.user + cpu.system) / 1000 / count.n,
    cores: (cpu.user + cpu.system) / 1e6 / elapsed,
    params: { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2, parallelism: 1 },
  }) + '\n',
);
