/**
 * Kyverno variable substitution: `{{ jmespath }}` in strings and keys (a string that
 * is exactly one variable takes the variable's type), `{{- … }}` shallow
 * substitution, `\{{` escapes, and `$(path)` references to other values of the same
 * pattern.
 */
import { operatorOf } from './valuePattern';
import { isObject, JsonValue } from './values';
import { removeAnchorsFromPath } from './anchors';

/** Evaluates a JMESPath expression against the current context. */
export type VariableQuery = (expression: string) => unknown;

/** A variable that could not be resolved. */
export class VariableSubstitutionError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'VariableSubstitutionError';
  }
}

const VARIABLES_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const VARIABLE_INIT_RE = /^\{\{(\{[^{}]*\}|[^{}])*\}\}/;
const REFERENCES_RE = /^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)/g;
const ESCAPED_REFERENCES_RE = /\\\$\(.[^ )]*\)/g;

/** True when the text contains a `{{ }}` variable. */
export function hasVariables(text: string): boolean {
  VARIABLES_RE.lastIndex = 0;
  const found = VARIABLES_RE.test(text);
  VARIABLES_RE.lastIndex = 0;
  return found;
}

/** The variable expressions used in a document (for diagnostics). */
export function findVariables(document: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(VARIABLES_RE)) {
        out.push(stripBraces(m[2]).variable);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        visit(k);
        visit(x);
      }
    }
  };
  visit(document);
  return out;
}

function stripBraces(v: string): { variable: string; shallow: boolean } {
  let variable = v.replace(/\{\{/g, '').replace(/\}\}/g, '').trim();
  if (variable.startsWith('-')) {
    variable = variable.slice(1).trim();
    return { variable, shallow: true };
  }
  return { variable, shallow: false };
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value === undefined ? null : value);
}

