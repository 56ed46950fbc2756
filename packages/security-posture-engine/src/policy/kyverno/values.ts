/**
 * Small helpers over JSON values shared by the Kyverno engine: Go-compatible
 * string conversions (Kyverno stringifies values with Go's `fmt.Sprint`), deep
 * equality and type tests.
 */

/** A JSON value as produced by YAML/JSON parsing. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** True for plain objects (not arrays, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Go's `%v` for a float64 (`strconv.FormatFloat(v, 'g', -1, 64)`): the shortest
 * representation, in exponent form (`1e+06`) when the decimal exponent is < -4 or
 * >= 6.
 */
export function goFormatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, e] = value.toExponential().split('e');
  const exponent = Number(e);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(value);
}

/** Go's `fmt.Sprint` of a JSON value (numbers are float64, as in Kyverno's context). */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFormatFloat(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(goSprint).join(' ')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map(k => `${k}:${goSprint(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** Deep equality of JSON values (object key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!deepEqual(a[i], b[i])) return false;
    }
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
      if (!deepEqual(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

/** JSON-compatible deep copy. */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as unknown as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const k of Object.keys(value)) out[k] = deepCopy(value[k]);
    return out as unknown as T;
  }
  return value;
}

/** JSON text of a value, as Go's encoder writes it (compact). */
export function toJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}
