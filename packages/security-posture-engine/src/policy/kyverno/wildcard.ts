/**
 * Kyverno's wildcard matching: `*` matches any sequence of characters (also none),
 * `?` matches exactly one character. There is no escaping; every other character
 * matches itself. Used for names, namespaces, kinds, image names, label values,
 * pattern strings and the `In`-family condition operators.
 */

/** True when `value` matches the wildcard `pattern`. */
export function wildcardMatch(pattern: string, value: string): boolean {
  // Fast paths for the common cases.
  if (pattern === '*') return true;
  if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
    return pattern === value;
  }
  // Greedy matching with a single backtrack point (the last `*` seen).
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  const pl = pattern.length;
  const vl = value.length;
  while (v < vl) {
    if (p < pl && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pl && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pl && pattern[p] === '*') p++;
  return p === pl;
}

/** True when the string contains a wildcard character. */
export function containsWildcard(value: string): boolean {
  return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
}
