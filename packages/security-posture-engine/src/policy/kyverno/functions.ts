/**
 * Kyverno's custom JMESPath functions (https://kyverno.io/docs/writing-policies/jmespath/),
 * re-implemented with the argument types and results Kyverno documents.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { durationSeconds, formatDuration, parseDuration } from './duration';
import {
  addQuantities,
  divideQuantity,
  formatQuantity,
  multiplyQuantity,
  parseQuantity,
  Quantity,
  quantityToNumber,
  subtractQuantities,
} from './quantity';
import { compareSemver, parseSemver, satisfiesSemverRange } from './semver';
import { formatRfc3339, parseGoTime, parseRfc3339, TimeValue } from './time';
import { deepEqual } from './values';
import { wildcardMatch } from './wildcard';
import { parseYamlValue } from './yaml';
import { imageInfo } from './images';

/** Argument types, as go-jmespath names them. */
export type JpType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'array'
  | 'object'
  | 'null'
  | 'expref'
  | 'any'
  | 'array-string'
  | 'array-number';

/** What a function implementation may use from the interpreter. */
export interface FunctionRuntime {
  currentTime(): Date;
  /** Evaluates an expression reference (`&field`) on a value. */
  visit(node: any, value: unknown): unknown;
}

function extremeBy(
  name: string,
  items: unknown[],
  expref: unknown,
  rt: FunctionRuntime,
  better: (a: number | string, b: number | string) => boolean,
): unknown {
  if (items.length === 0) return null;
  let best: unknown = null;
  let bestKey: number | string | undefined;
  let kind: 'number' | 'string' | undefined;
  for (const item of items) {
    const key = rt.visit(expref, item);
    if (typeof key !== 'number' && typeof key !== 'string') {
      return fail(`${name}: the expression must give numbers or strings`);
    }
    if (kind && typeof key !== kind) {
      return fail(`${name}: the expression must give values of one type`);
    }
    kind = typeof key as 'number' | 'string';
    if (bestKey === undefined || better(key, bestKey)) {
      bestKey = key;
      best = item;
    }
  }
  return best;
}

/** A function: allowed types per argument and the implementation. */
export interface FunctionSpec {
  args: JpType[][];
  variadic?: boolean;
  description: string;
  fn: (args: any[], runtime: FunctionRuntime) => unknown;
}

function fail(message: string): never {
  throw new Error(message);
}

/** Go's `ifaceToString`: strings, numbers and booleans as text. */
function ifaceToString(value: unknown, fn: string, index: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return fail(`${fn}: argument #${index} must be a string or a number`);
}

/** Go RE2 syntax to a JavaScript RegExp (inline flags, `\z`, `(?P<name>`). */
export function goRegExp(source: string, global = false): RegExp {
  let flags = global ? 'g' : '';
  let s = source;
  const inline = /^\(\?([imsU]+)\)/.exec(s);
  if (inline) {
    s = s.slice(inline[0].length);
    for (const f of inline[1]) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      if (f === 'm' && !flags.includes('m')) flags += 'm';
      if (f === 's' && !flags.includes('s')) flags += 's';
    }
  }
  s = s
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\\A/g, '^(?<![\\s\\S])');
  try {
    return new RegExp(s, `${flags}u`);
  } catch {
    try {
      return new RegExp(s, flags);
    } catch (e) {
      return fail(
        `invalid regular expression ${source}: ${(e as Error).message}`,
      );
    }
  }
}

/** Expands Go's `$1`, `${1}`, `$name`, `${name}` in a replacement template. */
function expandGoTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$' || i === template.length - 1) {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (next === '{') {
      const end = template.indexOf('}', i + 2);
      if (end < 0) {
        out += c;
        continue;
      }
      name = template.slice(i + 2, end);
      i = end;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += match[Number(name)] ?? '';
    else out += match.groups?.[name] ?? '';
  }
  return out;
}

type Operand =
  | { kind: 'scalar'; value: number }
  | { kind: 'quantity'; value: Quantity }
  | { kind: 'duration'; value: bigint };

