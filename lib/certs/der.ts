/**
 * A minimal DER reader: enough to find byte-exact slices (certificates inside a PKCS#7 bundle, the
 * validity and signature algorithm of a certificate) and to tell a truncated file from a foreign
 * one, without paying for a full ASN.1 parse on the hot path. BER indefinite lengths are refused
 * (`DerError` reason 'indefinite'); callers fall back to node-forge for those.
 */
export type DerErrorReason = 'truncated' | 'malformed' | 'indefinite';

export class DerError extends Error {
  constructor(
    readonly reason: DerErrorReason,
    message: string,
    readonly needed?: number,
  ) {
    super(message);
    this.name = 'DerError';
  }
}

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  valueStart: number;
  /** Offset just past the content. */
  end: number;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
  CONTEXT_3: 0xa3,
} as const;

export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated', 'DER ends inside a tag/length header', offset + 2);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('malformed', 'multi-byte DER tags are not supported');
  const first = buf[offset + 1]!;
  let length: number;
  let valueStart: number;
  if (first < 0x80) {
    length = first;
    valueStart = offset + 2;
  } else if (first === 0x80) {
    throw new DerError('indefinite', 'BER indefinite length');
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new DerError('malformed', 'DER length field is too long');
    if (offset + 2 + n > limit) throw new DerError('truncated', 'DER ends inside a length field', offset + 2 + n);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[offset + 2 + i]!;
    valueStart = offset + 2 + n;
  }
  const end = valueStart + length;
  if (end > limit) throw new DerError('truncated', `DER value needs ${end} bytes but only ${limit} are present`, end);
  return { tag, start: offset, valueStart, end };
}

export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let at = parent.valueStart;
  while (at < parent.end) {
    const t = readTlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function slice(buf: Buffer, t: Tlv): Buffer {
  return buf.subarray(t.start, t.end);
}

export function readOid(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== TAG.OID || t.end <= t.valueStart) throw new DerError('malformed', 'expected an OBJECT IDENTIFIER');
  const first = buf[t.valueStart]!;
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), first >= 80 ? first - 80 : first % 40];
  let acc = 0;
  for (let i = t.valueStart + 1; i < t.end; i++) {
    const b = buf[i]!;
    acc = acc * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

/** UTCTime (YYMMDDHHMMSSZ, 50–99 → 19xx) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
export function readTime(buf: Buffer, t: Tlv): Date {
  const s = buf.toString('latin1', t.valueStart, t.end);
  let m: RegExpExecArray | null;
  if (t.tag === TAG.UTC_TIME && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s))) {
    const yy = Number(m[1]);
    return new Date(
      Date.UTC(
        yy >= 50 ? 1900 + yy : 2000 + yy,
        Number(m[2]) - 1,
        Number(m[3]),
        Number(m[4]),
        Number(m[5]),
        Number(m[6] ?? 0),
      ),
    );
  }
  if (t.tag === TAG.GENERALIZED_TIME && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new DerError('malformed', `unreadable certificate time "${s}"`);
}

/** Reads the INTEGER at `t` as a small unsigned number (version fields). */
export function readSmallInt(buf: Uint8Array, t: Tlv): number {
  if (t.tag !== TAG.INTEGER || t.end - t.valueStart > 4) throw new DerError('malformed', 'expected a small INTEGER');
  let v = 0;
  for (let i = t.valueStart; i < t.end; i++) v = v * 256 + buf[i]!;
  return v;
}
