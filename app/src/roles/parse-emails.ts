// The Invite Users modal's text: addresses separated by commas (or new lines, semicolons or
// spaces), de-duplicated case-insensitively, with the ones that are not addresses listed apart.

export interface ParsedEmails {
  emails: string[];
  invalid: string[];
}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export function parseEmailList(text: string): ParsedEmails {
  const seen = new Set<string>();
  const emails: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[,;\s]+/)) {
    const part = raw.trim().replace(/^<(.*)>$/, '$1');
    if (part === '') continue;
    if (!EMAIL.test(part)) {
      if (!invalid.includes(part)) invalid.push(part);
      continue;
    }
    const key = part.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    emails.push(part);
  }
  return { emails, invalid };
}
