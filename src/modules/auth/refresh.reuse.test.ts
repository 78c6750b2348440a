// Refresh-token theft detection (reference §2.3, STYLE.md's Copenhagen Book): a refresh token that
// was rotated away and is presented again after SESSION_REFRESH_GRACE_PERIOD ends that whole
// session (every access token of it included, no other session), while a replay inside the window
// (concurrent refreshes) is forgiven. A token two rotations behind is never forgiven.
import { expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { describeEachDb } from '../../../test/harness.js';
import { code, cookieOf, ENV, login, loginJson, me, meByCookie, newUser, REFRESH, refreshCookie, refreshJson, SESSION, sessionsOf } from './refresh.test-support.js';

describeEachDb(
  'POST /auth/refresh: reuse after the grace window (SESSION_REFRESH_GRACE_PERIOD=0)',
  (t) => {
    for (const mode of ['json', 'cookie'] as const) {
      it(`${mode}: a rotated-away token presented again ends the whole session`, async () => {
        const user = await newUser(t());
        const other = await loginJson(t(), user); // another session of the same user: not touched
        const first = await login(t(), user, mode);
        const t0 = mode === 'json' ? first.json().data.refresh_token : cookieOf(first, REFRESH)!.value;
        const a0 = first.json().data.access_token;
        const send = (token: string) => (mode === 'json' ? refreshJson(t(), token) : refreshCookie(t(), REFRESH, token, 'cookie'));

        const rotated = await send(t0);
        expect(rotated.statusCode, rotated.body).toBe(200);
        const t1 = mode === 'json' ? rotated.json().data.refresh_token : cookieOf(rotated, REFRESH)!.value;
        const a1 = rotated.json().data.access_token;
        expect((await me(t(), a1)).statusCode).toBe(200);

        const replay = await send(t0);
        expect(replay.statusCode, replay.body).toBe(401);
        expect(code(replay)).toBe('INVALID_CREDENTIALS');

        // The current token and every access token of that session are dead too.
        expect((await send(t1)).statusCode).toBe(401);
        expect((await me(t(), a1)).statusCode).toBe(401);
        expect((await me(t(), a0)).statusCode).toBe(401);
        const left = await sessionsOf(t(), user.id);
        expect(left.map((s) => s.id)).toEqual([decodeJwt(other.access_token).session]);
        expect((await me(t(), other.access_token)).statusCode).toBe(200);
      });
    }

    it('session: the old cookie stops working once the window has passed, for requests and for refresh', async () => {
      const user = await newUser(t());
      const s0 = cookieOf(await login(t(), user, 'session'), SESSION)!.value;
      const res = await refreshCookie(t(), SESSION, s0, 'session');
      expect(res.statusCode, res.body).toBe(200);
      const s1 = cookieOf(res, SESSION)!.value;
      expect((await meByCookie(t(), s0)).statusCode).toBe(401);
      expect((await refreshCookie(t(), SESSION, s0, 'session')).statusCode).toBe(401);
      expect((await meByCookie(t(), s1)).statusCode).toBe(200);
    });
  },
  { ...ENV, SESSION_REFRESH_GRACE_PERIOD: '0' },
);

describeEachDb(
  'POST /auth/refresh: reuse after a short grace window (SESSION_REFRESH_GRACE_PERIOD=300ms)',
  (t) => {
    it('the same replay is forgiven inside the window and ends the session after it', async () => {
      const user = await newUser(t());
      const { refresh_token: r0 } = await loginJson(t(), user);
      const r1 = (await refreshJson(t(), r0)).json().data.refresh_token;
      const inside = await refreshJson(t(), r0);
      expect(inside.statusCode, inside.body).toBe(200);
      expect(inside.json().data.refresh_token).toBe(r1);

      await new Promise((r) => setTimeout(r, 400));
      const outside = await refreshJson(t(), r0);
      expect(outside.statusCode, outside.body).toBe(401);
      expect((await refreshJson(t(), r1)).statusCode).toBe(401);
      expect(await sessionsOf(t(), user.id)).toEqual([]);
    });
  },
  { ...ENV, SESSION_REFRESH_GRACE_PERIOD: '300ms' },
);
