/**
 * Loading Kyverno policies from YAML text and from folders. Never throws: problems
 * are returned as errors with the file and document they came from.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findAddIfAbsentAnchors } from './anchors';
import { CONDITION_OPERATORS, DEPRECATED_OPERATORS } from './conditions';
import type { KyvernoConditions, KyvernoPolicy, KyvernoRule } from './types';
import { isObject } from './values';
import { parseYamlDocuments } from './yaml';

/** A problem with one document. */
export interface KyvernoLoadProblem {
  file?: string;
  /** Index of the document in its file. */
  document?: number;
  policy?: string;
  /** Kind of an ignored document. */
  kind?: string;
  message: string;
}

/** The outcome of loading policies. */
export interface KyvernoLoadResult {
  policies: KyvernoPolicy[];
  /** Documents that are broken (invalid YAML, malformed policies). */
  errors: KyvernoLoadProblem[];
  /** Policies that load but use something deprecated or not evaluated. */
  warnings: KyvernoLoadProblem[];
  /** Documents that are not Kyverno policies (other kinds), skipped. */
  ignored: KyvernoLoadProblem[];
}

const API_VERSIONS = new Set([
  'kyverno.io/v1',
  'kyverno.io/v2beta1',
  'kyverno.io/v2',
]);
const KINDS = new Set(['ClusterPolicy', 'Policy']);
const OPERATOR_NAMES = new Set(CONDITION_OPERATORS.map(o => o.toLowerCase()));

function conditionsOf(c: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(c)) return c.filter(isObject);
  if (isObject(c)) {
    return [
      ...(Array.isArray(c.any) ? c.any.filter(isObject) : []),
      ...(Array.isArray(c.all) ? c.all.filter(isObject) : []),
    ];
  }
  return [];
}

function checkConditions(
  conditions: unknown,
  where: string,
  errors: string[],
  warnings: string[],
): void {
  if (conditions === undefined || conditions === null) return;
  if (!Array.isArray(conditions) && !isObject(conditions)) {
    errors.push(`${where}: conditions must be any/all blocks or a list`);
    return;
  }
  for (const c of conditionsOf(conditions)) {
    const op = typeof c.operator === 'string' ? c.operator : '';
    if (!OPERATOR_NAMES.has(op.toLowerCase())) {
      errors.push(
        `${where}: unknown operator ${JSON.stringify(
          c.operator,
        )} (expected one of ${CONDITION_OPERATORS.join(', ')})`,
      );
    } else {
      const canonical = CONDITION_OPERATORS.find(
        o => o.toLowerCase() === op.toLowerCase(),
      )!;
      if (DEPRECATED_OPERATORS[canonical]) {
        warnings.push(
          `${where}: operator ${canonical} is deprecated; use ${DEPRECATED_OPERATORS[
            canonical
          ].join(' or ')}`,
        );
      }
    }
  }
}

function checkForeach(
  list: unknown,
  where: string,
  errors: string[],
  warnings: string[],
): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    errors.push(`${where}: foreach must be a list`);
    return;
  }
  list.forEach((f, i) => {
    const w = `${where}[${i}]`;
    if (!isObject(f) || typeof f.list !== 'string' || f.list.trim() === '') {
      errors.push(`${w}: each foreach entry needs a "list" expression`);
      return;
    }
    checkConditions(f.preconditions, `${w}.preconditions`, errors, warnings);
    if (isObject(f.deny)) {
      checkConditions(
        f.deny.conditions,
        `${w}.deny.conditions`,
        errors,
        warnings,
      );
    }
    checkForeach(f.foreach, `${w}.foreach`, errors, warnings);
  });
}

/**
 * Shape checks of the parts the matcher and the messages read, as Kyverno's
 * schema would refuse them: a list where a list is due, text where text is due.
 * Numbers and booleans are accepted where YAML would leave a label value
 * unquoted; mappings and lists never are (the matcher would otherwise meet
 * them as text).
 */
function isScalar(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

function absent(value: unknown): boolean {
  return value === undefined || value === null;
}

function checkStringList(value: unknown, where: string, errors: string[]) {
  if (absent(value)) return;
  if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) {
    errors.push(`${where} must be a list of strings`);
  }
}

function checkStringMap(value: unknown, where: string, errors: string[]) {
  if (absent(value)) return;
  if (!isObject(value) || !Object.values(value).every(isScalar)) {
    errors.push(`${where} must map names to strings`);
  }
}

