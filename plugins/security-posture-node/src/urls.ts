/**
 * The guard providers apply to URLs taken from catalog data (annotations)
 * before they hand them to the UrlReader: catalog authors must not make the
 * backend fetch from itself, the cloud metadata service or the private network.
 * Host names are governed by `backend.reading.allow` and the integrations;
 * addresses written as literals (in any notation) are refused here whatever
 * those allow.
 */

/** IPv4 ranges that are not public unicast: [first address, prefix length, name]. */
const IPV4_BLOCKED: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'an address of this network'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  [
    '169.254.0.0',
    16,
    'a link-local address, where cloud metadata services answer',
  ],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

/** Host names of metadata services and the local machine. */
const BLOCKED_NAMES = new Set([
  'localhost',
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function ipv4Problem(n: number): string | undefined {
  for (const [first, bits, name] of IPV4_BLOCKED) {
    const size = 2 ** (32 - bits);
    const start = ipv4ToNumber(first)!;
    if (n >= start && n < start + size) return name;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (without brackets), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '');
  // A trailing dotted IPv4 (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToNumber(v4[1]);
    if (n === undefined) return undefined;
    text = `${text.slice(0, -v4[1].length)}${Math.floor(n / 65536).toString(
      16,
    )}:${(n % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) =>
    s === ''
      ? []
      : s
          .split(':')
          .map(g => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [
    ...head,
    ...new Array(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  return groups.some(Number.isNaN) ? undefined : groups;
}

function ipv6Problem(g: number[]): string | undefined {
  const zeroUpTo = (n: number) => g.slice(0, n).every(x => x === 0);
  const embedded = () => g[6] * 65536 + g[7];
  if (zeroUpTo(8)) return 'the unspecified address';
  if (zeroUpTo(7) && g[7] === 1) return 'a loopback address';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d).
  if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) {
    const inner = ipv4Problem(embedded());
    return inner ? `${inner}, as IPv6` : undefined;
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every(x => x === 0)) {
    const inner = ipv4Problem(embedded());
    return inner ? `${inner}, through NAT64` : undefined;
  }
  // 6to4 (2002:AABB:CCDD::) embeds an IPv4 address in groups 1-2.
  if (g[0] === 0x2002) {
    const inner = ipv4Problem(g[1] * 65536 + g[2]);
    return inner ? `${inner}, through 6to4` : undefined;
  }
  if ((g[0] & 0xfe00) === 0xfc00) return 'a unique local (private) address';
  if ((g[0] & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((g[0] & 0xffc0) === 0xfec0) return 'a site-local (private) address';
  if ((g[0] & 0xff00) === 0xff00) return 'a multicast address';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'a documentation address';
  return undefined;
}

/**
 * Why a URL from catalog data must not be read, or undefined when it may be
 * handed to the UrlReader (which still applies `backend.reading.allow`):
 * anything but http(s); user names or passwords in the URL; the local machine
 * and metadata services by name; loopback, link-local (cloud metadata),
 * private, carrier-grade NAT, multicast, reserved and documentation addresses
 * written as IPv4 or IPv6 literals in any notation (decimal, hexadecimal,
 * octal and shortened IPv4 are normalised by the URL parser; IPv4-mapped,
 * NAT64 and 6to4 IPv6 addresses are checked by the IPv4 address they carry).
 */
export function refusedUrlReason(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url}: not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `${url}: only http(s) URLs are read`;
  }
  if (parsed.username || parsed.password) {
    return `${redact(
      parsed,
    )}: URLs with credentials are not read (configure an integration instead)`;
  }
  const host = parsed.hostname.toLowerCase().replace(/\.+$/, '');
  let problem: string | undefined;
  if (host.startsWith('[')) {
    const groups = ipv6Groups(host.slice(1, -1));
    problem = groups ? ipv6Problem(groups) : 'an unreadable IPv6 address';
  } else {
    const n = ipv4ToNumber(host);
    if (n !== undefined) problem = ipv4Problem(n);
    else if (BLOCKED_NAMES.has(host) || host.endsWith('.localhost')) {
      problem =
        host === 'localhost' || host.endsWith('.localhost')
          ? 'the local machine'
          : 'a cloud metadata service';
    }
  }
  return problem
    ? `${url}: loopback, link-local and private addresses are not read (this is ${problem})`
    : undefined;
}

function redact(url: URL): string {
  const copy = new URL(url.toString());
  copy.username = '';
  copy.password = '';
  return copy.toString();
}

/** What {@link resolveInRepository} needs of the SCM integrations. */
export interface UrlResolver {
  resolveUrl(options: { url: string; base: string }): string;
  byUrl(url: string): unknown;
}

/**
 * Resolves a relative path from catalog data against the URL of the entity's
 * catalog file through the SCM integrations, and refuses a result outside the
 * repository the file is in (as the integration sees it: `/` resolved against
 * the file), so `../` cannot reach another repository read with the backend's
 * token. For hosts without an integration, the result must stay on the host.
 */
export function resolveInRepository(
  integrations: UrlResolver,
  item: string,
  base: string,
): { url: string } | { error: string } {
  let url: string;
  let root: string;
  try {
    url = integrations.resolveUrl({ url: item, base });
    root = integrations.byUrl(base)
      ? integrations.resolveUrl({ url: '/', base })
      : `${new URL(base).origin}/`;
  } catch (e) {
    return { error: `${item}: cannot resolve against ${base}: ${String(e)}` };
  }
  if (!url.startsWith(root)) {
    return {
      error: `${item}: leaves the repository of the entity's catalog file (${root})`,
    };
  }
  return { url };
}
