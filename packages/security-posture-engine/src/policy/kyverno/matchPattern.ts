/**
 * Structural matching of a resource against a Kyverno `validate.pattern`, with the
 * anchor semantics of Kyverno's engine: anchors of a map are evaluated before its
 * plain keys, conditional and global anchors turn a mismatch into "not applicable",
 * every element of a resource list must match the (first) map element of a pattern
 * list, and so on.
 */
import { Anchor, AnchorType, anchorString, parseAnchor } from './anchors';
import { validateValue } from './valuePattern';
import { isObject, JsonObject } from './values';
import { containsWildcard, wildcardMatch } from './wildcard';

/** Why a pattern did not match. */
export type PatternError =
  | {
      kind: 'anchor';
      anchor: 'conditional' | 'global' | 'negation';
      message: string;
    }
  | { kind: 'nested-skip'; message: string }
  | { kind: 'mismatch'; message: string };

interface Failure {
  path: string;
  error: PatternError;
}

/** The outcome of matching one pattern. */
export type PatternResult =
  | { status: 'pass' }
  | { status: 'skip'; message: string }
  | {
      status: 'fail';
      /** Kyverno's path of the mismatch (`/spec/containers/0/image/`). */
      path: string;
      /** The same as a dotted path (`spec.containers[0].image`). */
      evidencePath: string;
      message: string;
    }
  | { status: 'error'; message: string };

const PASS_RESULT: PatternResult = Object.freeze({ status: 'pass' as const });

/** Escapes a key for the internal `/`-separated path (`/` → `~1`, `~` → `~0`). */
function seg(key: string): string {
  return key.indexOf('/') < 0 && key.indexOf('~') < 0
    ? key
    : key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The path as Kyverno prints it (keys unescaped). */
function raw(path: string): string {
  return path.indexOf('~') < 0
    ? path
    : path.replace(/~1/g, '/').replace(/~0/g, '~');
}

function isSkip(e: PatternError): boolean {
  return (
    e.kind === 'nested-skip' ||
    (e.kind === 'anchor' &&
      (e.anchor === 'conditional' || e.anchor === 'global'))
  );
}

function isDirectAnchorSkip(e: PatternError): boolean {
  return e.kind === 'anchor' && isSkip(e);
}

function anchorError(
  anchor: 'conditional' | 'global' | 'negation',
  message: string,
): PatternError {
  const prefix =
    anchor === 'negation'
      ? 'negation anchor matched in resource'
      : `${anchor} anchor mismatch`;
  return { kind: 'anchor', anchor, message: `${prefix}: ${message}` };
}

function mismatch(path: string, message: string): Failure {
  return { path, error: { kind: 'mismatch', message } };
}

/** Tracks, per anchor key, whether the key was ever present in the resource. */
class AnchorPresence {
  private readonly seen = new Map<string, boolean>();

  check(pattern: JsonObject, resource: JsonObject): void {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if (!a || (a.type !== '' && a.type !== '^' && a.type !== 'X')) continue;
      if (this.seen.get(key) === true) continue;
      this.seen.set(key, Object.prototype.hasOwnProperty.call(resource, a.key));
    }
  }

  keysAreMissing(): boolean {
    for (const [key, present] of this.seen) {
      if (!present && parseAnchor(key)?.type !== 'X') return true;
    }
    return false;
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return 'array';
  if (isObject(value)) return 'map';
  return typeof value;
}

/**
 * Matches `resource` against `pattern` (both JSON) and returns pass, skip (the
 * rule does not apply: a conditional or global anchor did not match), fail (with
 * the `/`-separated path of the mismatch) or error (a pattern that could not be
 * applied, e.g. an anchored key missing from the resource).
 */
export function matchPattern(
  resource: unknown,
  pattern: unknown,
): PatternResult {
  const ac = new AnchorPresence();
  const failure = validateElement(resource, pattern, '/', ac);
  if (!failure) return PASS_RESULT;
  const { error } = failure;
  if (isSkip(error)) return { status: 'skip', message: error.message };
  const fail: PatternResult = {
    status: 'fail',
    path: raw(failure.path),
    evidencePath: toEvidencePath(failure.path),
    message: error.message,
  };
  if (error.kind === 'anchor' && error.anchor === 'negation') return fail;
  if (ac.keysAreMissing()) return { status: 'error', message: error.message };
  return fail;
}

function validateElement(
  resource: unknown,
  pattern: unknown,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return mismatch(
        path,
        `pattern and resource have different structures. Path: ${raw(
          path,
        )}. Expected map, found ${typeName(resource)}`,
      );
    }
    ac.check(pattern, resource);
    return validateMap(resource, pattern, path, ac);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return mismatch(
        path,
        `validation rule failed at path ${raw(
          path,
        )}, resource does not satisfy the expected overlay pattern`,
      );
    }
    return validateArray(resource, pattern, path, ac);
  }
  if (
    pattern === null ||
    typeof pattern === 'string' ||
    typeof pattern === 'number' ||
    typeof pattern === 'boolean'
  ) {
    if (Array.isArray(resource)) {
      for (const item of resource) {
        if (!validateValue(item, pattern)) {
          return mismatch(
            path,
            `resource value '${describe(resource)}' does not match '${describe(
              pattern,
            )}' at path ${raw(path)}`,
          );
        }
      }
      return undefined;
    }
    if (!validateValue(resource, pattern)) {
      return mismatch(
        path,
        `resource value '${describe(resource)}' does not match '${describe(
          pattern,
        )}' at path ${raw(path)}`,
      );
    }
    return undefined;
  }
  return mismatch(
    path,
    `failed at '${raw(path)}', pattern contains unknown type`,
  );
}