function operand(value: unknown, fn: string): Operand {
  if (typeof value === 'number') return { kind: 'scalar', value };
  if (typeof value === 'string') {
    const q = parseQuantity(value);
    if (q) return { kind: 'quantity', value: q };
    const d = parseDuration(value);
    if (d !== undefined) return { kind: 'duration', value: d };
  }
  return fail(`${fn}: invalid operand ${JSON.stringify(value)}`);
}

function mismatch(fn: string): never {
  return fail(`${fn}: types mismatch`);
}

function add(a: unknown, b: unknown, fn: string): unknown {
  const x = operand(a, fn);
  const y = operand(b, fn);
  if (x.kind === 'scalar' && y.kind === 'scalar') return x.value + y.value;
  if (x.kind === 'quantity' && y.kind === 'quantity') {
    return formatQuantity(addQuantities(x.value, y.value));
  }
  if (x.kind === 'duration' && y.kind === 'duration') {
    return formatDuration(x.value + y.value);
  }
  return mismatch(fn);
}

function nsFromSeconds(seconds: number): bigint {
  return BigInt(Math.trunc(seconds * 1e9));
}

function toIntegral(n: number, fn: string): bigint {
  if (!Number.isInteger(n)) fail(`${fn}: non-integer argument(s)`);
  return BigInt(n);
}

const time = (v: string, fn: string): TimeValue =>
  parseRfc3339(v) ??
  fail(`${fn}: cannot parse ${JSON.stringify(v)} as RFC 3339`);

const duration = (v: string, fn: string): bigint =>
  parseDuration(v) ?? fail(`${fn}: invalid duration ${JSON.stringify(v)}`);

/** Nanoseconds between the Go zero time (0001-01-01) and the Unix epoch. */
const GO_EPOCH_OFFSET_NS = 62135596800n * 1_000_000_000n;

function base64Decode(s: string): string {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    fail('illegal base64 data');
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

function ipIsPrivateOrLoopback(host: string): boolean | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168)
    );
  }
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h.includes(':')) {
    return h === '::1' || h.startsWith('fc') || h.startsWith('fd');
  }
  return undefined;
}

const S: JpType[] = ['string'];
const N: JpType[] = ['number'];
const A: JpType[] = ['any'];

