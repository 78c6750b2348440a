// The admin App at /admin: the files Vite built into dist/app, and index.html for every other
// /admin path so a deep link (/admin/users/…) works after a reload. When the App has not been
// built (the tests, a checkout run through tsx), /admin says so with a 503 and the API is unaffected.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { errors, toEnvelope } from '../../errors.js';

export interface AppStaticOptions {
  /** The built App; defaults to dist/app beside the compiled server (or the sources' checkout). */
  root?: string;
}

/** dist/app, whether this file runs compiled (dist/modules/app-static) or from src/ through tsx. */
export function defaultAppDir(): string {
  const twoUp = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  return basename(twoUp) === 'dist' ? join(twoUp, 'app') : resolve(twoUp, '../dist/app');
}

// The page itself: never framed (clickjacking), no inline or foreign scripts, and no Referer header
// leaving the page, because invitation and reset links carry their token in the URL.
const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export async function appStaticRoutes(app: FastifyInstance, opts: AppStaticOptions): Promise<void> {
  const root = opts.root ?? defaultAppDir();
  const indexFile = join(root, 'index.html');

  // Directus answers / with the App; so does Usher.
  app.get('/', async (_request, reply) => reply.redirect('/admin/', 302));

  if (!existsSync(indexFile)) {
    app.log.warn({ root }, 'the admin App is not built: /admin answers 503 (run `npm run build`)');
    const notBuilt = async (request: FastifyRequest, reply: FastifyReply) => {
      const error = errors.serviceUnavailable('app', 'The admin App has not been built; run `npm run build` (npm start does it), then restart Usher');
      reply.code(503).header('cache-control', 'no-cache');
      if (wantsHtml(request)) {
        return reply
          .type('text/html; charset=utf-8')
          .send(
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Usher</title>' +
              '<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">' +
              '<h1>The admin App is not built</h1><p>Run <code>npm run build</code> (<code>npm start</code> does it), then restart Usher. ' +
              'The API works meanwhile.</p></body></html>',
          );
      }
      return reply.type('application/json; charset=utf-8').send(toEnvelope(error));
    };
    app.get('/admin', notBuilt);
    app.get('/admin/*', notBuilt);
    return;
  }

  const index = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    prefix: '/admin/',
    // One route per built file (they do not change while Usher runs); everything else falls to the
    // handler below.
    wildcard: false,
    index: false,
    decorateReply: false,
    // send's own Cache-Control is replaced by ours.
    cacheControl: false,
    setHeaders: (reply, path) => {
      // Vite names the assets by content hash: safe to cache for good.
      if (path.startsWith(join(root, 'assets'))) reply.header('cache-control', 'public, max-age=31536000, immutable');
      else if (path === indexFile) reply.headers(PAGE_HEADERS);
      else reply.header('cache-control', 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });

  const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]!;
    // A missing file (an old asset name, a typo) is a 404, not the page: a browser expecting a
    // script must not get HTML.
    if (/\.[a-z0-9]+$/i.test(path.split('/').pop() ?? '')) {
      return reply.code(404).send(toEnvelope(errors.routeNotFound(path)));
    }
    return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(index);
  };
  app.get('/admin', sendIndex);
  app.get('/admin/*', sendIndex);
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}