function hasNestedAnchors(pattern: unknown): boolean {
  if (isObject(pattern)) {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if (a && a.type !== '+') return true;
    }
    return Object.values(pattern).some(hasNestedAnchors);
  }
  if (Array.isArray(pattern)) return pattern.some(hasNestedAnchors);
  return false;
}

function validateMap(
  resource: JsonObject,
  patternIn: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  const pattern = expandWildcardsInMetadata(patternIn, resource);
  const { anchorKeys, plainKeys } = keyOrder(pattern);

  // Phase 1: anchors
  const skipErrors: PatternError[] = [];
  let applyCount = 0;
  for (const key of anchorKeys) {
    const failure = handleKey(key, pattern[key], resource, path, ac);
    if (failure) {
      if (isSkip(failure.error)) {
        skipErrors.push(failure.error);
        continue;
      }
      if (!skipErrors.some(isDirectAnchorSkip)) return failure;
      continue;
    }
    applyCount++;
  }
  if (skipErrors.length > 0) {
    if (applyCount === 0 || skipErrors.some(isDirectAnchorSkip)) {
      return {
        path,
        error: {
          kind: 'nested-skip',
          message: skipErrors.map(e => e.message).join('; '),
        },
      };
    }
  }

  // Phase 2: plain keys; global anchors and keys with nested anchors first
  for (const key of plainKeys) {
    const failure = handleKey(key, pattern[key], resource, path, ac);
    if (failure) return failure;
  }
  return undefined;
}

const KEY_ORDER = new WeakMap<
  JsonObject,
  { anchorKeys: string[]; plainKeys: string[] }
>();

/**
 * The order Kyverno visits a pattern map in: anchors (sorted), then plain keys with
 * global anchors and nested anchors first (in reverse sorted order), then the rest.
 */
function keyOrder(pattern: JsonObject): {
  anchorKeys: string[];
  plainKeys: string[];
} {
  let order = KEY_ORDER.get(pattern);
  if (order) return order;
  const anchorKeys: string[] = [];
  const plain: string[] = [];
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (
      a &&
      (a.type === '' || a.type === '^' || a.type === '=' || a.type === 'X')
    ) {
      anchorKeys.push(key);
    } else {
      plain.push(key);
    }
  }
  anchorKeys.sort(compareGoStrings);
  plain.sort(compareGoStrings);
  const front: string[] = [];
  const back: string[] = [];
  for (const key of plain) {
    const a = parseAnchor(key);
    if ((a && a.type === '<') || hasNestedAnchors(pattern[key])) {
      front.unshift(key);
    } else {
      back.push(key);
    }
  }
  order = { anchorKeys, plainKeys: [...front, ...back] };
  KEY_ORDER.set(pattern, order);
  return order;
}

