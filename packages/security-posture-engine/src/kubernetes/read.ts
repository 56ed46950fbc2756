/**
 * Defensive readers for parsed Kubernetes documents: every value read from a
 * document is checked before use, so malformed input is normalised (numbers where
 * strings are expected become strings, `"true"` becomes `true`) or dropped, never
 * a throw. No reader recurses into values of unbounded depth.
 */

/** A parsed JSON/YAML object. */
export type JsonObject = Record<string, unknown>;

/** Shared empty values, so absent fields allocate nothing. */
export const EMPTY_ARRAY: readonly never[] = Object.freeze([]);
export const EMPTY_OBJECT: Readonly<JsonObject> = Object.freeze({});

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or undefined when it is absent or not an object. */
export function obj(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

/** The array at `value`, or undefined when it is absent or not an array. */
export function arr(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A string; numbers and booleans are converted (YAML `version: 1`). */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A boolean; the strings `"true"` and `"false"` are accepted. */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** An integer; integral numeric strings (`"0"`) are accepted. */
export function int(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value : undefined;
  }
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** An integer or a string (`targetPort`, `port` in NetworkPolicy). */
export function intOrString(value: unknown): number | string | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value : undefined;
  }
  return typeof value === 'string' ? value : undefined;
}

/** An array of strings; scalar items are converted, other items dropped. */
export function strArray(value: unknown): string[] {
  if (!Array.isArray(value)) {
    const single = typeof value === 'string' ? value : undefined;
    return single === undefined ? [] : [single];
  }
  const out: string[] = [];
  for (const item of value) {
    const s = str(item);
    if (s !== undefined) out.push(s);
  }
  return out;
}

/** A string → string map (labels, annotations, selectors); non-scalar values dropped. */
export function strMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    const s = str(value[key]);
    if (s !== undefined) out[key] = s;
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Appends a key to an evidence path: `a.b` for identifiers, `a["app.kubernetes.io/name"]`
 * for anything else.
 */
export function joinPath(prefix: string, key: string): string {
  if (IDENTIFIER.test(key)) return prefix ? `${prefix}.${key}` : key;
  return `${prefix}[${JSON.stringify(key)}]`;
}
