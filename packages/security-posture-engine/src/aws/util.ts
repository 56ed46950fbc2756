/**
 * Small, defensive readers for untrusted JSON: every helper accepts `unknown` and
 * returns a value of the promised type or `undefined`, never throws.
 */

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

const EMPTY_LIST: readonly never[] = Object.freeze([]);

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A boolean, also from `"true"`/`"false"` strings (AWS Config often stringifies). */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return undefined;
}

/** A finite number, also from numeric strings. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The value when it is an array, else an empty (shared, frozen) array. */
export function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY_LIST;
}

/** Strings of a string-or-list value (`"a"` → `["a"]`); other items are dropped. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) if (typeof item === 'string') out.push(item);
  return out;
}

/** First element of a Terraform nested block list (`versioning[0]`), when it is an object. */
export function block(value: unknown): JsonObject | undefined {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

/** Lower-cased keys of objects already searched case-insensitively. */
const lowerKeys = new WeakMap<object, Map<string, string>>();

/**
 * Key of `obj` matching one of `names`, case-insensitively (AWS Config spells the same
 * field `dBInstanceIdentifier`, `DBInstanceIdentifier` or `dbInstanceIdentifier`
 * depending on the API that produced the item). Exact matches win.
 */
export function ciKey(obj: JsonObject, ...names: string[]): string | undefined {
  for (const name of names) if (name in obj) return name;
  let lower = lowerKeys.get(obj);
  if (lower === undefined) {
    lower = new Map();
    for (const key of Object.keys(obj)) {
      const k = key.toLowerCase();
      if (!lower.has(k)) lower.set(k, key);
    }
    lowerKeys.set(obj, lower);
  }
  for (const name of names) {
    const key = lower.get(name.toLowerCase());
    if (key !== undefined) return key;
  }
  return undefined;
}

/** Value of the first key of `obj` matching one of `names` case-insensitively. */
export function ci(obj: unknown, ...names: string[]): unknown {
  if (!isObject(obj)) return undefined;
  const key = ciKey(obj, ...names);
  return key === undefined ? undefined : obj[key];
}

/** Parses a JSON string; `undefined` when it is not a string or not valid JSON. */
export function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/**
 * An object given either as an object or as a JSON string of one (AWS Config's
 * `configuration` and `supplementaryConfiguration` values). URL-encoded JSON (IAM
 * policy documents in AWS Config) is decoded too.
 */
export function objectOrJson(value: unknown): JsonObject | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseJson(trimmed);
    return isObject(parsed) ? parsed : undefined;
  }
  if (trimmed.startsWith('%7B') || trimmed.startsWith('%7b')) {
    try {
      const parsed = parseJson(decodeURIComponent(trimmed));
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Appends a property or index segment to an evidence path. */
export function joinPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  const safe = /^[A-Za-z_$][\w$-]*$/.test(segment)
    ? segment
    : `[${JSON.stringify(segment)}]`;
  if (safe.startsWith('[')) return `${base}${safe}`;
  return base === '' ? safe : `${base}.${safe}`;
}

/** Tags from a `{k: v}` map or a `[{key, value}]` list (either spelling). */
export function readTags(value: unknown): Record<string, string> | undefined {
  if (isObject(value)) {
    const out: Record<string, string> = {};
    let any = false;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string') {
        out[k] = v;
        any = true;
      } else if (typeof v === 'number' || typeof v === 'boolean') {
        out[k] = String(v);
        any = true;
      }
    }
    return any ? out : {};
  }
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const item of value) {
      const k = str(ci(item, 'key'));
      const v = ci(item, 'value');
      if (k !== undefined && (typeof v === 'string' || typeof v === 'number')) {
        out[k] = String(v);
      }
    }
    return out;
  }
  return undefined;
}

/** Shared empty list for precomputed index lists, so passing resources allocate nothing. */
export const NONE: readonly number[] = Object.freeze([]);
