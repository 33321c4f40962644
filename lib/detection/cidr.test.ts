import { describe, expect, it } from 'vitest';
import { classifyAddress, createAddressMatcher, parseCidr, parseIp } from '@/lib/detection/cidr';

describe('parseCidr', () => {
  it.each([
    ['an IPv4 range', '198.51.100.0/24', '198.51.100.0/24'],
    ['host bits are cleared', '198.51.100.77/24', '198.51.100.0/24'],
    ['a bare IPv4 address is a /32', '203.0.113.7', '203.0.113.7/32'],
    ['everything', '0.0.0.0/0', '0.0.0.0/0'],
    ['an IPv6 range', '2001:DB8::/32', '2001:db8::/32'],
    ['a bare IPv6 address is a /128', '2001:db8::1', '2001:db8::1/128'],
    ['an IPv4-mapped IPv6 range becomes the IPv4 range', '::ffff:198.51.100.0/120', '198.51.100.0/24'],
    ['surrounding spaces are fine', '  10.0.0.0/8 ', '10.0.0.0/8'],
  ])('%s', (_n, input, text) => {
    expect(parseCidr(input)?.text).toBe(text);
  });

  it.each([
    ['a prefix too long for IPv4', '198.51.100.0/33'],
    ['a prefix too long for IPv6', '2001:db8::/129'],
    ['not a number', '198.51.100.0/x'],
    ['two slashes', '198.51.100.0/24/1'],
    ['a host name', 'vendor.example/24'],
    ['octets out of range', '256.1.1.1/32'],
    ['empty', ''],
  ])('rejects %s', (_n, input) => {
    expect(parseCidr(input)).toBeNull();
  });
});

describe('classifying addresses against the vendor ranges', () => {
  const m = createAddressMatcher(['198.51.100.0/24', '2001:db8:100::/48', '192.0.2.10', 'garbage']);
  it.each([
    ['inside the IPv4 range', '198.51.100.7', 'vendor'],
    ['the first address of the range', '198.51.100.0', 'vendor'],
    ['the last address of the range', '198.51.100.255', 'vendor'],
    ['just outside the range', '198.51.101.0', 'unknown'],
    ['an attacker address', '203.0.113.66', 'unknown'],
    ['a single listed address', '192.0.2.10', 'vendor'],
    ['its neighbour', '192.0.2.11', 'unknown'],
    ['inside the IPv6 range', '2001:db8:100:5::1', 'vendor'],
    ['inside the IPv6 range, uppercase and zero-padded', '2001:0DB8:0100:0000::0001', 'vendor'],
    ['outside the IPv6 range', '2001:db8:101::1', 'unknown'],
    ['an IPv4-mapped IPv6 form of a vendor address', '::ffff:198.51.100.9', 'vendor'],
    ['an IPv4-mapped IPv6 form of another address', '::ffff:203.0.113.66', 'unknown'],
    ['an IPv6 zone id is ignored', '2001:db8:100::1%eth0', 'vendor'],
    ['an empty address is unknown', '', 'unknown'],
    ['an unreadable address is unknown', 'not-an-ip', 'unknown'],
  ])('%s: %s → %s', (_n, ip, cls) => {
    expect(classifyAddress(m, ip)).toBe(cls);
  });

  it('reports entries that are not ranges', () => {
    expect(m.invalid).toEqual(['garbage']);
    expect(m.ranges.map((r) => r.text)).toEqual(['198.51.100.0/24', '2001:db8:100::/48', '192.0.2.10/32']);
  });

  it('an empty configuration knows no vendor address', () => {
    expect(createAddressMatcher([]).matches('198.51.100.7')).toBe(false);
  });

  it('parses IPv6 with an embedded IPv4 tail', () => {
    expect(parseIp('64:ff9b::198.51.100.7')).toEqual({ family: 6, value: (0x64ff9bn << 96n) | 0xc6336407n });
  });
});
