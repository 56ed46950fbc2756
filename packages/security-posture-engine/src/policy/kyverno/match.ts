/**
 * Kyverno `match` / `exclude` evaluation: kinds (`Pod`, `v1/Pod`, `apps/v1/Deployment`,
 * `*`, `Pod/ephemeralcontainers`), names, namespaces, label and namespace selectors,
 * annotations and operations, with `any`/`all` blocks.
 */
import type {
  KyvernoLabelSelector,
  KyvernoMatchResources,
  KyvernoResourceDescription,
  KyvernoResourceFilter,
  KyvernoRule,
} from './types';
import { strMap } from '../../kubernetes/read';
import { isObject } from './values';
import { containsWildcard, wildcardMatch } from './wildcard';

/** The identity of the resource being matched. */
export interface MatchTarget {
  group: string;
  version: string;
  kind: string;
  subresource: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  namespaceLabels: Record<string, string>;
  operation: string;
}

/** Builds the match target of a Kubernetes object. */
export function matchTargetOf(
  resource: unknown,
  operation: string,
  namespaceLabels: Record<string, string> = {},
): MatchTarget {
  const r = isObject(resource) ? resource : {};
  const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const meta = isObject(r.metadata) ? r.metadata : {};
  let name = '';
  if (typeof meta.name === 'string' && meta.name !== '') name = meta.name;
  else if (typeof meta.generateName === 'string') name = meta.generateName;
  return {
    group: slash >= 0 ? apiVersion.slice(0, slash) : '',
    version: slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion,
    kind: typeof r.kind === 'string' ? r.kind : '',
    subresource: '',
    name,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    // Scalars as text; mappings and lists (never valid there) left out.
    labels: strMap(meta.labels) ?? {},
    annotations: strMap(meta.annotations) ?? {},
    namespaceLabels,
    operation,
  };
}

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

const KIND_SELECTORS = new Map<string, [string, string, string, string]>();

/** Kyverno's kind selector: `[group/]version/kind[/subresource]` or `kind[.subresource]`. */
export function parseKindSelector(
  input: string,
): [string, string, string, string] {
  let cached = KIND_SELECTORS.get(input);
  if (!cached) {
    cached = computeKindSelector(input);
    if (KIND_SELECTORS.size > 10_000) KIND_SELECTORS.clear();
    KIND_SELECTORS.set(input, cached);
  }
  return cached;
}

function computeKindSelector(input: string): [string, string, string, string] {
  let parts = input.split('/');
  if (parts.length > 0) {
    const last = parts[parts.length - 1].split('.');
    parts = [...parts.slice(0, -1), ...last];
  }
  switch (parts.length) {
    case 1:
      return ['*', '*', parts[0], ''];
    case 2:
      if (parts[0] === '*' && parts[1] === '*') return ['*', '*', '*', '*'];
      if (parts[0] === '*' && parts[1].toLowerCase() === parts[1]) {
        return ['*', '*', parts[0], parts[1]];
      }
      if (VERSION_RE.test(parts[0])) return ['*', parts[0], parts[1], ''];
      return ['*', '*', parts[0], parts[1]];
    case 3:
      if (VERSION_RE.test(parts[0])) return ['*', parts[0], parts[1], parts[2]];
      return [parts[0], parts[1], parts[2], ''];
    case 4:
      return [parts[0], parts[1], parts[2], parts[3]];
    default:
      return ['', '', '', ''];
  }
}

/** True when one of the kind selectors selects the target's group/version/kind. */
export function checkKind(kinds: string[], t: MatchTarget): boolean {
  for (const k of kinds) {
    const [group, version, kind, sub] = parseKindSelector(k);
    if (
      wildcardMatch(group, t.group) &&
      wildcardMatch(version, t.version) &&
      wildcardMatch(kind, t.kind)
    ) {
      if (wildcardMatch(sub, t.subresource)) return true;
      if (
        t.group === '' &&
        t.version === 'v1' &&
        t.kind === 'Pod' &&
        t.subresource === 'ephemeralcontainers'
      ) {
        return true;
      }
    }
  }
  return false;
}

/** The kind part of a selector (`apps/v1/Deployment` → `Deployment`). */
export function kindOfSelector(selector: string): string {
  const parts = selector.split('/');
  let kind: string;
  switch (parts.length) {
    case 1:
      kind = parts[0].replace('.', '/');
      break;
    case 2:
      if (parts[0] === '*' && parts[1] === '*') kind = '*/*';
      else if (VERSION_RE.test(parts[0])) kind = parts[1].replace('.', '/');
      else kind = `${parts[0]}/${parts[1]}`;
      break;
    case 3:
      kind = VERSION_RE.test(parts[0])
        ? `${parts[1]}/${parts[2]}`
        : parts[2].replace('.', '/');
      break;
    case 4:
      kind = `${parts[2]}/${parts[3]}`;
      break;
    default:
      kind = '';
  }
  const slash = kind.split('/');
  return slash.length === 2 ? slash[0] : kind;
}

/** Kyverno's `ContainsKind`: one of the selectors names exactly this kind. */
export function containsKind(
  selectors: string[] | undefined,
  kind: string,
): boolean {
  return (selectors ?? []).some(s => kindOfSelector(s) === kind);
}

/** Evaluates a label selector; throws on an invalid operator. */
export function selectorMatches(
  selector: KyvernoLabelSelector,
  labels: Record<string, string>,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    let key = k;
    let value = String(v);
    if (containsWildcard(key) || containsWildcard(value)) {
      const found = Object.entries(labels).find(
        ([lk, lv]) => wildcardMatch(key, lk) && wildcardMatch(value, lv),
      );
      if (found) [key, value] = found;
      else {
        key = key.replace(/[*?]/g, '0');
        value = value.replace(/[*?]/g, '0');
      }
    }
    if (
      !Object.prototype.hasOwnProperty.call(labels, key) ||
      labels[key] !== value
    ) {
      return false;
    }
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = (expr.values ?? []).map(String);
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`invalid label selector operator ${expr.operator}`);
    }
  }
  return true;
}

