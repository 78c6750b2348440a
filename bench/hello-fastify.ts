// The ceiling: a bare Fastify (the version Usher runs on) answering {"hello":"world"}, logger off,
// as in ../shared/peers/baseline.md. Usher's figures are given as a share of this, measured in the
// same run, because these machines are noisy. Started by bench/run.ts with HOST and PORT set.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
// No response schema, exactly like the peer's hello-fastify.mjs, so the two ceilings match.
app.get('/', async () => ({ hello: 'world' }));

const shutdown = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0) });
