// A role's ip_access: addresses, CIDR blocks (10.0.0.0/8) or ranges (10.0.0.1-10.0.0.9), stored
// comma-separated. `*` and mask notation are refused, as in Directus.
import { BlockList, isIP } from 'node:net';
import { errors } from '../../errors.js';

export function parseIpAccess(value: unknown): string | null {
  if (value === null) return null;
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!entries) throw errors.failedValidation('ip_access', 'array', 'Value has to be a list of IP addresses, ranges or CIDR blocks.');
  const clean = entries.map((e) => (typeof e === 'string' ? e.trim() : '')).filter((e) => e !== '');
  for (const entry of clean) {
    if (!toBlockList([entry])) {
      throw errors.failedValidation('ip_access', 'ip', `"${entry}" is not an IP address, range or CIDR block.`, { invalid: entry });
    }
  }
  return clean.length === 0 ? null : clean.join(',');
}

/** A BlockList of the entries, or null when one is not an address, range or CIDR block. */
export function toBlockList(entries: string[]): BlockList | null {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    const range = /^([^-]+)-([^-]+)$/.exec(entry);
    if (cidr) {
      const family = isIP(cidr[1]!);
      const bits = Number(cidr[2]);
      if (!family || bits > (family === 4 ? 32 : 128)) return null;
      list.addSubnet(cidr[1]!, bits, family === 4 ? 'ipv4' : 'ipv6');
    } else if (range) {
      const a = isIP(range[1]!.trim());
      if (!a || a !== isIP(range[2]!.trim())) return null;
      list.addRange(range[1]!.trim(), range[2]!.trim(), a === 4 ? 'ipv4' : 'ipv6');
    } else {
      const family = isIP(entry);
      if (!family) return null;
      list.addAddress(entry, family === 4 ? 'ipv4' : 'ipv6');
    }
  }
  return list;
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4) is checked as the IPv4 address it is. */
export function ipAllowed(ipAccess: string | null, ip: string | null): boolean {
  if (!ipAccess) return true;
  if (!ip) return false;
  const list = toBlockList(ipAccess.split(','));
  if (!list) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1]! : ip;
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
