// Answers to reads of users and roles, kept as the bytes sent, and reused while nothing they could
// depend on has changed. What makes that safe:
//
// - Every entry is tagged with usher_state.data_version, which the database itself changes on any
//   write to a user, role or permission row (migration 0007), and every request reads that
//   version in the same query that checks its credential. An entry from an older version is never
//   served: a write made through any process, the CLI or plain SQL is seen on the next request.
// - The key is the whole URL (path and query) and the caller (user, role, admin and app flags, and
//   the rules version), so one caller never sees an answer computed for another.
// - Only reads whose every collection, through any relation, is one of those versioned tables are
//   kept; nothing else a response could depend on changes without changing the version, except the
//   clock, so a read whose rules or query mention $NOW is never kept.
// - Bounded in bytes, least recently used first out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VERSIONED_TABLES } from '../permissions/usher-state.js';
import { getCollection } from '../../query/collections.js';
import { requestVersions } from '../../access/authenticate.js';
import type { Query } from '../../query/types.js';

export interface ResponseCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export interface ResponseCache {
  get(key: string, version: number): Buffer | undefined;
  set(key: string, version: number, body: Buffer): void;
  stats(): ResponseCacheStats;
}

interface Entry {
  version: number;
  body: Buffer;
}

/** Entries above this share of the budget are not kept: one huge list would evict everything. */
const LARGEST_SHARE = 8;

export function createResponseCache(maxBytes: number): ResponseCache {
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.body.length + key.length;
  };
  return {
    get(key, version) {
      const entry = entries.get(key);
      if (!entry || entry.version !== version) {
        if (entry) drop(key, entry);
        misses++;
        return undefined;
      }
      // Most recently used last: Map keeps insertion order.
      entries.delete(key);
      entries.set(key, entry);
      hits++;
      return entry.body;
    },
    set(key, version, body) {
      const size = body.length + key.length;
      if (maxBytes <= 0 || size > maxBytes / LARGEST_SHARE) return;
      const old = entries.get(key);
      if (old) drop(key, old);
      for (const [k, e] of entries) {
        if (bytes + size <= maxBytes) break;
        drop(k, e);
      }
      entries.set(key, { version, body });
      bytes += size;
    },
    stats: () => ({ entries: entries.size, bytes, hits, misses }),
  };
}

/** The collection and every collection reachable from it through relations are versioned. */
function coveredByVersion(name: string, seen = new Set<string>()): boolean {
  if (!VERSIONED_TABLES.has(name)) return false;
  seen.add(name);
  const collection = getCollection(name);
  if (!collection) return false;
  for (const field of Object.values(collection.fields)) {
    const target = field.m2o ?? field.o2m?.collection;
    if (target && !seen.has(target) && !coveredByVersion(target, seen)) return false;
  }
  return true;
}

const cacheable = new Map<string, boolean>();

export function collectionCacheable(name: string): boolean {
  let answer = cacheable.get(name);
  if (answer === undefined) {
    answer = coveredByVersion(name);
    cacheable.set(name, answer);
  }
  return answer;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A GET of `collection` answered from the cache when it can be, else computed, sent and kept.
 * `query` is the request's query, parsed (a bad one has been refused already); `compute` returns
 * the payload the route's response schema serialises, or its JSON text already written. A read that
 * cannot be kept is only computed.
 */
export async function sendCachedRead(
  cache: ResponseCache | null,
  collection: string,
  request: FastifyRequest,
  reply: FastifyReply,
  query: Query,
  compute: () => Promise<unknown>,
): Promise<unknown> {
  if (!cache || !collectionCacheable(collection) || readsTheClock(request, query)) {
    const payload = await compute();
    return typeof payload === 'string' ? reply.type(JSON_TYPE).send(payload) : payload;
  }
  const versions = await requestVersions(request);
  const a = request.accountability;
  const key = `${a.user ?? ''}|${a.role ?? ''}|${a.admin ? 1 : 0}${a.app ? 1 : 0}|${versions.permissions}|${request.url}`;
  const hit = cache.get(key, versions.data);
  if (hit) return reply.type(JSON_TYPE).send(hit);
  const payload = await compute();
  const body = Buffer.from(typeof payload === 'string' ? payload : (reply.serialize(payload) as string));
  cache.set(key, versions.data, body);
  return reply.type(JSON_TYPE).send(body);
}

/**
 * The rules or the query (as parsed: JSON escapes undone) name `$NOW`. The query is parsed from the
 * URL, so a URL without "NOW", and without a `%` or `\` that could spell it, cannot name it: most
 * requests are told so without writing their query out.
 */
function readsTheClock(request: FastifyRequest, query: Query): boolean {
  if (request.policy.usesNow === true) return true;
  const url = request.url;
  if (!url.includes('NOW') && !url.includes('%') && !url.includes('\\')) return false;
  return JSON.stringify(query).includes('$NOW');
}
