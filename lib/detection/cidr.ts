/**
 * IP addresses and CIDR ranges (IPv4 and IPv6), for classifying sign-ins by the vendor's known
 * egress ranges. Pure. Addresses are compared as integers (BigInt); an IPv4-mapped IPv6 address
 * (`::ffff:198.51.100.7`) is treated as the IPv4 address it carries, because sign-in logs and
 * proxies write either form.
 */
import { isIP } from 'node:net';

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
  /** Canonical text, e.g. "198.51.100.0/24". */
  text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function ipv4ToBigInt(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(s: string): bigint {
  let text = s;
  // An embedded dotted quad at the end (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) → two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v = ipv4ToBigInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${((v >> 16n) & 0xffffn).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address (zone ids like `%eth0` are dropped); null when it is not one. */
export function parseIp(input: string): IpAddress | null {
  const s = input.trim().replace(/%.*$/, '');
  const family = isIP(s);
  if (family === 4) return { family: 4, value: ipv4ToBigInt(s) };
  if (family === 6) {
    const value = ipv6ToBigInt(s.toLowerCase());
    if (value >> 32n === 0xffffn && (value & ~0xffffffffn) === MAPPED_PREFIX)
      return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  return null;
}

function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/**
 * Parses "a.b.c.d/n", "x::y/n" or a bare address (a /32 or /128). Host bits are cleared
 * ("198.51.100.7/24" means 198.51.100.0/24). Null when the text is not a range.
 */
export function parseCidr(input: string): Cidr | null {
  const [addr = '', prefixText, extra] = input.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  // An IPv4-mapped IPv6 range is an IPv4 range: shift its prefix into IPv4 terms.
  const mappedV6 = ip.family === 4 && isIP(addr.trim()) === 6;
  let prefix: number;
  if (prefixText === undefined) prefix = BITS[ip.family];
  else {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (mappedV6) {
      if (prefix < 96) return null;
      prefix -= 96;
    }
    if (prefix > BITS[ip.family]) return null;
  }
  const network = ip.value & mask(ip.family, prefix);
  return { family: ip.family, network, prefix, text: `${formatIp(ip.family, network)}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && (ip.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}

export interface AddressMatcher {
  /** True when the address lies in one of the ranges; false for anything unparseable. */
  matches(ip: string | null | undefined): boolean;
  ranges: Cidr[];
  /** Entries that are not addresses or ranges (ignored; settings validation reports them). */
  invalid: string[];
}

export function createAddressMatcher(cidrs: readonly string[]): AddressMatcher {
  const ranges: Cidr[] = [];
  const invalid: string[] = [];
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (parsed) ranges.push(parsed);
    else invalid.push(c);
  }
  return {
    ranges,
    invalid,
    matches(ip) {
      if (!ip) return false;
      const parsed = parseIp(ip);
      return parsed !== null && ranges.some((r) => cidrContains(r, parsed));
    },
  };
}

export type AddressClass = 'vendor' | 'unknown';

/** A sign-in's address against the vendor's ranges: inside → vendor; outside or unreadable → unknown. */
export function classifyAddress(matcher: AddressMatcher, ip: string | null | undefined): AddressClass {
  return matcher.matches(ip) ? 'vendor' : 'unknown';
}