function isEmptyDescription(
  d: KyvernoResourceDescription | undefined,
): boolean {
  if (!d) return true;
  return (
    !(d.kinds && d.kinds.length) &&
    !d.name &&
    !(d.names && d.names.length) &&
    !(d.namespaces && d.namespaces.length) &&
    !d.annotations &&
    !d.selector &&
    !d.namespaceSelector &&
    !(d.operations && d.operations.length)
  );
}

function hasUserInfo(f: KyvernoResourceFilter): boolean {
  return !!(
    (f.subjects && f.subjects.length) ||
    (f.roles && f.roles.length) ||
    (f.clusterRoles && f.clusterRoles.length)
  );
}

/** Reasons a resource description does not select the target (empty: it does). */
function descriptionErrors(
  d: KyvernoResourceDescription,
  t: MatchTarget,
): string[] {
  if (d.operations && d.operations.length > 0) {
    if (!d.operations.includes(t.operation))
      return ['operation does not match'];
  }
  const errors: string[] = [];
  if (d.kinds && d.kinds.length > 0 && !checkKind(d.kinds, t)) {
    errors.push(`kind does not match ${JSON.stringify(d.kinds)}`);
  }
  if (d.name && !wildcardMatch(d.name, t.name))
    errors.push('name does not match');
  if (
    d.names &&
    d.names.length > 0 &&
    !d.names.some(n => wildcardMatch(n, t.name))
  ) {
    errors.push('none of the names match');
  }
  if (d.namespaces && d.namespaces.length > 0) {
    const ns = t.kind === 'Namespace' ? t.name : t.namespace;
    if (!d.namespaces.some(n => wildcardMatch(n, ns))) {
      errors.push('namespace does not match');
    }
  }
  if (d.annotations && Object.keys(d.annotations).length > 0) {
    const ok = Object.entries(d.annotations).every(([k, v]) =>
      Object.entries(t.annotations).some(
        ([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(String(v), av),
      ),
    );
    if (!ok) errors.push('annotations does not match');
  }
  if (d.selector) {
    try {
      if (!selectorMatches(d.selector, t.labels))
        errors.push('selector does not match');
    } catch (e) {
      errors.push(`failed to parse selector: ${(e as Error).message}`);
    }
  }
  if (d.namespaceSelector) {
    if (t.kind === 'Namespace') {
      errors.push(
        'namespace selector is not applicable for namespace resource',
      );
    } else {
      try {
        if (!selectorMatches(d.namespaceSelector, t.namespaceLabels)) {
          errors.push('namespace selector does not match labels');
        }
      } catch (e) {
        errors.push(
          `failed to parse namespace selector: ${(e as Error).message}`,
        );
      }
    }
  }
  return errors;
}

function matchFilterErrors(f: KyvernoResourceFilter, t: MatchTarget): string[] {
  // Without an admission request there is no user: user criteria are ignored in
  // `match` (as `kyverno apply/test` do) and a block with only user criteria is empty.
  if (isEmptyDescription(f.resources)) return ['match cannot be empty'];
  return descriptionErrors(f.resources!, t);
}

function excludeFilterExcludes(
  f: KyvernoResourceFilter,
  t: MatchTarget,
): boolean {
  if (isEmptyDescription(f.resources) && !hasUserInfo(f)) return false;
  // User criteria can never be satisfied without an admission request.
  if (hasUserInfo(f)) return false;
  return descriptionErrors(f.resources ?? {}, t).length === 0;
}

/** Why a rule does not apply to the target; `undefined` when it does. */
export function ruleMatchError(
  rule: KyvernoRule,
  t: MatchTarget,
  policyNamespace?: string,
): string | undefined {
  if (policyNamespace && policyNamespace !== t.namespace) {
    return 'policy and resource namespaces mismatch';
  }
  const match: KyvernoMatchResources = rule.match ?? {};
  const reasons: string[] = [];
  if (match.any && match.any.length > 0) {
    if (!match.any.some(f => matchFilterErrors(f, t).length === 0)) {
      reasons.push('no resource matched');
    }
  } else if (match.all && match.all.length > 0) {
    for (const f of match.all) reasons.push(...matchFilterErrors(f, t));
  } else {
    reasons.push(...matchFilterErrors(match, t));
  }
  const exclude = rule.exclude;
  if (reasons.length === 0 && exclude) {
    if (exclude.any && exclude.any.length > 0) {
      if (exclude.any.some(f => excludeFilterExcludes(f, t))) {
        reasons.push('resource excluded since one of the criteria excluded it');
      }
    } else if (exclude.all && exclude.all.length > 0) {
      if (exclude.all.every(f => excludeFilterExcludes(f, t))) {
        reasons.push(
          'resource excluded since the combination of all criteria exclude it',
        );
      }
    } else if (excludeFilterExcludes(exclude, t)) {
      reasons.push('resource excluded since one of the criteria excluded it');
    }
  }
  return reasons.length > 0
    ? `rule ${rule.name} not matched: ${reasons.join('; ')}`
    : undefined;
}

/** Every kind selector named by a match/exclude block. */
export function kindsOf(m: KyvernoMatchResources | undefined): string[] {
  if (!m) return [];
  return [
    ...(m.resources?.kinds ?? []),
    ...(m.any ?? []).flatMap(f => f.resources?.kinds ?? []),
    ...(m.all ?? []).flatMap(f => f.resources?.kinds ?? []),
  ];
}
