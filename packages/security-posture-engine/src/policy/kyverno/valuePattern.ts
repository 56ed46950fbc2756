/**
 * Kyverno's value patterns: how one scalar of a resource is compared with one
 * scalar of a `validate.pattern` (`"false"`, `">0"`, `"!*:latest"`,
 * `"RuntimeDefault | Localhost"`, `"1-10"`, `"<=2Gi"`, `"?*"`, `null`…).
 */
import { parseDuration } from './duration';
import { compareQuantities, parseQuantity } from './quantity';
import { isObject } from './values';
import { wildcardMatch } from './wildcard';

/** Comparison operator at the start of a string pattern. */
export type PatternOperator = '' | '>=' | '<=' | '>' | '<' | '!' | '-' | '!-';

const RANGE_NUMBER = String.raw`[-|\+]?\d+(?:\.\d+)?[A-Za-z]*`;
/** `a-b`: inclusive range. */
export const IN_RANGE_RE = new RegExp(`^(${RANGE_NUMBER})-(${RANGE_NUMBER})$`);
/** `a!-b`: outside the inclusive range. */
export const NOT_IN_RANGE_RE = new RegExp(
  `^(${RANGE_NUMBER})!-(${RANGE_NUMBER})$`,
);

/** The operator a string pattern starts with (`''` is equality). */
export function operatorOf(pattern: string): PatternOperator {
  if (pattern.length < 2) return '';
  if (pattern.startsWith('>=')) return '>=';
  if (pattern.startsWith('<=')) return '<=';
  if (pattern.startsWith('>')) return '>';
  if (pattern.startsWith('<')) return '<';
  if (pattern.startsWith('!')) return '!';
  if (NOT_IN_RANGE_RE.test(pattern)) return '!-';
  if (IN_RANGE_RE.test(pattern)) return '-';
  return '';
}

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Go's `strconv.ParseFloat` (decimal forms, Inf and NaN); undefined when invalid. */
export function parseGoFloat(s: string): number | undefined {
  if (FLOAT_RE.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (/^[+]?(inf|infinity)$/.test(lower)) return Infinity;
  if (/^-(inf|infinity)$/.test(lower)) return -Infinity;
  if (lower === 'nan') return NaN;
  return undefined;
}

/** Go's `strconv.ParseInt(s, 10, 64)`. */
export function parseGoInt(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/**
 * Validates one resource value against one pattern value (not a map or array of
 * the pattern tree; those are handled by the structural matcher).
 */
export function validateValue(value: unknown, pattern: unknown): boolean {
  switch (typeof pattern) {
    case 'boolean':
      return typeof value === 'boolean' && value === pattern;
    case 'number':
      return validateNumberPattern(value, pattern);
    case 'string':
      return validateStringPatterns(value, pattern);
    case 'object':
      if (pattern === null) return validateNilPattern(value);
      if (Array.isArray(pattern)) return false; // arrays are not value patterns
      return isObject(value); // a map pattern only checks that a map exists
    default:
      return false;
  }
}

function validateNumberPattern(value: unknown, pattern: number): boolean {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isInteger(pattern)) return false;
    return value === pattern;
  }
  if (typeof value === 'string') {
    const parsed = parseGoFloat(value);
    return parsed !== undefined && parsed === pattern;
  }
  return false;
}

function validateNilPattern(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (typeof value) {
    case 'number':
      return value === 0;
    case 'string':
      return value === '';
    case 'boolean':
      return !value;
    default:
      return false;
  }
}

function validateStringPatterns(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  for (const alternative of pattern.split('|')) {
    const condition = alternative.trim();
    let all = true;
    for (const part of condition.split('&')) {
      if (!validateStringPattern(value, part.trim())) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  const op = operatorOf(pattern);
  if (op === '-') {
    const m = IN_RANGE_RE.exec(pattern);
    return (
      !!m &&
      validateStringPattern(value, `>= ${m[1]}`) &&
      validateStringPattern(value, `<= ${m[2]}`)
    );
  }
  if (op === '!-') {
    const m = NOT_IN_RANGE_RE.exec(pattern);
    return (
      !!m &&
      (validateStringPattern(value, `< ${m[1]}`) ||
        validateStringPattern(value, `> ${m[2]}`))
    );
  }
  return compareWithOperator(value, pattern.slice(op.length).trim(), op);
}

/** Go's conversion of a resource value to a string before parsing it as a duration or quantity. */
function numberToString(value: unknown): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    // int64 values print as integers, float64 values with `%f`
    return Number.isInteger(value) ? String(value) : value.toFixed(6);
  }
  return undefined;
}

function applyOperator(cmp: number, op: PatternOperator): boolean | undefined {
  switch (op) {
    case '':
      return cmp === 0;
    case '!':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    default:
      return undefined;
  }
}

function compareWithOperator(
  value: unknown,
  pattern: string,
  op: PatternOperator,
): boolean {
  // durations first (`1h`, `30s`), then quantities (`2Gi`, `500m`, `5`), then strings
  const patternDuration = parseDuration(pattern);
  if (patternDuration !== undefined) {
    const asString = numberToString(value);
    const valueDuration =
      asString === undefined ? undefined : parseDuration(asString);
    if (valueDuration !== undefined) {
      const cmp = Number(valueDuration - patternDuration);
      const result = applyOperator(Math.sign(cmp), op);
      if (result !== undefined) return result;
    }
  }
  const patternQuantity = parseQuantity(pattern);
  if (patternQuantity) {
    const asString = numberToString(value);
    const valueQuantity =
      asString === undefined ? undefined : parseQuantity(asString);
    if (valueQuantity) {
      const result = applyOperator(
        compareQuantities(valueQuantity, patternQuantity),
        op,
      );
      if (result !== undefined) return result;
    }
  }
  if (op !== '' && op !== '!') return false; // >, <, … do not apply to strings
  let str: string;
  if (typeof value === 'string') str = value;
  else if (typeof value === 'boolean') str = value ? 'true' : 'false';
  else if (typeof value === 'number') str = goFormatFloatUpper(value);
  else return false;
  const matched = wildcardMatch(pattern, str);
  return op === '!' ? !matched : matched;
}

/** Integers print plainly; floats as Go's `FormatFloat(v, 'E', -1, 64)`. */
function goFormatFloatUpper(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const [mantissa, e] = value.toExponential().split('e');
  const exponent = Number(e);
  return `${mantissa}E${exponent < 0 ? '-' : '+'}${String(
    Math.abs(exponent),
  ).padStart(2, '0')}`;
}
