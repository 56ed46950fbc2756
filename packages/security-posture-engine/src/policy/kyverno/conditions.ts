/**
 * Kyverno conditions (`preconditions`, `deny.conditions`): `any`/`all` blocks or the
 * legacy list, and every operator with Kyverno's typing rules (durations before
 * quantities before numbers, wildcards in the `In` family, ranges like
 * `5000-6000`, `AnyNotIn` of an empty list being false…).
 */
import { durationSeconds, parseDuration } from './duration';
import { compareQuantities, parseQuantity } from './quantity';
import { compareSemver, parseSemver } from './semver';
import {
  IN_RANGE_RE,
  operatorOf,
  parseGoFloat,
  parseGoInt,
  validateValue,
} from './valuePattern';
import { deepEqual, goSprint, isObject } from './values';
import type { KyvernoCondition, KyvernoConditions } from './types';
import { wildcardMatch } from './wildcard';

/** Every operator name Kyverno accepts (case-insensitive). */
export const CONDITION_OPERATORS = [
  'Equal',
  'Equals',
  'NotEqual',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThanOrEquals',
  'GreaterThan',
  'LessThanOrEquals',
  'LessThan',
  'DurationGreaterThanOrEquals',
  'DurationGreaterThan',
  'DurationLessThanOrEquals',
  'DurationLessThan',
] as const;

/** Operators Kyverno marks as deprecated, with their replacements. */
export const DEPRECATED_OPERATORS: Record<string, string[]> = {
  In: ['AllIn', 'AnyIn'],
  NotIn: ['AllNotIn', 'AnyNotIn'],
  DurationGreaterThanOrEquals: ['GreaterThanOrEquals'],
  DurationGreaterThan: ['GreaterThan'],
  DurationLessThanOrEquals: ['LessThanOrEquals'],
  DurationLessThan: ['LessThan'],
};

/** A condition that could not be evaluated (bad operator or variable). */
export class ConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionError';
  }
}

/** Resolves variables in a condition's key or value. */
export type Substitute = (value: unknown, what: 'key' | 'value') => unknown;

// ---------------------------------------------------------------------------
// durations shared by the equality and numeric operators

/** Kyverno's `parseDuration(key, value)`: at least one side must be a duration string, numbers are seconds. */
function durationPair(
  key: unknown,
  value: unknown,
): [number, number] | undefined {
  const asDuration = (v: unknown) =>
    typeof v === 'string' && v !== '0' ? parseDuration(v) : undefined;
  const kd = asDuration(key);
  const vd = asDuration(value);
  if (kd === undefined && vd === undefined) return undefined;
  const seconds = (d: bigint | undefined, raw: unknown): number | undefined => {
    if (d !== undefined) return durationSeconds(d);
    if (typeof raw === 'number') return Math.trunc(raw);
    return undefined;
  };
  const k = seconds(kd, key);
  const v = seconds(vd, value);
  if (k === undefined || v === undefined) return undefined;
  return [k, v];
}

// ---------------------------------------------------------------------------
// Equals / NotEquals

function equals(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean')
    return typeof value === 'boolean' && key === value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return value === key;
    if (typeof value === 'string') return parseGoFloat(value) === key;
    return false;
  }
  if (typeof key === 'string') {
    const d = durationPair(key, value);
    if (d) return d[0] === d[1];
    const kq = parseQuantity(key);
    if (kq && typeof value === 'string') {
      const vq = parseQuantity(value);
      return !!vq && compareQuantities(kq, vq) === 0;
    }
    if (typeof value === 'string') return wildcardMatch(value, key);
    return false;
  }
  if (isObject(key)) return isObject(value) && deepEqual(key, value);
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  return false;
}