function checkSelector(value: unknown, where: string, errors: string[]) {
  if (absent(value)) return;
  if (!isObject(value)) {
    errors.push(`${where} must be a label selector`);
    return;
  }
  checkStringMap(value.matchLabels, `${where}.matchLabels`, errors);
  const expressions = value.matchExpressions;
  if (absent(expressions)) return;
  if (!Array.isArray(expressions)) {
    errors.push(`${where}.matchExpressions must be a list`);
    return;
  }
  expressions.forEach((e, i) => {
    const w = `${where}.matchExpressions[${i}]`;
    if (
      !isObject(e) ||
      typeof e.key !== 'string' ||
      typeof e.operator !== 'string'
    ) {
      errors.push(`${w} needs a key and an operator`);
    } else checkStringList(e.values, `${w}.values`, errors);
  });
}

function checkResourceFilter(value: unknown, where: string, errors: string[]) {
  if (!isObject(value)) {
    errors.push(`${where} must be a mapping`);
    return;
  }
  for (const key of ['roles', 'clusterRoles']) {
    checkStringList(value[key], `${where}.${key}`, errors);
  }
  if (!absent(value.subjects) && !Array.isArray(value.subjects)) {
    errors.push(`${where}.subjects must be a list`);
  }
  const r = value.resources;
  if (absent(r)) return;
  if (!isObject(r)) {
    errors.push(`${where}.resources must be a mapping`);
    return;
  }
  for (const key of ['kinds', 'names', 'namespaces', 'operations']) {
    checkStringList(r[key], `${where}.resources.${key}`, errors);
  }
  if (!absent(r.name) && typeof r.name !== 'string') {
    errors.push(`${where}.resources.name must be a string`);
  }
  checkStringMap(r.annotations, `${where}.resources.annotations`, errors);
  checkSelector(r.selector, `${where}.resources.selector`, errors);
  checkSelector(
    r.namespaceSelector,
    `${where}.resources.namespaceSelector`,
    errors,
  );
}

/** A rule's `match` or `exclude`: `any`/`all` lists of filters, or one filter. */
function checkMatchResources(value: unknown, where: string, errors: string[]) {
  if (absent(value)) return;
  if (!isObject(value)) {
    errors.push(`${where} must be a mapping`);
    return;
  }
  for (const block of ['any', 'all']) {
    const list = value[block];
    if (absent(list)) continue;
    if (!Array.isArray(list)) {
      errors.push(`${where}.${block} must be a list`);
      continue;
    }
    list.forEach((f, i) =>
      checkResourceFilter(f, `${where}.${block}[${i}]`, errors),
    );
  }
  checkResourceFilter(value, where, errors);
}

/** The parts of a `podSecurity` subrule the PSS engine reads. */
function checkPodSecurity(value: unknown, where: string, errors: string[]) {
  if (!isObject(value)) return;
  if (
    !['privileged', 'baseline', 'restricted'].includes(value.level as string)
  ) {
    errors.push(
      `${where}: podSecurity.level must be privileged, baseline or restricted`,
    );
  }
  if (!absent(value.version) && typeof value.version !== 'string') {
    errors.push(`${where}: podSecurity.version must be a string`);
  }
  const exclude = value.exclude;
  if (absent(exclude)) return;
  if (!Array.isArray(exclude)) {
    errors.push(`${where}: podSecurity.exclude must be a list`);
    return;
  }
  exclude.forEach((e, i) => {
    const w = `${where}: podSecurity.exclude[${i}]`;
    if (!isObject(e) || typeof e.controlName !== 'string') {
      errors.push(`${w} needs a controlName`);
      return;
    }
    checkStringList(e.images, `${w}.images`, errors);
    checkStringList(e.values, `${w}.values`, errors);
    if (!absent(e.restrictedField) && typeof e.restrictedField !== 'string') {
      errors.push(`${w}.restrictedField must be a string`);
    }
  });
}