/** Go's `sort.Strings` order (byte order of UTF-8; UTF-16 order is the same for BMP text). */
function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function has(resource: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(resource, key);
}

function handleKey(
  key: string,
  pattern: unknown,
  resource: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  const a = parseAnchor(key);
  if (a) {
    switch (a.type) {
      case '':
        return handleConditional(a, pattern, resource, path, ac);
      case '<':
        return handleGlobal(a, pattern, resource, path, ac);
      case '^':
        return handleExistence(a, pattern, resource, path, ac);
      case '=':
        return handleEquality(a, pattern, resource, path, ac);
      case 'X':
        return handleNegation(a, resource, path);
      default:
        break; // `+()` falls through to a plain key, as in Kyverno
    }
  }
  const currentPath = `${path}${seg(key)}/`;
  const value = has(resource, key) ? resource[key] : null;
  if (pattern === '*') {
    if (value !== null && value !== undefined) return undefined;
    return mismatch(path, `${raw(path)}/${key} not found`);
  }
  return validateElement(value, pattern, currentPath, ac);
}

function handleConditional(
  a: Anchor,
  pattern: unknown,
  resource: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  const currentPath = `${path}${seg(a.key)}/`;
  if (!has(resource, a.key)) {
    return {
      path: currentPath,
      error: anchorError(
        'conditional',
        "conditional anchor key doesn't exist in the resource",
      ),
    };
  }
  const failure = validateElement(resource[a.key], pattern, currentPath, ac);
  if (failure) {
    return {
      path: failure.path,
      error: anchorError('conditional', failure.error.message),
    };
  }
  return undefined;
}

function handleGlobal(
  a: Anchor,
  pattern: unknown,
  resource: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  const currentPath = `${path}${seg(a.key)}/`;
  if (!has(resource, a.key)) return undefined;
  const failure = validateElement(resource[a.key], pattern, currentPath, ac);
  if (failure) {
    return {
      path: failure.path,
      error: anchorError('global', failure.error.message),
    };
  }
  return undefined;
}

function handleEquality(
  a: Anchor,
  pattern: unknown,
  resource: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  if (!has(resource, a.key)) return undefined;
  return validateElement(resource[a.key], pattern, `${path}${seg(a.key)}/`, ac);
}

function handleNegation(
  a: Anchor,
  resource: JsonObject,
  path: string,
): Failure | undefined {
  const currentPath = `${path}${seg(a.key)}/`;
  if (has(resource, a.key)) {
    return {
      path: currentPath,
      error: anchorError('negation', `${raw(currentPath)} is not allowed`),
    };
  }
  return undefined;
}

function handleExistence(
  a: Anchor,
  pattern: unknown,
  resource: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  const currentPath = `${path}${seg(a.key)}/`;
  if (!has(resource, a.key)) return undefined;
  const value = resource[a.key];
  if (!Array.isArray(value)) {
    return mismatch(
      currentPath,
      `invalid resource type ${typeName(
        value,
      )}: Existence ^ () anchor can be used only on list/array type resource`,
    );
  }
  if (!Array.isArray(pattern)) {
    return mismatch(
      currentPath,
      `invalid pattern type ${typeName(
        pattern,
      )}: Pattern has to be of list to compare against resource`,
    );
  }
  for (const element of pattern) {
    if (!isObject(element)) {
      return mismatch(
        currentPath,
        `invalid pattern type ${typeName(
          element,
        )}: Pattern has to be of type map to compare against items in resource`,
      );
    }
    const found = value.some(
      (item, i) => !validateElement(item, element, `${currentPath}${i}/`, ac),
    );
    if (!found) {
      return mismatch(
        currentPath,
        `existence anchor validation failed at path ${raw(currentPath)}`,
      );
    }
  }
  return undefined;
}