function notEquals(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean')
    return typeof value !== 'boolean' || key !== value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return value !== key;
    if (typeof value === 'string') {
      const parsed = parseGoFloat(value);
      return parsed === undefined || parsed !== key;
    }
    return true;
  }
  if (typeof key === 'string') {
    const d = durationPair(key, value);
    if (d) return d[0] !== d[1];
    const kq = parseQuantity(key);
    if (kq && typeof value === 'string') {
      if (value === '') return !wildcardMatch(value, key);
      const vq = parseQuantity(value);
      return !vq || compareQuantities(kq, vq) !== 0;
    }
    if (typeof value === 'string') return !wildcardMatch(value, key);
    return true;
  }
  if (isObject(key)) return !isObject(value) || !deepEqual(key, value);
  if (Array.isArray(key))
    return !Array.isArray(value) || !deepEqual(key, value);
  return false;
}

// ---------------------------------------------------------------------------
// GreaterThan / LessThan (numbers, quantities, durations, semver)

type Cmp = (a: number, b: number) => boolean;

const NUMERIC: Record<string, Cmp> = {
  greaterthanorequals: (a, b) => a >= b,
  greaterthan: (a, b) => a > b,
  lessthanorequals: (a, b) => a <= b,
  lessthan: (a, b) => a < b,
};

function numericNumberKey(key: number, value: unknown, cmp: Cmp): boolean {
  if (typeof value === 'number') return cmp(key, value);
  if (typeof value === 'string') {
    const d = durationPair(key, value);
    if (d) return cmp(d[0], d[1]);
    const f = parseGoFloat(value);
    if (f !== undefined) return cmp(key, f);
    const i = parseGoInt(value);
    if (i !== undefined) return cmp(key, i);
  }
  return false;
}

function numeric(key: unknown, value: unknown, cmp: Cmp): boolean {
  if (typeof key === 'number') return numericNumberKey(key, value, cmp);
  if (typeof key !== 'string') return false;
  const d = durationPair(key, value);
  if (d) return cmp(d[0], d[1]);
  if (typeof value === 'string') {
    const kq = parseQuantity(key);
    const vq = parseQuantity(value);
    if (kq && vq) return cmp(compareQuantities(kq, vq), 0);
  }
  const f = parseGoFloat(key);
  if (f !== undefined) return numericNumberKey(f, value, cmp);
  const sv = parseSemver(key);
  if (sv) {
    if (typeof value !== 'string') return false;
    const vv = parseSemver(value);
    return !!vv && cmp(compareSemver(sv, vv), 0);
  }
  return false;
}

const DURATION: Record<string, Cmp> = {
  durationgreaterthanorequals: (a, b) => a >= b,
  durationgreaterthan: (a, b) => a > b,
  durationlessthanorequals: (a, b) => a <= b,
  durationlessthan: (a, b) => a < b,
};

function durationOperator(key: unknown, value: unknown, cmp: Cmp): boolean {
  const seconds = (v: unknown): number | undefined => {
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'string') {
      const d = parseDuration(v);
      return d === undefined ? undefined : durationSeconds(d);
    }
    return undefined;
  };
  if (typeof key !== 'number' && typeof key !== 'string') return false;
  const k = seconds(key);
  const v = seconds(value);
  return k !== undefined && v !== undefined && cmp(k, v);
}

// ---------------------------------------------------------------------------
// In-family operators

const matchEither = (a: string, b: string) =>
  wildcardMatch(a, b) || wildcardMatch(b, a);

/** A JSON array of strings written as a string (`'["a","b"]'`), or the string itself. */
function stringList(value: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [value];
  }
  if (Array.isArray(parsed) && parsed.every(v => typeof v === 'string')) {
    return parsed as string[];
  }
  if (parsed === null) return [];
  return undefined; // valid JSON that is not a list of strings: invalid type
}

/** A scalar key against the value (AnyIn/AllIn/AnyNotIn/AllNotIn with one key): undefined = invalid type. */
function keyInValue(key: string, value: unknown): boolean | undefined {
  if (Array.isArray(value))
    return value.some(v => matchEither(goSprint(v), key));
  if (typeof value === 'string') {
    if (wildcardMatch(value, key)) return true;
    if (operatorOf(value) === '-') return validateValue(key, value);
    const list = stringList(value);
    if (!list) return undefined;
    return list.includes(key);
  }
  return undefined;
}