/** Validates the shape of one rule; returns errors and warnings. */
function checkRule(
  rule: unknown,
  index: number,
): {
  errors: string[];
  warnings: string[];
} {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(rule))
    return { errors: [`rules[${index}] is not an object`], warnings };
  const name = typeof rule.name === 'string' ? rule.name : '';
  const where = `rule ${name || `#${index}`}`;
  if (!name) errors.push(`rules[${index}] has no name`);
  if (!isObject(rule.match)) errors.push(`${where}: match is required`);
  checkMatchResources(rule.match, `${where}: match`, errors);
  checkMatchResources(rule.exclude, `${where}: exclude`, errors);
  const types = ['validate', 'mutate', 'generate', 'verifyImages'].filter(
    t => rule[t] !== undefined && rule[t] !== null,
  );
  if (types.length === 0) {
    errors.push(
      `${where}: one of validate, mutate, generate or verifyImages is required`,
    );
  }
  for (const t of types.filter(x => x !== 'validate')) {
    warnings.push(
      `${where}: ${t} rules are not evaluated (reported as skipped)`,
    );
  }
  checkConditions(
    rule.preconditions,
    `${where}.preconditions`,
    errors,
    warnings,
  );
  if (isObject(rule.validate)) {
    const v = rule.validate;
    const kinds = [
      'pattern',
      'anyPattern',
      'deny',
      'foreach',
      'podSecurity',
      'cel',
      'manifests',
      'assert',
    ].filter(k => v[k] !== undefined && v[k] !== null);
    if (kinds.length === 0) {
      errors.push(
        `${where}: validate needs one of pattern, anyPattern, deny, foreach or podSecurity`,
      );
    }
    if (v.anyPattern !== undefined && !Array.isArray(v.anyPattern)) {
      errors.push(`${where}: validate.anyPattern must be a list`);
    }
    if (isObject(v.deny)) {
      checkConditions(
        v.deny.conditions,
        `${where}.validate.deny.conditions`,
        errors,
        warnings,
      );
    }
    checkForeach(v.foreach, `${where}.validate.foreach`, errors, warnings);
    for (const k of ['cel', 'manifests', 'assert']) {
      if (v[k])
        warnings.push(
          `${where}: validate.${k} is not evaluated (reported as skipped)`,
        );
    }
    const addIfAbsent = [
      ...findAddIfAbsentAnchors(v.pattern),
      ...findAddIfAbsentAnchors(v.anyPattern),
    ];
    if (addIfAbsent.length > 0) {
      warnings.push(
        `${where}: the +() add-if-absent anchor is only meaningful in mutate rules (found at ${addIfAbsent.join(
          ', ',
        )}); the rule is reported as skipped`,
      );
    }
    if (!absent(v.message) && typeof v.message !== 'string') {
      errors.push(`${where}: validate.message must be a string`);
    }
    checkPodSecurity(v.podSecurity, where, errors);
  }
  if (Array.isArray(rule.context)) {
    rule.context.forEach((c: unknown, i: number) => {
      if (!isObject(c) || typeof c.name !== 'string') {
        errors.push(`${where}: context[${i}] needs a name`);
      } else if (!c.variable) {
        const type = [
          'apiCall',
          'configMap',
          'imageRegistry',
          'globalReference',
        ].find(t => c[t]);
        warnings.push(
          `${where}: context entry "${c.name}" (${
            type ?? 'unknown type'
          }) needs cluster access; the rule errors unless a value is provided`,
        );
      }
    });
  }
  return { errors, warnings };
}

/**
 * Loads the Kyverno policies of a YAML text (one or more documents). Documents of
 * other kinds are listed as ignored; broken documents as errors.
 */
