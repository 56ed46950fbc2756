/**
 * Go `time.Duration` parsing and formatting (`1h30m`, `250ms`, `-1.5h`), as used by
 * Kyverno's pattern comparisons, condition operators and arithmetic functions.
 * Durations are exact integers of nanoseconds (bigint).
 */

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const COMPONENT_RE = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;

/** Parses a Go duration string into nanoseconds; `undefined` when invalid. */
export function parseDuration(input: string): bigint | undefined {
  if (typeof input !== 'string' || input.length === 0) return undefined;
  let s = input;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s.length === 0) return undefined;
  let total = 0n;
  while (s.length > 0) {
    const m = COMPONENT_RE.exec(s);
    if (!m) return undefined;
    const [all, intPart, fracPart = '', unit] = m;
    if (intPart.length === 0 && fracPart.length === 0) return undefined;
    const unitNs = UNIT_NS[unit];
    if (unitNs === undefined) return undefined;
    total += BigInt(intPart || '0') * unitNs;
    if (fracPart.length > 0) {
      // fraction × unit, truncated to whole nanoseconds like Go
      total += (BigInt(fracPart) * unitNs) / 10n ** BigInt(fracPart.length);
    }
    s = s.slice(all.length);
  }
  return negative ? -total : total;
}

/** Formats nanoseconds the way Go's `Duration.String()` does (`1h0m0s`, `1.5ms`). */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    // sub-second: ns, µs or ms with a fraction
    let unit: string;
    let divisor: bigint;
    if (u < 1_000n) {
      unit = 'ns';
      divisor = 1n;
    } else if (u < 1_000_000n) {
      unit = 'µs';
      divisor = 1_000n;
    } else {
      unit = 'ms';
      divisor = 1_000_000n;
    }
    out = fraction(u, divisor) + unit;
  } else {
    const hours = u / 3_600_000_000_000n;
    u %= 3_600_000_000_000n;
    const minutes = u / 60_000_000_000n;
    u %= 60_000_000_000n;
    const seconds = `${fraction(u, 1_000_000_000n)}s`;
    if (hours > 0n) out = `${hours}h${minutes}m${seconds}`;
    else if (minutes > 0n) out = `${minutes}m${seconds}`;
    else out = seconds;
  }
  return negative ? `-${out}` : out;
}

function fraction(value: bigint, divisor: bigint): string {
  const whole = value / divisor;
  const rest = value % divisor;
  if (rest === 0n) return whole.toString();
  const digits = divisor.toString().length - 1;
  const frac = rest.toString().padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${frac}`;
}

/** Nanoseconds as (float) seconds, the unit Kyverno compares durations in. */
export function durationSeconds(ns: bigint): number {
  return Number(ns) / 1e9;
}
