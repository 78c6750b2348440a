// A pragmatic email check: one @, no spaces, a dot in the domain, within Directus's column size.
const EMAIL = /^[^\s@"<>()[\]\\,;:]+@[^\s@"<>()[\]\\,;:]+\.[^\s@"<>()[\]\\,;:.]{2,}$/u;

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 128 && EMAIL.test(value);
}

/** Lowercasing for uniqueness and lookups: Unicode-aware, done in the app on every database. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
