/**
 * Kyverno anchors on pattern keys:
 *
 * | anchor | name | meaning in `validate` |
 * |---|---|---|
 * | `(key)` | conditional | if the key is absent or its value does not match, the enclosing block does not apply (skip) |
 * | `<(key)` | global | if the value does not match, the whole rule does not apply (skip) |
 * | `=(key)` | equality | optional: only checked when the key is present |
 * | `X(key)` | negation | the key must be absent |
 * | `^(key)` | existence | at least one element of the list must match |
 * | `+(key)` | add-if-absent | mutate only; not valid in `validate` |
 */

/** Anchor modifiers. `''` is the conditional anchor `(key)`. */
export type AnchorType = '' | '<' | 'X' | '+' | '=' | '^';

/** A parsed anchor key. */
export interface Anchor {
  type: AnchorType;
  key: string;
}

const ANCHOR_RE = /^([+<=X^])?\((.+)\)$/s;

const ANCHOR_CACHE = new Map<string, Anchor | undefined>();

/** Parses a pattern key; `undefined` when it is a plain key. */
export function parseAnchor(key: string): Anchor | undefined {
  if (key.indexOf('(') < 0) return undefined;
  if (ANCHOR_CACHE.has(key)) return ANCHOR_CACHE.get(key);
  const m = ANCHOR_RE.exec(key.trim());
  const anchor = m
    ? { type: (m[1] ?? '') as AnchorType, key: m[2] }
    : undefined;
  if (ANCHOR_CACHE.size > 10_000) ANCHOR_CACHE.clear();
  ANCHOR_CACHE.set(key, anchor);
  return anchor;
}

/** The key written with its anchor. */
export function anchorString(type: AnchorType, key: string): string {
  return `${type}(${key})`;
}

/** Human name of an anchor type, for messages. */
export function anchorName(type: AnchorType): string {
  switch (type) {
    case '':
      return 'conditional';
    case '<':
      return 'global';
    case 'X':
      return 'negation';
    case '+':
      return 'add-if-absent';
    case '=':
      return 'equality';
    case '^':
      return 'existence';
    default:
      return 'unknown';
  }
}

/** Removes anchors from every segment of a `/`-separated path. */
export function removeAnchorsFromPath(path: string): string {
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((p, i) => !(i === 0 && p === ''));
  const cleaned = parts.map(p => parseAnchor(p)?.key ?? p);
  const joined = cleaned.filter(p => p !== '').join('/');
  return absolute ? `/${joined}` : joined;
}

/** Finds `+()` anchors in a pattern tree (they are only meaningful in mutate rules). */
export function findAddIfAbsentAnchors(pattern: unknown, path = ''): string[] {
  const found: string[] = [];
  if (Array.isArray(pattern)) {
    pattern.forEach((p, i) =>
      found.push(...findAddIfAbsentAnchors(p, `${path}/${i}`)),
    );
  } else if (typeof pattern === 'object' && pattern !== null) {
    for (const [k, v] of Object.entries(pattern)) {
      if (parseAnchor(k)?.type === '+') found.push(`${path}/${k}`);
      found.push(...findAddIfAbsentAnchors(v, `${path}/${k}`));
    }
  }
  return found;
}
