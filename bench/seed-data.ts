// Deterministic, varied user rows for the bench: the same --users N gives the same names, emails,
// statuses and roles on every run and on both databases, so runs compare like with like.
import type { NewUserRow } from '../src/db/schema.js';
import { normaliseEmail } from '../src/util/email.js';

const FIRST = [
  'Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger',
  'Élodie', 'Zoë', 'Søren', 'Łukasz', 'José', 'Ana-María', 'Björn', 'Chloé', 'Mateus', 'Aiko',
  'Nia', 'Kwame', 'Priya', 'Omar', 'Ingrid', 'Tomás', 'Yusuf', 'Leila', 'Hiroshi', 'Fatima',
];
const LAST = [
  'Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen',
  'Dijkstra', 'Martin', 'Müller', "O'Brien", 'Nguyen', 'García', 'Kowalski', 'Andersson', 'Dubois',
  'Silva', 'Tanaka', 'Okafor', 'Mensah', 'Patel', 'Haddad', 'Larsen', 'Fernández', 'Demir', 'Rahimi',
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];
const TITLES = [null, null, 'Engineer', 'Designer', 'Manager', 'Analyst', 'Support', 'Sales'];
const LOCATIONS = [null, null, null, 'Berlin', 'Lisbon', 'Lagos', 'Osaka', 'Toronto', 'Kraków'];

/** Mostly active, as in a real directory; the rest spread over the other statuses. */
const STATUSES: [string, number][] = [
  ['active', 0.85],
  ['invited', 0.06],
  ['suspended', 0.05],
  ['archived', 0.04],
];

/** The login scenario's users: login0@example.com ... with this password (test-only). */
export const LOGIN_PASSWORD = 'Bench-login-password-1';
export const loginEmail = (i: number) => `login${i}@example.com`;
/** The non-admin with a row-filtered role. */
export const READER_EMAIL = 'reader@example.com';

/** A small, fast, seedable PRNG (mulberry32): reproducible data without a dependency. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedRoles {
  /** Non-admin roles, most common first; a few users get no role at all. */
  ids: string[];
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function pickStatus(random: () => number): string {
  let r = random();
  for (const [status, weight] of STATUSES) {
    if (r < weight) return status;
    r -= weight;
  }
  return 'active';
}

/** ASCII for the local part of an address: "Ana-María O'Brien" -> "ana-maria.obrien". */
function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/[^A-Za-z-]/g, '');
}

/** Made without argon2: these users have no password (and no static token). */
export function makeUserRow(i: number, random: () => number, roles: SeedRoles, now: number, newId: () => string): NewUserRow {
  const first = pick(random, FIRST);
  const last = pick(random, LAST);
  // Some addresses keep capitals, as people type them; email_lower is what lookups compare.
  const local = `${slug(first)}.${slug(last)}${i}`;
  const email = `${random() < 0.2 ? local : local.toLowerCase()}@${pick(random, DOMAINS)}`;
  const status = pickStatus(random);
  const r = random();
  const role = r < 0.6 ? roles.ids[0]! : r < 0.95 ? roles.ids[1 % roles.ids.length]! : null;
  const seenRecently = status === 'active' && random() < 0.7;
  return {
    id: newId(),
    first_name: first,
    last_name: last,
    email,
    email_lower: normaliseEmail(email),
    password: null,
    token: null,
    status,
    role,
    title: pick(random, TITLES),
    location: pick(random, LOCATIONS),
    language: random() < 0.5 ? 'en-US' : null,
    last_access: seenRecently ? new Date(now - Math.floor(random() * 365 * 86_400_000)).toISOString() : null,
    provider: 'default',
    email_notifications: true,
  };
}