function anySet(
  keys: string[],
  value: unknown,
  notIn: boolean,
): boolean | undefined {
  const anyIn = (vals: string[]) =>
    keys.some(k => vals.some(v => matchEither(k, v)));
  const anyNotIn = (vals: string[]) =>
    keys.some(k => !vals.some(v => matchEither(k, v)));
  if (Array.isArray(value)) {
    const vals = value.map(goSprint);
    return notIn ? anyNotIn(vals) : anyIn(vals);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    const vals = [goSprint(value)];
    return notIn ? anyNotIn(vals) : anyIn(vals);
  }
  if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return !notIn;
    if (operatorOf(value) === '-') {
      if (notIn) {
        const outside = value.replace('-', '!-');
        return keys.some(k => validateValue(k, outside));
      }
      return keys.some(k => validateValue(k, value));
    }
    const list = stringList(value);
    if (!list) return undefined;
    return notIn ? anyNotIn(list) : anyIn(list);
  }
  return undefined;
}

function allSet(
  keys: string[],
  value: unknown,
  notIn: boolean,
): boolean | undefined {
  const allIn = (vals: string[]) =>
    keys.every(k => vals.some(v => matchEither(k, v)));
  const allNotIn = (vals: string[]) =>
    keys.every(k => !vals.some(v => matchEither(k, v)));
  if (Array.isArray(value)) {
    const vals = value.map(goSprint);
    return notIn ? allNotIn(vals) : allIn(vals);
  }
  if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return !notIn;
    if (operatorOf(value) === '-') {
      return notIn
        ? keys.every(k => !validateValue(k, value))
        : keys.every(k => validateValue(k, value));
    }
    const list = stringList(value);
    if (!list) return undefined;
    return notIn ? allNotIn(list) : allIn(list);
  }
  return undefined;
}

/** Deprecated `In`/`NotIn`: exact set membership, wildcards only for scalar keys. */
function legacyIn(key: unknown, value: unknown, notIn: boolean): boolean {
  const scalar = scalarKey(key);
  if (scalar !== undefined) {
    let exists: boolean | undefined;
    if (Array.isArray(value))
      exists = value.some(v => matchEither(goSprint(v), scalar));
    else if (typeof value === 'string') {
      if (wildcardMatch(value, scalar)) exists = true;
      else {
        try {
          const parsed = JSON.parse(value);
          if (parsed === null) exists = false;
          else if (
            Array.isArray(parsed) &&
            parsed.every(v => typeof v === 'string')
          ) {
            exists = parsed.includes(scalar);
          }
        } catch {
          exists = undefined;
        }
      }
    }
    if (exists === undefined) return false;
    return notIn ? !exists : exists;
  }
  if (!Array.isArray(key)) return false;
  const keys = key.map(goSprint);
  let values: string[] | undefined;
  if (Array.isArray(value)) {
    if (!value.every(v => typeof v === 'string')) return false;
    values = value as string[];
  } else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return true;
    try {
      const parsed = JSON.parse(value);
      values = Array.isArray(parsed) ? parsed.map(goSprint) : undefined;
    } catch {
      values = undefined;
    }
  }
  if (!values) return false;
  const set = new Set(values);
  return notIn ? keys.some(k => !set.has(k)) : keys.every(k => set.has(k));
}

function scalarKey(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return goSprint(key);
  return undefined;
}

function setOperator(
  key: unknown,
  value: unknown,
  mode: 'anyin' | 'allin' | 'anynotin' | 'allnotin',
): boolean {
  const scalar = scalarKey(key);
  const notIn = mode === 'anynotin' || mode === 'allnotin';
  if (scalar !== undefined) {
    const exists = keyInValue(scalar, value);
    if (exists === undefined) return false;
    return notIn ? !exists : exists;
  }
  if (!Array.isArray(key)) return false;
  const keys = key.map(goSprint);
  const result =
    mode === 'anyin' || mode === 'anynotin'
      ? anySet(keys, value, notIn)
      : allSet(keys, value, notIn);
  return result ?? false;
}

