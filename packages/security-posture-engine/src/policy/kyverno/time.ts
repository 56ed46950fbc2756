/**
 * Times for Kyverno's `time_*` functions: RFC 3339 parsing/formatting that keeps
 * the UTC offset (as Go's `time.Time` does), and parsing with Go reference layouts
 * (`2006-01-02 15:04:05 -0700`, `Jan _2 15:04:05`, …).
 */

/** An instant plus the UTC offset it is displayed in. */
export interface TimeValue {
  epochNs: bigint;
  offsetMinutes: number;
}

const RFC3339_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function makeTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fracNs: bigint,
  offsetMinutes: number,
): TimeValue | undefined {
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const ms = BigInt(d.getTime()) - BigInt(offsetMinutes) * 60_000n;
  return { epochNs: ms * 1_000_000n + fracNs, offsetMinutes };
}

function fractionToNs(digits: string): bigint {
  const padded = `${digits}000000000`.slice(0, 9);
  return BigInt(padded);
}

/** Parses RFC 3339 (`2023-01-02T03:04:05Z`, fractional seconds and offsets allowed). */
export function parseRfc3339(s: string): TimeValue | undefined {
  const m = RFC3339_RE.exec(s);
  if (!m) return undefined;
  let offset = 0;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 24 || om > 59) return undefined;
    offset = sign * (oh * 60 + om);
  }
  return makeTime(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    m[7] ? fractionToNs(m[7]) : 0n,
    offset,
  );
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats as Go's `time.RFC3339` (no fractional seconds; `Z` or `±hh:mm`). */
export function formatRfc3339(t: TimeValue): string {
  const ms = t.epochNs / 1_000_000n - (t.epochNs % 1_000_000n < 0n ? 1n : 0n);
  const d = new Date(Number(ms) + t.offsetMinutes * 60_000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(
    d.getUTCDate(),
  )}`;
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(
    d.getUTCSeconds(),
  )}`;
  let zone = 'Z';
  if (t.offsetMinutes !== 0) {
    const abs = Math.abs(t.offsetMinutes);
    zone = `${t.offsetMinutes < 0 ? '-' : '+'}${pad(
      Math.floor(abs / 60),
    )}:${pad(abs % 60)}`;
  }
  return `${date}T${clock}${zone}`;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

type Chunk = { std: string } | { literal: string };

const STD_CHUNKS = [
  'January',
  'Jan',
  'Monday',
  'Mon',
  'MST',
  '2006',
  '002',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '15',
  '__2',
  '_2',
  '1',
  '2',
  '3',
  '4',
  '5',
  'PM',
  'pm',
  'Z070000',
  'Z07:00:00',
  'Z0700',
  'Z07:00',
  'Z07',
  '-070000',
  '-07:00:00',
  '-0700',
  '-07:00',
  '-07',
];

function tokenizeLayout(layout: string): Chunk[] {
  const chunks: Chunk[] = [];
  let literal = '';
  let i = 0;
  while (i < layout.length) {
    // fractional seconds: .000 / ,999 (not followed by another digit)
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac && i > 0 && /\d/.test(layout[i - 1])) {
      if (literal) chunks.push({ literal });
      literal = '';
      chunks.push({ std: frac[0] });
      i += frac[0].length;
      continue;
    }
    const at = i;
    const std = STD_CHUNKS.find(
      s =>
        layout.startsWith(s, at) &&
        // "Jan"/"Mon" followed by a lower-case letter is plain text ("January" was tried first)
        !((s === 'Jan' || s === 'Mon') && /[a-z]/.test(layout[at + 3] ?? '')),
    );
    if (std) {
      if (literal) chunks.push({ literal });
      literal = '';
      chunks.push({ std });
      i += std.length;
    } else {
      literal += layout[i++];
    }
  }
  if (literal) chunks.push({ literal });
  return chunks;
}

