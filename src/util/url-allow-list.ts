/**
 * Whether a client-supplied URL (reset_url, invite_url, verification_url) is on an allow-list:
 * the same origin and path as an entry (the query string may differ). Links are never built from
 * the Host header.
 */
export function isUrlAllowed(url: string, allowList: readonly string[]): boolean {
  const target = parse(url);
  if (!target) return false;
  return allowList.some((entry) => {
    const allowed = parse(entry);
    return allowed !== null && allowed.origin === target.origin && trimSlash(allowed.pathname) === trimSlash(target.pathname);
  });
}

function parse(url: string): URL | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