/** Evaluates one operator on an already substituted key and value. */
export function evaluateOperator(
  operator: string,
  key: unknown,
  value: unknown,
): boolean {
  const op = (operator ?? '').toLowerCase();
  switch (op) {
    case 'equal':
    case 'equals':
      return equals(key, value);
    case 'notequal':
    case 'notequals':
      return notEquals(key, value);
    case 'in':
      return legacyIn(key, value, false);
    case 'notin':
      return legacyIn(key, value, true);
    case 'anyin':
    case 'allin':
    case 'anynotin':
    case 'allnotin':
      return setOperator(key, value, op);
    default:
      if (op in NUMERIC) return numeric(key, value, NUMERIC[op]);
      if (op in DURATION) return durationOperator(key, value, DURATION[op]);
      throw new ConditionError(
        `unknown condition operator ${JSON.stringify(
          operator,
        )}; expected one of ${CONDITION_OPERATORS.join(', ')}`,
      );
  }
}

/** The outcome of a block of conditions, with the messages of the decisive conditions. */
export interface ConditionsResult {
  result: boolean;
  message: string;
}

function evaluateOne(
  condition: KyvernoCondition,
  substitute: Substitute,
): [boolean, string] {
  const key = substitute(condition.key, 'key');
  const value = substitute(condition.value, 'value');
  return [
    evaluateOperator(condition.operator ?? '', key, value),
    condition.message ?? '',
  ];
}

const joinMessages = (messages: string[], sep: string) =>
  messages.filter(m => m !== '').join(sep);

/**
 * Evaluates `any`/`all` blocks (both must hold; an absent block holds, an empty
 * `any` does not) or the legacy list (every condition must hold). Throws on an
 * unknown operator or an unresolvable variable.
 */
export function evaluateConditions(
  conditions: KyvernoConditions | undefined | null,
  substitute: Substitute,
): ConditionsResult {
  if (conditions === undefined || conditions === null) {
    return { result: true, message: '' };
  }
  if (Array.isArray(conditions)) {
    const trueMessages: string[] = [];
    for (const c of conditions) {
      const [ok, msg] = evaluateOne(c, substitute);
      if (!ok) return { result: false, message: msg };
      trueMessages.push(msg);
    }
    return { result: true, message: joinMessages(trueMessages, ';') };
  }
  if (!isObject(conditions)) {
    throw new ConditionError('invalid conditions: expected any/all or a list');
  }
  const { any, all } = conditions as { any?: unknown; all?: unknown };
  const falseMessages: string[] = [];
  const trueMessages: string[] = [];
  let anyResult = true;
  if (any !== undefined && any !== null) {
    if (!Array.isArray(any))
      throw new ConditionError('conditions.any must be a list');
    anyResult = false;
    for (const c of any as KyvernoCondition[]) {
      const [ok, msg] = evaluateOne(c, substitute);
      if (ok) {
        anyResult = true;
        trueMessages.push(msg);
        break;
      }
      falseMessages.push(msg);
    }
  }
  let allResult = true;
  if (all !== undefined && all !== null) {
    if (!Array.isArray(all))
      throw new ConditionError('conditions.all must be a list');
    for (const c of all as KyvernoCondition[]) {
      const [ok, msg] = evaluateOne(c, substitute);
      if (!ok) {
        allResult = false;
        falseMessages.push(msg);
        break;
      }
      trueMessages.push(msg);
    }
  }
  const result = anyResult && allResult;
  return {
    result,
    message: joinMessages(result ? trueMessages : falseMessages, '; '),
  };
}

/** Exposed for tests. */
export const _internal = { IN_RANGE_RE };