function validateArray(
  resource: unknown[],
  pattern: unknown[],
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  if (pattern.length === 0) return mismatch(path, 'pattern Array empty');
  const first = pattern[0];
  if (isObject(first)) return validateArrayOfMaps(resource, first, path, ac);
  if (
    first === null ||
    typeof first === 'string' ||
    typeof first === 'number' ||
    typeof first === 'boolean'
  ) {
    return validateElement(resource, first, path, ac);
  }
  // lists of lists: element by element
  if (resource.length < pattern.length) {
    return mismatch(
      '',
      `validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`,
    );
  }
  let applyCount = 0;
  const skipErrors: PatternError[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const failure = validateElement(
      resource[i],
      pattern[i],
      `${path}${i}/`,
      ac,
    );
    if (failure) {
      if (isSkip(failure.error)) {
        skipErrors.push(failure.error);
        continue;
      }
      return failure;
    }
    applyCount++;
  }
  if (applyCount === 0 && skipErrors.length > 0) {
    return {
      path,
      error: {
        kind: 'nested-skip',
        message: skipErrors.map(e => e.message).join('; '),
      },
    };
  }
  return undefined;
}

function validateArrayOfMaps(
  resource: unknown[],
  pattern: JsonObject,
  path: string,
  ac: AnchorPresence,
): Failure | undefined {
  let applyCount = 0;
  const skipErrors: PatternError[] = [];
  for (let i = 0; i < resource.length; i++) {
    const failure = validateElement(resource[i], pattern, `${path}${i}/`, ac);
    if (failure) {
      if (isSkip(failure.error)) {
        skipErrors.push(failure.error);
        continue;
      }
      return failure;
    }
    applyCount++;
  }
  if (applyCount === 0 && skipErrors.length > 0) {
    return {
      path,
      error: {
        kind: 'nested-skip',
        message: skipErrors.map(e => e.message).join('; '),
      },
    };
  }
  return undefined;
}

/**
 * Wildcard keys under `metadata.labels` / `metadata.annotations` of a pattern are
 * replaced by the matching keys of the resource (anchors kept), so that
 * `=(container.apparmor.security.beta.kubernetes.io/*): ...` checks every matching
 * annotation. (Kyverno picks one matching key at random when several match; this
 * engine checks all of them, which gives the same result when only one matches.)
 */
function expandWildcardsInMetadata(
  pattern: JsonObject,
  resource: JsonObject,
): JsonObject {
  const metaKey = findKey(pattern, 'metadata');
  if (metaKey === undefined) return pattern;
  const patternMeta = pattern[metaKey];
  const resourceMeta = resource.metadata;
  if (!isObject(patternMeta) || !isObject(resourceMeta)) return pattern;
  let newMeta: JsonObject | undefined;
  for (const tag of ['labels', 'annotations']) {
    const tagKey = findKey(patternMeta, tag);
    if (tagKey === undefined) continue;
    const patternData = patternMeta[tagKey];
    const resourceData = resourceMeta[tag];
    if (!isObject(patternData) || !isObject(resourceData)) continue;
    if (!Object.keys(patternData).some(containsWildcard)) continue;
    const expanded: JsonObject = {};
    for (const [k, v] of Object.entries(patternData)) {
      if (typeof v !== 'string') continue; // as Kyverno: only string values are kept
      if (!containsWildcard(k)) {
        expanded[k] = v;
        continue;
      }
      const a = parseAnchor(k);
      const bare = a ? a.key : k;
      const matches = Object.keys(resourceData).filter(rk =>
        wildcardMatch(bare, rk),
      );
      if (matches.length === 0) {
        expanded[k] = v;
      } else {
        for (const m of matches) {
          expanded[a ? anchorString(a.type as AnchorType, m) : m] = v;
        }
      }
    }
    newMeta = { ...(newMeta ?? patternMeta), [tagKey]: expanded };
  }
  if (!newMeta) return pattern;
  return { ...pattern, [metaKey]: newMeta };
}

function findKey(map: JsonObject, tag: string): string | undefined {
  for (const k of Object.keys(map)) {
    if (k === tag || parseAnchor(k)?.key === tag) return k;
  }
  return undefined;
}

/** Converts a Kyverno failure path (`/spec/containers/0/image/`) to `spec.containers[0].image`. */
export function toEvidencePath(path: string): string {
  const parts = path.split('/').filter(p => p !== '');
  let out = '';
  for (const part of parts) {
    const unescaped = part.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = parseAnchor(unescaped)?.key ?? unescaped;
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}