/** Kyverno's functions, by name. */
export const KYVERNO_FUNCTIONS: Record<string, FunctionSpec> = {
  max_by: {
    args: [['array'], ['expref']],
    description: 'the element with the largest key (numbers or strings)',
    fn: ([items, expref], rt) =>
      extremeBy('max_by', items, expref, rt, (a, b) => a > b),
  },
  min_by: {
    args: [['array'], ['expref']],
    description: 'the element with the smallest key (numbers or strings)',
    fn: ([items, expref], rt) =>
      extremeBy('min_by', items, expref, rt, (a, b) => a < b),
  },
  compare: {
    args: [S, S],
    description: 'compares two strings lexicographically (-1, 0, 1)',
    fn: ([a, b]) => {
      if (a === b) return 0;
      return a < b ? -1 : 1;
    },
  },
  equal_fold: {
    args: [S, S],
    description: 'case-insensitive string equality',
    fn: ([a, b]) => a.toLowerCase() === b.toLowerCase(),
  },
  replace: {
    args: [S, S, S, N],
    description: 'replaces n instances (all when n < 0) of a substring',
    fn: ([str, from, to, n]) => {
      let count = Math.trunc(n);
      if (count < 0) return str.split(from).join(to);
      let out = str;
      let pos = 0;
      while (count-- > 0) {
        const i = out.indexOf(from, pos);
        if (i < 0) break;
        out = out.slice(0, i) + to + out.slice(i + from.length);
        pos = i + to.length + (from === '' ? 1 : 0);
      }
      return out;
    },
  },
  replace_all: {
    args: [S, S, S],
    description: 'replaces every instance of a substring',
    fn: ([str, from, to]) => str.split(from).join(to),
  },
  to_upper: {
    args: [S],
    description: 'upper-cases a string',
    fn: ([s]) => s.toUpperCase(),
  },
  to_lower: {
    args: [S],
    description: 'lower-cases a string',
    fn: ([s]) => s.toLowerCase(),
  },
  trim: {
    args: [S, S],
    description: 'removes the characters of the second string from both ends',
    fn: ([s, cutset]) => {
      const chars = new Set([...cutset]);
      const arr = [...s];
      let start = 0;
      let end = arr.length;
      while (start < end && chars.has(arr[start])) start++;
      while (end > start && chars.has(arr[end - 1])) end--;
      return arr.slice(start, end).join('');
    },
  },
  trim_prefix: {
    args: [S, S],
    description: 'removes a prefix when present',
    fn: ([s, prefix]) => (s.startsWith(prefix) ? s.slice(prefix.length) : s),
  },
  split: {
    args: [S, S],
    description: 'splits a string on a separator',
    fn: ([s, sep]) => (sep === '' ? [...s] : s.split(sep)),
  },
  regex_replace_all: {
    args: [S, ['string', 'number'], ['string', 'number']],
    description: 'replaces every regex match; $1/${name} expand groups',
    fn: ([re, src, repl]) => {
      const input = ifaceToString(src, 'regex_replace_all', 2);
      const template = ifaceToString(repl, 'regex_replace_all', 3);
      const rx = goRegExp(re, true);
      return input.replace(rx, (...m: any[]) => {
        const groups =
          typeof m[m.length - 1] === 'object' ? m[m.length - 1] : undefined;
        const exec = Object.assign(m.slice(0, groups ? -3 : -2), {
          groups,
        }) as unknown as RegExpExecArray;
        return expandGoTemplate(template, exec);
      });
    },
  },
  regex_replace_all_literal: {
    args: [S, ['string', 'number'], ['string', 'number']],
    description: 'replaces every regex match with a literal string',
    fn: ([re, src, repl]) => {
      const input = ifaceToString(src, 'regex_replace_all_literal', 2);
      const literal = ifaceToString(repl, 'regex_replace_all_literal', 3);
      return input.replace(goRegExp(re, true), () => literal);
    },
  },
  regex_match: {
    args: [S, ['string', 'number']],
    description:
      'true when the regular expression matches anywhere in the value',
    fn: ([re, src]) => goRegExp(re).test(ifaceToString(src, 'regex_match', 2)),
  },
  pattern_match: {
    args: [S, ['string', 'number']],
    description: 'wildcard match (`*`, `?`)',
    fn: ([pattern, src]) =>
      wildcardMatch(pattern, ifaceToString(src, 'pattern_match', 2)),
  },
  label_match: {
    args: [['object'], ['object']],
    description: 'true when every label of the first object is in the second',
    fn: ([selector, labels]) =>
      Object.entries(selector).every(
        ([k, v]) =>
          Object.prototype.hasOwnProperty.call(labels, k) &&
          deepEqual(labels[k], v),
      ),
  },
  to_boolean: {
    args: [S],
    description: "'true'/'false' in any case to a boolean",
    fn: ([s]) => {
      const lower = s.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return fail(
        `lowercase argument must be 'true' or 'false' (provided: '${s}')`,
      );
    },
  },
  add: {
    args: [A, A],
    description: 'adds numbers, quantities or durations',
    fn: ([a, b]) => add(a, b, 'add'),
  },
  sum: {
    args: [['array']],
    description: 'adds all numbers, quantities or durations of an array',
    fn: ([items]) => {
      if (items.length === 0) {
        return fail('at least one element in the array is required');
      }
      let result = items[0];
      operand(result, 'sum');
      for (const item of items.slice(1)) result = add(result, item, 'sum');
      return result;
    },
  },
  subtract: {
    args: [A, A],
    description: 'subtracts numbers, quantities or durations',
    fn: ([a, b]) => {
      const x = operand(a, 'subtract');
      const y = operand(b, 'subtract');
      if (x.kind === 'scalar' && y.kind === 'scalar') return x.value - y.value;
      if (x.kind === 'quantity' && y.kind === 'quantity') {
        return formatQuantity(subtractQuantities(x.value, y.value));
      }
      if (x.kind === 'duration' && y.kind === 'duration') {
        return formatDuration(x.value - y.value);
      }
      return mismatch('subtract');
    },
  },
  multiply: {
    args: [A, A],
    description:
      'multiplies; a quantity or duration times a number keeps its unit',
    fn: ([a, b]) => {
      let x = operand(a, 'multiply');
      let y = operand(b, 'multiply');
      if (x.kind === 'scalar' && y.kind !== 'scalar') [x, y] = [y, x];
      if (y.kind !== 'scalar') return mismatch('multiply');
      if (x.kind === 'scalar') return x.value * y.value;
      if (x.kind === 'quantity') {
        const q = multiplyQuantity(x.value, y.value);
        return q ? formatQuantity(q) : mismatch('multiply');
      }
      return formatDuration(nsFromSeconds(durationSeconds(x.value) * y.value));
    },
  },
  divide: {
    args: [A, A],
    description:
      'divides; same units give a number, a number divisor keeps the unit',
    fn: ([a, b]) => {
      const x = operand(a, 'divide');
      const y = operand(b, 'divide');
      const zero = () => fail('divide: Zero divisor passed');
      if (x.kind === 'scalar' && y.kind === 'scalar') {
        return y.value === 0 ? zero() : x.value / y.value;
      }
      if (x.kind === 'quantity' && y.kind === 'quantity') {
        const d = quantityToNumber(y.value);
        return d === 0 ? zero() : quantityToNumber(x.value) / d;
      }
      if (x.kind === 'quantity' && y.kind === 'scalar') {
        if (y.value === 0) return zero();
        const q = divideQuantity(x.value, y.value);
        return q ? formatQuantity(q) : mismatch('divide');
      }
      if (x.kind === 'duration' && y.kind === 'duration') {
        return y.value === 0n
          ? zero()
          : durationSeconds(x.value) / durationSeconds(y.value);
      }
      if (x.kind === 'duration' && y.kind === 'scalar') {
        if (y.value === 0) return zero();
        return formatDuration(
          nsFromSeconds(durationSeconds(x.value) / y.value),
        );
      }
      return mismatch('divide');
    },
  },
  modulo: {
    args: [A, A],
    description: 'remainder of integers, integral quantities or durations',
    fn: ([a, b]) => {
      const x = operand(a, 'modulo');
      const y = operand(b, 'modulo');
      if (x.kind === 'scalar' && y.kind === 'scalar') {
        const i = toIntegral(x.value, 'modulo');
        const j = toIntegral(y.value, 'modulo');
        if (j === 0n) return fail('modulo: Zero divisor passed');
        return Number(i % j);
      }
      if (x.kind === 'quantity' && y.kind === 'quantity') {
        const i = toIntegral(quantityToNumber(x.value), 'modulo');
        const j = toIntegral(quantityToNumber(y.value), 'modulo');
        if (j === 0n) return fail('modulo: Zero divisor passed');
        return formatQuantity({
          units: i % j,
          scale: 0,
          format: x.value.format,
        });
      }
      if (x.kind === 'duration' && y.kind === 'duration') {
        if (y.value === 0n) return fail('modulo: Zero divisor passed');
        return formatDuration(x.value % y.value);
      }
      return mismatch('modulo');
    },
  },
  round: {
    args: [N, N],
    description: 'rounds to the given number of decimals',
    fn: ([value, digits]) => {
      if (!Number.isInteger(digits)) return fail('round: non-integer decimals');
      if (digits < 0) return fail('round: decimals must be >= 0');
      const shift = 10 ** digits;
      const scaled = value * shift;
      // Go's math.Round rounds half away from zero
      const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
      return rounded / shift;
    },
  },
  base64_decode: {
    args: [S],
    description: 'decodes standard base64',
    fn: ([s]) => base64Decode(s),
  },
  base64_encode: {
    args: [S],
    description: 'encodes to standard base64',
    fn: ([s]) => Buffer.from(s, 'utf8').toString('base64'),
  },
  path_canonicalize: {
    args: [S],
    description: 'cleans a path (`//`, `.`, `..`)',
    fn: ([s]) => {
      if (s === '') return '.';
      const n = posix.normalize(s);
      return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
    },
  },
  truncate: {
    args: [S, N],
    description: 'keeps at most n characters',
    fn: ([s, n]) => [...s].slice(0, Math.max(0, Math.trunc(n))).join(''),
  },
  semver_compare: {
    args: [S, S],
    description:
      'true when the version satisfies the range (`>1.0.0 <2.0.0 || 3.x`)',
    fn: ([version, range]) =>
      satisfiesSemverRange(
        parseSemver(version) ?? { major: 0, minor: 0, patch: 0, pre: [] },
        range,
      ),
  },
  parse_json: {
    args: [S],
    description: 'decodes a JSON string',
    fn: ([s]) => JSON.parse(s),
  },
  parse_yaml: {
    args: [S],
    description: 'decodes a YAML string',
    fn: ([s]) => parseYamlValue(s),
  },
  lookup: {
    args: [
      ['object', 'array'],
      ['string', 'number'],
    ],
    description: 'value at a key of an object or an index of an array',
    fn: ([collection, key]) => {
      if (Array.isArray(collection)) {
        if (typeof key !== 'number') {
          return fail('lookup: argument #2 must be a number for arrays');
        }
        if (!Number.isInteger(key)) {
          return fail(`lookup: expected an integer number but got: ${key}`);
        }
        return key < 0 || key >= collection.length ? null : collection[key];
      }
      if (typeof key !== 'string') {
        return fail('lookup: argument #2 must be a string for objects');
      }
      return Object.prototype.hasOwnProperty.call(collection, key)
        ? collection[key]
        : null;
    },
  },
  items: {
    args: [['object', 'array'], S, S],
    description: 'map or array to a list of {key, value} objects',
    fn: ([collection, keyName, valueName]) => {
      if (Array.isArray(collection)) {
        return collection.map((v, i) => ({ [keyName]: i, [valueName]: v }));
      }
      return Object.keys(collection)
        .sort()
        .map(k => ({ [keyName]: k, [valueName]: collection[k] }));
    },
  },
  object_from_lists: {
    args: [['array'], ['array']],
    description: 'an object from a list of keys and a list of values',
    fn: ([keys, values]) => {
      const out: Record<string, unknown> = {};
      keys.forEach((k: unknown, i: number) => {
        out[ifaceToString(k, 'object_from_lists', 1)] =
          i < values.length ? values[i] : null;
      });
      return out;
    },
  },
  time_since: {
    args: [S, S, S],
    description: 'duration between two times (the second defaults to now)',
    fn: ([layout, a, b], rt) => {
      const parse = (v: string) =>
        layout === ''
          ? time(v, 'time_since')
          : parseGoTime(layout, v) ??
            fail(`time_since: cannot parse ${JSON.stringify(v)}`);
      const t1 = parse(a);
      const t2 =
        b === ''
          ? {
              epochNs: BigInt(rt.currentTime().getTime()) * 1_000_000n,
              offsetMinutes: 0,
            }
          : parse(b);
      return formatDuration(t2.epochNs - t1.epochNs);
    },
  },
  time_now: {
    args: [],
    description: 'current time (RFC 3339)',
    fn: (_args, rt) => formatRfc3339(nowValue(rt.currentTime(), true)),
  },
  time_now_utc: {
    args: [],
    description: 'current UTC time (RFC 3339)',
    fn: (_args, rt) => formatRfc3339(nowValue(rt.currentTime(), false)),
  },
  time_to_cron: {
    args: [S],
    description: 'a time to a cron expression (minute hour day month weekday)',
    fn: ([s]) => {
      const t = time(s, 'time_to_cron');
      const d = new Date(
        Number(t.epochNs / 1_000_000n) + t.offsetMinutes * 60_000,
      );
      return `${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${
        d.getUTCMonth() + 1
      } ${d.getUTCDay()}`;
    },
  },
  time_add: {
    args: [S, S],
    description: 'adds a duration to a time',
    fn: ([s, d]) => {
      const t = time(s, 'time_add');
      return formatRfc3339({
        ...t,
        epochNs: t.epochNs + duration(d, 'time_add'),
      });
    },
  },
  time_parse: {
    args: [S, S],
    description:
      'parses a time with a Go layout (or epoch seconds) to RFC 3339',
    fn: ([layout, s]) => {
      if (/^[+-]?\d+$/.test(layout)) {
        if (!/^[+-]?\d+$/.test(s))
          return fail(`time_parse: invalid epoch ${s}`);
        return formatRfc3339({
          epochNs: BigInt(s) * 1_000_000_000n,
          offsetMinutes: 0,
        });
      }
      const t = parseGoTime(layout, s);
      return t
        ? formatRfc3339(t)
        : fail(`time_parse: cannot parse ${JSON.stringify(s)} as ${layout}`);
    },
  },
  time_utc: {
    args: [S],
    description: 'a time in UTC',
    fn: ([s]) => formatRfc3339({ ...time(s, 'time_utc'), offsetMinutes: 0 }),
  },
  time_diff: {
    args: [S, S],
    description: 'duration from the first time to the second',
    fn: ([a, b]) =>
      formatDuration(
        time(b, 'time_diff').epochNs - time(a, 'time_diff').epochNs,
      ),
  },
  time_before: {
    args: [S, S],
    description: 'true when the first time is before the second',
    fn: ([a, b]) =>
      time(a, 'time_before').epochNs < time(b, 'time_before').epochNs,
  },
  time_after: {
    args: [S, S],
    description: 'true when the first time is after the second',
    fn: ([a, b]) =>
      time(a, 'time_after').epochNs > time(b, 'time_after').epochNs,
  },
  time_between: {
    args: [S, S, S],
    description: 'true when the time is strictly between start and end',
    fn: ([t, start, end]) => {
      const x = time(t, 'time_between').epochNs;
      return (
        x > time(start, 'time_between').epochNs &&
        x < time(end, 'time_between').epochNs
      );
    },
  },
  time_truncate: {
    args: [S, S],
    description: 'rounds a time down to a multiple of a duration',
    fn: ([s, d]) => {
      const t = time(s, 'time_truncate');
      const step = duration(d, 'time_truncate');
      if (step <= 0n) return formatRfc3339(t);
      const abs = t.epochNs + GO_EPOCH_OFFSET_NS;
      return formatRfc3339({ ...t, epochNs: t.epochNs - (abs % step) });
    },
  },
  image_normalize: {
    args: [S],
    description:
      'a fully qualified image reference (docker.io default registry, latest tag)',
    fn: ([s]) => {
      const info = imageInfo(s);
      if (!info) return fail(`image_normalize: bad image: ${s}`);
      return info.reference;
    },
  },
  is_external_url: {
    args: [S],
    description:
      'true when a URL does not point at a loopback or private address',
    fn: ([s]) => {
      let host: string;
      try {
        host = new URL(s).hostname;
      } catch {
        return fail(`is_external_url: invalid URL ${s}`);
      }
      if (host === 'localhost') return false;
      const internal = ipIsPrivateOrLoopback(host);
      if (internal === undefined) {
        return fail(
          'is_external_url: resolving host names is not supported by this engine (only IP addresses)',
        );
      }
      return !internal;
    },
  },
  sha256: {
    args: [S],
    description: 'hex SHA-256',
    fn: ([s]) => createHash('sha256').update(s).digest('hex'),
  },
  sha1: {
    args: [S],
    description: 'hex SHA-1',
    fn: ([s]) => createHash('sha1').update(s).digest('hex'),
  },
  md5: {
    args: [S],
    description: 'hex MD5',
    fn: ([s]) => createHash('md5').update(s).digest('hex'),
  },
  x509_decode: {
    args: [S],
    description: 'not supported by this engine',
    fn: () =>
      fail(
        'x509_decode is not supported by this engine (no certificate decoding)',
      ),
  },
  random: {
    args: [S],
    description: 'not supported by this engine',
    fn: () =>
      fail(
        'random is not supported by this engine (results would not be reproducible)',
      ),
  },
};

function nowValue(date: Date, local: boolean): TimeValue {
  return {
    epochNs: BigInt(date.getTime()) * 1_000_000n,
    offsetMinutes: local ? -date.getTimezoneOffset() : 0,
  };
}

/** Exposed for tests: semver comparison used by `semver_compare`. */
export { compareSemver };