export function loadKyvernoPolicies(
  text: string,
  options: { file?: string } = {},
): KyvernoLoadResult {
  const result: KyvernoLoadResult = {
    policies: [],
    errors: [],
    warnings: [],
    ignored: [],
  };
  const file = options.file;
  for (const doc of parseYamlDocuments(text)) {
    if (doc.error !== undefined) {
      result.errors.push({
        file,
        document: doc.index,
        message: `invalid YAML: ${doc.error}`,
      });
      continue;
    }
    const value = doc.value;
    if (value === null || value === undefined) continue; // empty document
    const items =
      isObject(value) && value.kind === 'List' && Array.isArray(value.items)
        ? value.items
        : [value];
    for (const item of items) {
      if (!isObject(item)) {
        result.errors.push({
          file,
          document: doc.index,
          message: 'document is not a YAML mapping',
        });
        continue;
      }
      const kind = item.kind;
      const apiVersion = item.apiVersion;
      if (isKyvernoPolicy(item)) {
        if (!API_VERSIONS.has(item.apiVersion)) {
          result.warnings.push({
            file,
            document: doc.index,
            message: `unknown apiVersion ${item.apiVersion}; read as kyverno.io/v1`,
          });
        }
      } else {
        const otherName =
          isObject(item.metadata) && typeof item.metadata.name === 'string'
            ? item.metadata.name
            : undefined;
        result.ignored.push({
          file,
          document: doc.index,
          policy: otherName,
          kind: typeof kind === 'string' ? kind : undefined,
          message: `${typeof apiVersion === 'string' ? apiVersion : '?'}/${
            typeof kind === 'string' ? kind : '?'
          } is not a Kyverno ClusterPolicy or Policy`,
        });
        continue;
      }
      const metadata: Record<string, unknown> = isObject(item.metadata)
        ? item.metadata
        : {};
      const name = typeof metadata.name === 'string' ? metadata.name : '';
      const spec = isObject(item.spec) ? item.spec : undefined;
      const problems: string[] = [];
      const warnings: string[] = [];
      if (!name) problems.push('metadata.name is required');
      checkStringMap(metadata.labels, 'metadata.labels', problems);
      checkStringMap(metadata.annotations, 'metadata.annotations', problems);
      if (!spec) problems.push('spec is required');
      const rules = spec && Array.isArray(spec.rules) ? spec.rules : undefined;
      if (spec && !rules) problems.push('spec.rules must be a list');
      (rules ?? []).forEach((r, i) => {
        const c = checkRule(r, i);
        problems.push(...c.errors);
        warnings.push(...c.warnings);
      });
      const names = (rules ?? []).map(r =>
        isObject(r) && typeof r.name === 'string' ? r.name : '',
      );
      const duplicate = names.find((n, i) => n && names.indexOf(n) !== i);
      if (duplicate) problems.push(`duplicate rule name ${duplicate}`);
      if (problems.length > 0) {
        for (const message of problems) {
          result.errors.push({
            file,
            document: doc.index,
            policy: name || undefined,
            message,
          });
        }
        continue;
      }
      for (const message of warnings) {
        result.warnings.push({
          file,
          document: doc.index,
          policy: name,
          message,
        });
      }
      result.policies.push({
        ...(item as unknown as KyvernoPolicy),
        metadata: { ...(metadata as KyvernoPolicy['metadata']), name },
        spec: spec as KyvernoPolicy['spec'],
        source: { file, document: doc.index },
      });
    }
  }
  return result;
}

const YAML_EXT = /\.ya?ml$/i;
const SKIP_FILES = new Set([
  'kyverno-test.yaml',
  'kustomization.yaml',
  'kustomization.yml',
  'artifacthub-pkg.yml',
  'artifacthub-pkg.yaml',
]);

async function collectYamlFiles(p: string, out: string[]): Promise<void> {
  const stat = await fs.stat(p);
  if (stat.isFile()) {
    out.push(p);
    return;
  }
  const entries = await fs.readdir(p, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) {
      if (
        e.name === '.kyverno-test' ||
        e.name === '.chainsaw-test' ||
        e.name === 'node_modules'
      )
        continue;
      await collectYamlFiles(full, out);
    } else if (YAML_EXT.test(e.name) && !SKIP_FILES.has(e.name)) {
      out.push(full);
    }
  }
}

/**
 * Loads every policy from files or folders (recursively, `*.yaml`/`*.yml`; test
 * folders, kustomizations and Artifact Hub metadata are skipped). Never throws.
 */
export async function loadKyvernoPoliciesFromPaths(
  paths: string[],
): Promise<KyvernoLoadResult> {
  const result: KyvernoLoadResult = {
    policies: [],
    errors: [],
    warnings: [],
    ignored: [],
  };
  for (const p of paths) {
    const files: string[] = [];
    try {
      await collectYamlFiles(p, files);
    } catch (e) {
      result.errors.push({
        file: p,
        message: `cannot read: ${(e as Error).message}`,
      });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        result.errors.push({
          file,
          message: `cannot read: ${(e as Error).message}`,
        });
        continue;
      }
      const r = loadKyvernoPolicies(text, { file });
      result.policies.push(...r.policies);
      result.errors.push(...r.errors);
      result.warnings.push(...r.warnings);
      result.ignored.push(...r.ignored);
    }
  }
  return result;
}

/** Type guard used by callers holding parsed documents. */
export function isKyvernoPolicy(value: unknown): value is KyvernoPolicy {
  return (
    isObject(value) &&
    typeof value.apiVersion === 'string' &&
    value.apiVersion.startsWith('kyverno.io/') &&
    typeof value.kind === 'string' &&
    KINDS.has(value.kind)
  );
}

/** Rule names of a policy including generated pod-controller rules. */
export type { KyvernoRule, KyvernoConditions };
