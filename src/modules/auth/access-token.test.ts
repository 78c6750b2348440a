// Access tokens: signed with node:crypto (signAccessToken), verified with jose (verifyAccessToken),
// the verification kept per token text until its exp.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignJWT, jwtVerify } from 'jose';
import { secretKey, signAccessToken, verifyAccessToken, type AccessClaims } from './access-token.js';

const CLAIMS: AccessClaims = { id: 'u-1', role: 'r-1', app_access: true, admin_access: false, session: 's-1' };

describe('access tokens', () => {
  afterEach(() => vi.useRealTimers());

  it('are byte for byte the token jose signs with the same claims, and jose verifies them', async () => {
    const key = secretKey('a-secret-that-is-at-least-32-characters-long');
    const now = Date.UTC(2026, 11, 4, 12, 0, 0);
    const mine = await signAccessToken(key, CLAIMS, 15 * 60_000, now);
    const iat = Math.floor(now / 1000);
    const jose = await new SignJWT({ ...CLAIMS }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('directus').setIssuedAt(iat).setExpirationTime(iat + 900).sign(key);
    expect(mine).toBe(jose);
    const { payload } = await jwtVerify(mine, key, { issuer: 'directus', currentDate: new Date(now) });
    expect(payload).toMatchObject({ ...CLAIMS, iss: 'directus', iat, exp: iat + 900 });
  });

  it('verify: the claims; a kept verification still expires at exp', async () => {
    const key = secretKey('another-secret-that-is-at-least-32-characters');
    const token = await signAccessToken(key, CLAIMS, 60_000);
    expect(await verifyAccessToken(key, token)).toMatchObject(CLAIMS);
    expect(await verifyAccessToken(key, token)).toMatchObject(CLAIMS);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    await expect(verifyAccessToken(key, token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    // Refresh in session mode reads an expired token's claims on purpose.
    expect(await verifyAccessToken(key, token, { allowExpired: true })).toMatchObject(CLAIMS);
  });

  it('verify: a token verified under one key is not accepted under another, nor once tampered with', async () => {
    const a = secretKey('key-a-that-is-at-least-32-characters-long!!');
    const b = secretKey('key-b-that-is-at-least-32-characters-long!!');
    const token = await signAccessToken(a, CLAIMS, 60_000);
    await verifyAccessToken(a, token);
    await expect(verifyAccessToken(b, token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    const [h, p, sig] = token.split('.');
    const tampered = `${h}.${p}.${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifyAccessToken(a, tampered)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
