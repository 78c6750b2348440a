// Table-driven API scenarios in PocketBase's style: who calls what, what comes back, and what must
// never appear in the answer.
import { expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './harness.js';

export interface Scenario {
  name: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'SEARCH';
  url: string | ((t: TestApp) => string);
  /** A static token, a function returning one, or null/undefined for anonymous. */
  as?: string | null | ((t: TestApp) => string | null);
  body?: unknown | ((t: TestApp) => unknown);
  headers?: Record<string, string>;
  status: number;
  /** A partial expected body (toMatchObject). */
  expect?: object | ((t: TestApp) => object);
  /** The error code expected in the Directus envelope. */
  code?: string;
  /** Strings that must not appear anywhere in the response body. */
  notContains?: string[] | ((t: TestApp) => string[]);
  before?: (t: TestApp) => Promise<void> | void;
  after?: (t: TestApp, res: LightMyRequestResponse) => Promise<void> | void;
}

const value = <T>(v: T | ((t: TestApp) => T), t: TestApp): T => (typeof v === 'function' ? (v as (t: TestApp) => T)(t) : v);

export function runScenarios(t: () => TestApp, scenarios: Scenario[]): void {
  for (const s of scenarios) {
    it(s.name, async () => {
      const app = t();
      await s.before?.(app);
      const body = s.body === undefined ? undefined : value(s.body, app);
      const res = await app.request({
        method: s.method ?? 'GET',
        url: value(s.url, app),
        as: s.as === undefined ? null : value(s.as, app),
        headers: s.headers,
        ...(body === undefined ? {} : { payload: body as object }),
      });
      expect(res.statusCode, res.body).toBe(s.status);
      if (s.code) expect(res.json().errors?.[0]?.extensions?.code, res.body).toBe(s.code);
      if (s.expect !== undefined) expect(res.json()).toMatchObject(value(s.expect, app) as object);
      for (const needle of s.notContains ? value(s.notContains, app) : []) expect(res.body).not.toContain(needle);
      await s.after?.(app, res);
    });
  }
}
