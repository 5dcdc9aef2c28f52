/**
 * Parsing and matching of IPv4/IPv6 addresses for the scrubber's keep rule: every address is a
 * client address (PHI under Safe Harbor) except loopback, unspecified, broadcast, netmasks,
 * multicast and what the caller declares as infrastructure.
 */

/** An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) so one matcher covers both families. */
export type IpBytes = Uint8Array;

export interface IpBlock {
  bytes: IpBytes;
  prefixBits: number;
}

/** Parses dotted-quad IPv4 (no leading zeros beyond one digit); undefined when not an address. */
export function parseIpv4(text: string): number[] | undefined {
  const out: number[] = [];
  let n = -1;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || out.length === 4) return undefined;
      out.push(n);
      n = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && n === 0) return undefined; // no leading zeros
      n = (n < 0 ? 0 : n * 10) + (c - 48);
      if (++digits > 3 || n > 255) return undefined;
    } else return undefined;
  }
  return out.length === 4 ? out : undefined;
}

/** Parses an IPv6 address (with `::`, an embedded IPv4 tail and a `%zone`); undefined when not one. */
export function parseIpv6(text: string): IpBytes | undefined {
  const zone = text.indexOf('%');
  const addr = zone >= 0 ? text.slice(0, zone) : text;
  if (addr.length < 2 || addr.length > 45) return undefined;
  let tail: number[] = [];
  let head = addr;
  const lastColon = addr.lastIndexOf(':');
  if (addr.includes('.')) {
    const v4 = parseIpv4(addr.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    head = addr.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return undefined;
  const group = (g: string) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : NaN);
  const split = (s: string) => (s === '' ? [] : s.split(':').map(group));
  let groups: number[];
  if (dbl >= 0) {
    const left = split(head.slice(0, dbl));
    const right = split(head.slice(dbl + 2));
    const missing = 8 - tail.length - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
  } else {
    groups = [...split(head), ...tail];
  }
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** An IPv4 address as IPv4-mapped IPv6 bytes (::ffff:a.b.c.d). */
export function v4Bytes(v4: readonly number[]): IpBytes {
  const bytes = new Uint8Array(16);
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  bytes.set(v4, 12);
  return bytes;
}

/** Parses an address or a CIDR block (`10.0.5.0/24`, `fd00::/8`); undefined when neither. */
export function parseIpBlock(text: string): IpBlock | undefined {
  const [addr = '', bits] = text.trim().split('/');
  const v4 = parseIpv4(addr);
  const bytes = v4 ? v4Bytes(v4) : parseIpv6(addr);
  if (!bytes) return undefined;
  const max = v4 ? 32 : 128;
  const n = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(n >= 0 && n <= max)) return undefined;
  return { bytes, prefixBits: v4 ? n + 96 : n };
}

export function inBlock(bytes: IpBytes, block: IpBlock): boolean {
  let bits = block.prefixBits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (block.bytes[i]! & mask)) return false;
  }
  return true;
}

const isContiguousMask = (v4: readonly number[]) => {
  const n = ((v4[0]! << 24) | (v4[1]! << 16) | (v4[2]! << 8) | v4[3]!) >>> 0;
  const inv = ~n >>> 0;
  return n !== 0 && (inv & (inv + 1)) === 0;
};

/**
 * True for IPv4 addresses that are never a client's: 127.0.0.0/8 loopback, 0.0.0.0, the broadcast
 * address, multicast (224.0.0.0/4) and contiguous netmasks such as 255.255.255.0.
 */
export function isNonClientIpv4(v4: readonly number[]): boolean {
  return v4[0] === 127 || v4.every((o) => o === 0) || (v4[0]! >= 224 && v4[0]! <= 239) || (v4[0] === 255 && isContiguousMask(v4));
}

/** True for `::`, `::1` and multicast (ff00::/8). */
export function isNonClientIpv6(bytes: IpBytes): boolean {
  const zeroUpTo15 = bytes.subarray(0, 15).every((b) => b === 0);
  return (zeroUpTo15 && (bytes[15] === 0 || bytes[15] === 1)) || bytes[0] === 0xff;
}

