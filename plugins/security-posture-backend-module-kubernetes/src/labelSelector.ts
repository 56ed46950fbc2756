/**
 * One requirement of a Kubernetes label selector.
 * @public
 */
export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: readonly string[] };

/**
 * A parsed label selector: every requirement must hold (an empty selector matches
 * everything, as in the API server).
 * @public
 */
export interface LabelSelector {
  requirements: readonly LabelRequirement[];
  /** The selector as written. */
  text: string;
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new Error(`unbalanced ")" in "${text}"`);
  }
  if (depth !== 0) throw new Error(`unbalanced "(" in "${text}"`);
  parts.push(text.slice(start));
  return parts;
}

function checkKey(key: string, text: string): string {
  if (!KEY.test(key) || key.length > 317) {
    throw new Error(`invalid label key "${key}" in "${text}"`);
  }
  return key;
}

function checkValue(value: string, text: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw new Error(`invalid label value "${value}" in "${text}"`);
  }
  return value;
}

/**
 * Parses a label selector in the syntax `kubectl -l` and the
 * `backstage.io/kubernetes-label-selector` annotation use: `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, joined by commas. Throws on anything
 * else, with the offending part in the message.
 * @public
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements: LabelRequirement[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return { requirements, text };
  for (const raw of splitTopLevel(trimmed)) {
    const part = raw.trim();
    if (part === '') throw new Error(`empty requirement in "${text}"`);
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set) {
      const values = set[3].split(',').map(v => checkValue(v.trim(), text));
      requirements.push({
        key: checkKey(set[1], text),
        op: set[2] as 'in' | 'notin',
        values,
      });
      continue;
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (eq) {
      requirements.push({
        key: checkKey(eq[1], text),
        op: eq[2] === '!=' ? 'notin' : 'in',
        values: [checkValue(eq[3].trim(), text)],
      });
      continue;
    }
    if (part.startsWith('!')) {
      requirements.push({
        key: checkKey(part.slice(1).trim(), text),
        op: 'notexists',
      });
      continue;
    }
    requirements.push({ key: checkKey(part, text), op: 'exists' });
  }
  return { requirements, text };
}

/**
 * Whether labels satisfy a selector (API server semantics: `!=` and `notin` also
 * match objects without the label).
 * @public
 */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  for (const r of selector.requirements) {
    const value = labels?.[r.key];
    switch (r.op) {
      case 'exists':
        if (value === undefined) return false;
        break;
      case 'notexists':
        if (value !== undefined) return false;
        break;
      case 'in':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * An equality requirement (`key=value`) every matching object must carry, used to
 * index selectors; `undefined` when the selector has none.
 */
export function indexKeyOf(selector: LabelSelector): string | undefined {
  for (const r of selector.requirements) {
    if (r.op === 'in' && r.values.length === 1) {
      return `${r.key}=${r.values[0]}`;
    }
  }
  return undefined;
}
