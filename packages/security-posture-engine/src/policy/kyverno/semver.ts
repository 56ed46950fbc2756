/**
 * Semantic versions and ranges as Kyverno's `semver_compare` understands them
 * (blang/semver): `>=1.0.0 <2.0.0`, `!1.2.3`, `1.x`, alternatives with `||`.
 */

/** A parsed semantic version. */
export interface Semver {
  major: number;
  minor: number;
  patch: number;
  pre: Array<string | number>;
}

const NUM = '(0|[1-9]\\d*)';
const SEMVER_RE = new RegExp(
  `^${NUM}\\.${NUM}\\.${NUM}(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

/** Parses `1.2.3`, `1.2.3-rc.1+build`; `undefined` when invalid. */
export function parseSemver(s: string): Semver | undefined {
  const m = SEMVER_RE.exec(s.trim());
  if (!m) return undefined;
  const pre = m[4]
    ? m[4].split('.').map(p => (/^\d+$/.test(p) ? Number(p) : p))
    : [];
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre };
}

/** Semver precedence: -1, 0 or 1. */
export function compareSemver(a: Semver, b: Semver): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  if (a.pre.length === 0 || b.pre.length === 0) {
    if (a.pre.length === b.pre.length) return 0;
    return a.pre.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    if (i >= a.pre.length) return -1;
    if (i >= b.pre.length) return 1;
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Comparator = (v: Semver) => boolean;

function comparator(op: string, version: Semver): Comparator {
  return v => {
    const c = compareSemver(v, version);
    switch (op) {
      case '>':
        return c > 0;
      case '>=':
        return c >= 0;
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '!':
      case '!=':
        return c !== 0;
      default:
        return c === 0;
    }
  };
}

function parseComparator(token: string): Comparator[] {
  const m = /^(>=|<=|!=|==|>|<|=|!)?(.+)$/.exec(token);
  if (!m) throw new Error(`invalid semver range element ${token}`);
  const op = m[1] ?? '';
  const body = m[2];
  const parts = body.split('.');
  const wild = (p: string | undefined) =>
    p === undefined || p === 'x' || p === 'X' || p === '*';
  if (parts.some(wild) || parts.length < 3) {
    // wildcard versions: 1.x, 1.2.x
    if (parts.length > 3 || wild(parts[0])) {
      throw new Error(`invalid semver range element ${token}`);
    }
    const major = Number(parts[0]);
    const minorWild = wild(parts[1]);
    const minor = minorWild ? 0 : Number(parts[1]);
    if (!Number.isInteger(major) || !Number.isInteger(minor)) {
      throw new Error(`invalid semver range element ${token}`);
    }
    const low: Semver = { major, minor, patch: 0, pre: [] };
    const high: Semver = minorWild
      ? { major: major + 1, minor: 0, patch: 0, pre: [] }
      : { major, minor: minor + 1, patch: 0, pre: [] };
    switch (op) {
      case '':
      case '=':
      case '==':
        return [comparator('>=', low), comparator('<', high)];
      case '!':
      case '!=':
        return [v => compareSemver(v, low) < 0 || compareSemver(v, high) >= 0];
      case '>':
        return [comparator('>=', high)];
      case '>=':
        return [comparator('>=', low)];
      case '<':
        return [comparator('<', low)];
      case '<=':
        return [comparator('<', high)];
      default:
        throw new Error(`invalid semver range element ${token}`);
    }
  }
  const version = parseSemver(body);
  if (!version) throw new Error(`invalid semver version ${body}`);
  return [comparator(op, version)];
}

/** True when `version` satisfies the range expression. Throws on an invalid range. */
export function satisfiesSemverRange(version: Semver, range: string): boolean {
  const alternatives = range.split('||');
  const parsed = alternatives.map(alt => {
    const normalized = alt.trim().replace(/(>=|<=|!=|==|>|<|=|!)\s+/g, '$1');
    const tokens = normalized.split(/\s+/).filter(Boolean);
    if (tokens.length === 0) throw new Error(`invalid semver range ${range}`);
    return tokens.flatMap(parseComparator);
  });
  return parsed.some(all => all.every(c => c(version)));
}