/** Parses `value` with a Go reference layout; `undefined` when it does not fit. */
export function parseGoTime(
  layout: string,
  value: string,
): TimeValue | undefined {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let fracNs = 0n;
  let pm: boolean | undefined;
  let offset = 0;
  let v = value;
  const num = (min: number, max: number): number | undefined => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(v);
    if (!m) return undefined;
    v = v.slice(m[0].length);
    return Number(m[0]);
  };
  const word = (list: string[], short: boolean): number | undefined => {
    for (let i = 0; i < list.length; i++) {
      const w = short ? list[i].slice(0, 3) : list[i];
      if (v.slice(0, w.length).toLowerCase() === w) {
        v = v.slice(w.length);
        return i;
      }
    }
    return undefined;
  };
  const zone = (std: string): boolean => {
    if (std.startsWith('Z') && v.startsWith('Z')) {
      v = v.slice(1);
      offset = 0;
      return true;
    }
    const withColon = std.includes(':');
    const hasSeconds = std.endsWith('0000') || std.endsWith(':00:00');
    const hoursOnly = std.endsWith('07');
    let re: RegExp;
    if (hoursOnly) re = /^([+-])(\d{2})/;
    else if (withColon) {
      re = hasSeconds
        ? /^([+-])(\d{2}):(\d{2}):(\d{2})/
        : /^([+-])(\d{2}):(\d{2})/;
    } else
      re = hasSeconds
        ? /^([+-])(\d{2})(\d{2})(\d{2})/
        : /^([+-])(\d{2})(\d{2})/;
    const m = re.exec(v);
    if (!m) return false;
    v = v.slice(m[0].length);
    const sign = m[1] === '-' ? -1 : 1;
    offset = sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    return true;
  };
  const chunks = tokenizeLayout(layout);
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c];
    if ('literal' in chunk) {
      if (!v.startsWith(chunk.literal)) return undefined;
      v = v.slice(chunk.literal.length);
      continue;
    }
    let n: number | undefined;
    switch (chunk.std) {
      case 'January':
      case 'Jan':
        n = word(MONTHS, chunk.std === 'Jan');
        if (n === undefined) return undefined;
        month = n + 1;
        break;
      case 'Monday':
      case 'Mon':
        if (word(DAYS, chunk.std === 'Mon') === undefined) return undefined;
        break;
      case 'MST': {
        const m = /^(UTC|GMT|[A-Z]{3,5})/.exec(v);
        if (!m) return undefined;
        v = v.slice(m[0].length);
        break;
      }
      case '2006':
        n = num(4, 4);
        if (n === undefined) return undefined;
        year = n;
        break;
      case '06':
        n = num(2, 2);
        if (n === undefined) return undefined;
        year = n >= 69 ? 1900 + n : 2000 + n;
        break;
      case '01':
      case '1':
        n = chunk.std === '01' ? num(2, 2) : num(1, 2);
        if (n === undefined) return undefined;
        month = n;
        break;
      case '02':
      case '2':
      case '_2':
        if (chunk.std === '_2' && v.startsWith(' ')) v = v.slice(1);
        n = chunk.std === '02' ? num(2, 2) : num(1, 2);
        if (n === undefined) return undefined;
        day = n;
        break;
      case '002':
      case '__2':
        if (chunk.std === '__2') v = v.replace(/^ {1,2}/, '');
        if (num(chunk.std === '002' ? 3 : 1, 3) === undefined) return undefined;
        break;
      case '15':
        n = num(1, 2);
        if (n === undefined) return undefined;
        hour = n;
        break;
      case '03':
      case '3':
        n = chunk.std === '03' ? num(2, 2) : num(1, 2);
        if (n === undefined || n > 12) return undefined;
        hour = n;
        break;
      case '04':
      case '4':
        n = chunk.std === '04' ? num(2, 2) : num(1, 2);
        if (n === undefined) return undefined;
        minute = n;
        break;
      case '05':
      case '5': {
        n = chunk.std === '05' ? num(2, 2) : num(1, 2);
        if (n === undefined) return undefined;
        second = n;
        const next = chunks[c + 1];
        const nextIsFraction = next && 'std' in next && /^[.,]/.test(next.std);
        const m = /^[.,](\d+)/.exec(v);
        if (m && !nextIsFraction) {
          fracNs = fractionToNs(m[1]);
          v = v.slice(m[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const m = /^(AM|PM)/i.exec(v);
        if (!m) return undefined;
        pm = m[1].toUpperCase() === 'PM';
        v = v.slice(2);
        break;
      }
      default:
        if (/^[.,]/.test(chunk.std)) {
          const digits = chunk.std.length - 1;
          const optional = chunk.std[1] === '9';
          const m = optional
            ? /^[.,](\d+)/.exec(v)
            : new RegExp(`^[.,](\\d{${digits}})`).exec(v);
          if (m) {
            fracNs = fractionToNs(m[1]);
            v = v.slice(m[0].length);
          } else if (!optional) return undefined;
          break;
        }
        if (!zone(chunk.std)) return undefined;
    }
  }
  if (v.length > 0) return undefined;
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  return makeTime(year, month, day, hour, minute, second, fracNs, offset);
}