/** Substitutes the variables of one string. A string that is only a variable returns the variable's value. */
export function substituteString(
  text: string,
  query: VariableQuery,
  path = '',
): unknown {
  if (text.indexOf('{{') < 0) return text;
  let value = text;
  let vars = [...value.matchAll(VARIABLES_RE)].map(m => m[0]);
  let guard = 0;
  while (vars.length > 0) {
    if (++guard > 100) {
      throw new VariableSubstitutionError(
        `variable substitution did not terminate at path ${path}`,
      );
    }
    const originalPattern = value;
    let shallow = false;
    for (const old of vars) {
      const initial = VARIABLE_INIT_RE.test(old);
      const v = initial ? old : old.slice(1);
      const parsed = stripBraces(v);
      shallow = parsed.shallow;
      let variable = parsed.variable;
      if (variable === '@') {
        variable = atPath(path);
      }
      let substituted: unknown;
      try {
        substituted = query(variable);
      } catch (e) {
        throw new VariableSubstitutionError(
          `failed to resolve ${variable} at path ${path}: ${
            (e as Error).message
          }`,
          e,
        );
      }
      if (originalPattern === v) return substituted;
      let replacement = stringify(substituted);
      if (shallow && substituted !== null && substituted !== undefined) {
        replacement = replacement.replace(/\{\{/g, '\\{{');
      }
      const prefix = initial ? '' : old[0];
      value = value.replace(prefix + v, () => prefix + replacement);
    }
    vars = shallow ? [] : [...value.matchAll(VARIABLES_RE)].map(m => m[0]);
  }
  return value.replace(/\\\{\{/g, '{{');
}

/** `{{@}}`: the JMESPath of the current position in `request.object`. */
function atPath(path: string): string {
  const parts = path
    .split('/')
    .filter(p => p !== '')
    .map(p => p.replace(/\\\//g, '/'));
  let out = 'request.object';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else out += `.${JSON.stringify(p)}`;
  }
  return out;
}

/**
 * Substitutes `$(…)` references and `{{…}}` variables everywhere in a JSON document
 * (values and keys). Returns a new document; throws `VariableSubstitutionError`.
 */
export function substituteAll(
  document: unknown,
  query: VariableQuery,
): unknown {
  if (!needsSubstitution(document)) return document;
  const withReferences = substituteReferences(document, document, '');
  return substituteVariablesIn(withReferences, query, '');
}

function substituteVariablesIn(
  node: unknown,
  query: VariableQuery,
  path: string,
): unknown {
  if (typeof node === 'string') return substituteString(node, query, path);
  if (Array.isArray(node)) {
    return node.map((v, i) => substituteVariablesIn(v, query, `${path}/${i}`));
  }
  if (isObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      let newKey: unknown = key;
      if (key.indexOf('{{') >= 0) {
        newKey = substituteString(key, query, path);
        if (typeof newKey !== 'string') {
          throw new VariableSubstitutionError(
            `expected string after substituting variables in key "${key}"`,
          );
        }
      }
      out[newKey as string] = substituteVariablesIn(
        value,
        query,
        `${path}/${key.replace(/\//g, '\\/')}`,
      );
    }
    return out;
  }
  return node;
}

function substituteReferences(
  node: unknown,
  document: unknown,
  path: string,
): unknown {
  if (typeof node === 'string')
    return resolveReferencesIn(node, document, path);
  if (Array.isArray(node)) {
    return node.map((v, i) =>
      substituteReferences(v, document, `${path}/${i}`),
    );
  }
  if (isObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const newKey =
        key.indexOf('$(') >= 0
          ? (resolveReferencesIn(key, document, path) as string)
          : key;
      out[newKey] = substituteReferences(
        value,
        document,
        `${path}/${key.replace(/\//g, '\\/')}`,
      );
    }
    return out;
  }
  return node;
}

function resolveReferencesIn(
  text: string,
  document: unknown,
  path: string,
): string {
  if (text.indexOf('$(') < 0) return text;
  let value = text;
  for (const m of text.matchAll(REFERENCES_RE)) {
    const old = m[0];
    const initial = old.startsWith('$(');
    const reference = initial ? old : old.slice(1);
    const resolved = resolveReference(document, reference, path);
    if (resolved === undefined || resolved === null) {
      throw new VariableSubstitutionError(
        `got nil resolved variable ${reference} at path ${path}`,
      );
    }
    if (typeof resolved !== 'string') {
      throw new VariableSubstitutionError(
        `reference ${reference} not resolved at path ${path}`,
      );
    }
    const replacement = (initial ? '' : old[0]) + resolved;
    value = value.replace(old, () => replacement);
  }
  for (const m of value.matchAll(ESCAPED_REFERENCES_RE)) {
    value = value.split(m[0]).join(m[0].slice(1));
  }
  return value;
}

function joinPath(base: string, relative: string): string {
  const segments = (relative.startsWith('/') ? relative : `${base}/${relative}`)
    .split('/')
    .filter(s => s !== '' && s !== '.');
  const out: string[] = [];
  for (const s of segments) {
    if (s === '..') out.pop();
    else out.push(s);
  }
  return `/${out.join('/')}`;
}

function resolveReference(
  document: unknown,
  reference: string,
  path: string,
): unknown {
  let inner = reference.replace(/^\$\(/, '').replace(/\)$/, '');
  const op = operatorOf(inner);
  inner = inner.slice(op.length);
  if (inner.length === 0) {
    throw new VariableSubstitutionError('expected path, found empty reference');
  }
  const target = joinPath(path, inner);
  let found: unknown;
  const visit = (node: unknown, p: string) => {
    if (removeAnchorsFromPath(p) === target) found = node;
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, `${p}/${i}`));
    else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) visit(v, `${p}/${k}`);
    }
  };
  visit(document, '');
  if (op === '') return found;
  if (typeof found === 'string') return op + found;
  if (typeof found === 'number') {
    return op + (Number.isInteger(found) ? String(found) : found.toFixed(6));
  }
  throw new VariableSubstitutionError(
    `incorrect expression: operator ${op} does not match with value ${JSON.stringify(
      found,
    )}`,
  );
}

const NEEDS = new WeakMap<object, boolean>();

function textNeeds(text: string): boolean {
  return text.indexOf('{{') >= 0 || text.indexOf('$(') >= 0;
}

/** True when a document contains variables or references (cached per object). */
export function needsSubstitution(document: unknown): boolean {
  if (typeof document === 'string') return textNeeds(document);
  if (typeof document !== 'object' || document === null) return false;
  const cached = NEEDS.get(document);
  if (cached !== undefined) return cached;
  let needs = false;
  if (Array.isArray(document)) needs = document.some(needsSubstitution);
  else {
    for (const [k, v] of Object.entries(document)) {
      if (textNeeds(k) || needsSubstitution(v)) {
        needs = true;
        break;
      }
    }
  }
  NEEDS.set(document, needs);
  return needs;
}

/** Sets a dotted key (`request.operation`) in a context object, merging objects. */
export function setDotted(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  const parts = key.split('.');
  let node: Record<string, unknown> = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = node[parts[i]];
    if (!isObject(next)) {
      node[parts[i]] = {};
    } else {
      node[parts[i]] = { ...(next as Record<string, JsonValue>) };
    }
    node = node[parts[i]] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}
