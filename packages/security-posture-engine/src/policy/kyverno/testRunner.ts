/**
 * A runner for Kyverno CLI test suites (`kyverno-test.yaml`, the
 * `cli.kyverno.io/v1alpha1` Test and the older unversioned format): loads the
 * policies, resources and values a test names, evaluates them and compares every
 * expected result row, the way `kyverno test` does.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { evaluatePrepared, prepareResource } from './engine';
import { loadKyvernoPoliciesFromPaths } from './load';
import type { KyvernoPolicy, KyvernoRuleResult } from './types';
import { isObject, JsonObject } from './values';
import { parseYamlDocuments } from './yaml';

/** What a row compared: the expected result and what the engine produced. */
export type KyvernoTestOutcome =
  | 'pass'
  | 'fail'
  | 'skip'
  | 'error'
  | 'warn'
  /** No rule of the policy applied to the resource (Kyverno counts this as passing). */
  | 'excluded'
  /** The resource named by the row is not among the test's resources. */
  | 'not-found'
  /** The row needs something this runner does not do (patched/generated resources…). */
  | 'unsupported';

/** One compared row (one resource of one result entry). */
export interface KyvernoTestRow {
  /** Path of the `kyverno-test.yaml`. */
  test: string;
  testName: string;
  policy: string;
  rule: string;
  /** The rule that answered (`autogen-…` for pod controllers). */
  matchedRule?: string;
  kind: string;
  resource: string;
  namespace?: string;
  expected: string;
  got: KyvernoTestOutcome;
  /** Agreement as `kyverno test` counts it. */
  agrees: boolean;
  /** The row was not compared: its rule type is not evaluated by this engine. */
  skipped: boolean;
  /** Why: the engine's message for the rule. */
  reason: string;
}

/** A test that could not be loaded or run. */
export interface KyvernoTestError {
  test: string;
  message: string;
}

/** The report of a test run. */
export interface KyvernoTestReport {
  tests: Array<{ path: string; name: string }>;
  rows: KyvernoTestRow[];
  errors: KyvernoTestError[];
  passed: number;
  failed: number;
  skipped: number;
}

interface ValuesSpec {
  globalValues?: Record<string, unknown>;
  policies?: Array<{
    name: string;
    rules?: Array<{ name: string; values?: Record<string, unknown> }>;
    resources?: Array<{ name: string; values?: Record<string, unknown> }>;
  }>;
  namespaceSelector?: Array<{ name: string; labels?: Record<string, string> }>;
  namespaces?: Array<{
    metadata?: { name?: string; labels?: Record<string, string> };
  }>;
}

interface ResultEntry {
  policy: string;
  rule?: string;
  kind?: string;
  resources: string[];
  namespace?: string;
  result: string;
  operation?: string;
  unsupported?: string;
}

interface LoadedTest {
  path: string;
  name: string;
  policies: string[];
  resources: string[];
  values?: ValuesSpec;
  variablesFile?: string;
  results: ResultEntry[];
}

const TEST_FILE = 'kyverno-test.yaml';

async function findTests(p: string, out: string[]): Promise<void> {
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
      if (e.name === 'node_modules' || e.name === '.git') continue;
      await findTests(full, out);
    } else if (e.name === TEST_FILE) {
      out.push(full);
    }
  }
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter(v => typeof v === 'string');
  if (typeof value === 'string') return [value];
  return [];
}

function parseResultEntry(row: unknown, index: number): ResultEntry | string {
  if (!isObject(row)) return `results[${index}] is not an object`;
  const policy = typeof row.policy === 'string' ? row.policy : '';
  if (!policy) return `results[${index}] has no policy`;
  let result = '';
  if (typeof row.result === 'string') result = row.result;
  else if (typeof row.status === 'string') result = row.status;
  if (!result) return `results[${index}] has no result`;
  const resources = [...stringList(row.resources), ...stringList(row.resource)];
  let unsupported: string | undefined;
  if (row.patchedResources || row.patchedResource) {
    unsupported = 'patched resource comparison (mutate rules) is not supported';
  } else if (
    row.generatedResource ||
    row.generatedResources ||
    row.cloneSourceResource
  ) {
    unsupported =
      'generated resource comparison (generate rules) is not supported';
  } else {
    for (const flag of [
      'isValidatingAdmissionPolicy',
      'isMutatingAdmissionPolicy',
      'isValidatingPolicy',
      'isDeletingPolicy',
      'isImageValidatingPolicy',
      'isGeneratingPolicy',
      'isMutatingPolicy',
    ]) {
      if (row[flag]) unsupported = `${flag.slice(2)} results are not supported`;
    }
  }
  return {
    policy,
    rule: typeof row.rule === 'string' ? row.rule : undefined,
    kind: typeof row.kind === 'string' ? row.kind : undefined,
    resources,
    namespace: typeof row.namespace === 'string' ? row.namespace : undefined,
    result: result.toLowerCase(),
    operation: typeof row.operation === 'string' ? row.operation : undefined,
    unsupported,
  };
}

function parseTest(file: string, doc: unknown): LoadedTest | string {
  if (!isObject(doc)) return 'the test is not a YAML mapping';
  if (
    doc.apiVersion !== undefined &&
    doc.apiVersion !== 'cli.kyverno.io/v1alpha1'
  ) {
    return `unsupported test apiVersion ${String(doc.apiVersion)}`;
  }
  if (doc.kind !== undefined && doc.kind !== 'Test') {
    return `unsupported test kind ${String(doc.kind)}`;
  }
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const name =
    (typeof meta.name === 'string' && meta.name) ||
    (typeof doc.name === 'string' && doc.name) ||
    path.basename(path.dirname(file));
  const results: ResultEntry[] = [];
  const rows = Array.isArray(doc.results) ? doc.results : [];
  for (let i = 0; i < rows.length; i++) {
    const r = parseResultEntry(rows[i], i);
    if (typeof r === 'string') return r;
    results.push(r);
  }
  return {
    path: file,
    name,
    policies: [...new Set(stringList(doc.policies))],
    resources: [...new Set(stringList(doc.resources))],
    values: isObject(doc.values) ? (doc.values as ValuesSpec) : undefined,
    variablesFile:
      typeof doc.variables === 'string' ? doc.variables : undefined,
    results,
  };
}

/** Built-in cluster-scoped kinds, by API group. */
const CLUSTER_SCOPED: Record<string, string[]> = {
  '': ['ComponentStatus', 'Namespace', 'Node', 'PersistentVolume'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'ValidatingWebhookConfiguration',
  ],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io': ['IPAddress', 'IngressClass', 'ServiceCIDR'],
  'node.k8s.io': ['RuntimeClass'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'resource.k8s.io': ['DeviceClass', 'ResourceSlice'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': [
    'CSIDriver',
    'CSINode',
    'StorageClass',
    'VolumeAttachment',
    'VolumeAttributesClass',
  ],
};

const MAP_FIELDS = new Set([
  'annotations',
  'labels',
  'matchLabels',
  'nodeSelector',
  'data',
  'stringData',
]);

function normalizeNilMaps(value: unknown): void {
  if (Array.isArray(value)) value.forEach(normalizeNilMaps);
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null && MAP_FIELDS.has(k)) value[k] = {};
      else normalizeNilMaps(v);
    }
  }
}

/**
 * A resource as `kyverno test` loads it: namespaced resources without a namespace
 * are in `default`, and empty map fields (`annotations:`) are empty maps.
 */
function asKyvernoCliLoadsIt(resource: JsonObject): JsonObject {
  const copy = JSON.parse(JSON.stringify(resource)) as JsonObject;
  normalizeNilMaps(copy);
  const apiVersion = typeof copy.apiVersion === 'string' ? copy.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const clusterScoped = (CLUSTER_SCOPED[group] ?? []).includes(
    String(copy.kind),
  );
  const meta = isObject(copy.metadata) ? copy.metadata : {};
  if (
    !clusterScoped &&
    (typeof meta.namespace !== 'string' || meta.namespace === '')
  ) {
    copy.metadata = { ...meta, namespace: 'default' };
  }
  return copy;
}

async function loadResources(
  dir: string,
  files: string[],
): Promise<{ resources: JsonObject[]; errors: string[] }> {
  const resources: JsonObject[] = [];
  const errors: string[] = [];
  for (const f of files) {
    const full = path.resolve(dir, f);
    const list: string[] = [];
    try {
      const stat = await fs.stat(full);
      if (stat.isDirectory()) {
        for (const e of (await fs.readdir(full)).sort()) {
          if (/\.(ya?ml|json)$/i.test(e)) list.push(path.join(full, e));
        }
      } else list.push(full);
    } catch (e) {
      errors.push(`cannot read resource file ${f}: ${(e as Error).message}`);
      continue;
    }
    for (const file of list) {
      const text = await fs.readFile(file, 'utf8');
      for (const doc of parseYamlDocuments(text)) {
        if (doc.error) {
          errors.push(`${file} document ${doc.index}: ${doc.error}`);
          continue;
        }
        const v = doc.value;
        if (!isObject(v)) continue;
        if (v.kind === 'List' && Array.isArray(v.items)) {
          resources.push(...v.items.filter(isObject).map(asKyvernoCliLoadsIt));
        } else if (typeof v.kind === 'string') {
          resources.push(asKyvernoCliLoadsIt(v));
        }
      }
    }
  }
  return { resources, errors };
}

async function loadValues(dir: string, test: LoadedTest): Promise<ValuesSpec> {
  const values: ValuesSpec = { ...(test.values ?? {}) };
  if (!test.variablesFile) return values;
  const text = await fs.readFile(path.resolve(dir, test.variablesFile), 'utf8');
  const docs = parseYamlDocuments(text);
  const doc = docs.find(d => d.value !== undefined && d.value !== null);
  if (doc?.error) throw new Error(`invalid values file: ${doc.error}`);
  const v = isObject(doc?.value) ? (doc!.value as ValuesSpec) : {};
  return {
    globalValues: { ...(v.globalValues ?? {}), ...(values.globalValues ?? {}) },
    policies: [...(v.policies ?? []), ...(values.policies ?? [])],
    namespaceSelector: [
      ...(v.namespaceSelector ?? []),
      ...(values.namespaceSelector ?? []),
    ],
    namespaces: [...(v.namespaces ?? []), ...(values.namespaces ?? [])],
  };
}

function metaOf(r: JsonObject): { name: string; namespace: string } {
  const m = isObject(r.metadata) ? r.metadata : {};
  return {
    name: typeof m.name === 'string' ? m.name : '',
    namespace: typeof m.namespace === 'string' ? m.namespace : '',
  };
}

function namespaceLabels(
  values: ValuesSpec,
  namespace: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of values.namespaceSelector ?? []) {
    if (n.name === namespace) Object.assign(out, n.labels ?? {});
  }
  for (const n of values.namespaces ?? []) {
    if (n.metadata?.name === namespace)
      Object.assign(out, n.metadata.labels ?? {});
  }
  return out;
}

function evaluate(
  policy: KyvernoPolicy,
  resource: JsonObject,
  values: ValuesSpec,
  operation: string | undefined,
): KyvernoRuleResult[] {
  const { name, namespace } = metaOf(resource);
  const variables: Record<string, unknown> = { ...(values.globalValues ?? {}) };
  const ruleVariables: Record<string, Record<string, unknown>> = {};
  for (const p of values.policies ?? []) {
    if (p.name !== policy.metadata.name) continue;
    for (const r of p.resources ?? []) {
      if (r.name === name) Object.assign(variables, r.values ?? {});
    }
    for (const r of p.rules ?? []) {
      ruleVariables[r.name] = {
        ...(ruleVariables[r.name] ?? {}),
        ...(r.values ?? {}),
      };
    }
  }
  if (operation) variables['request.operation'] = operation;
  const prepared = prepareResource(resource, {
    variables,
    ruleVariables,
    namespaceLabels: namespaceLabels(values, namespace),
  });
  return evaluatePrepared(policy, prepared);
}

function ruleMatches(expected: string | undefined, actual: string): boolean {
  if (!expected) return true;
  return (
    actual === expected ||
    actual === `autogen-${expected}` ||
    actual === `autogen-cronjob-${expected}`
  );
}

async function runOne(
  file: string,
  test: LoadedTest,
): Promise<{
  rows: KyvernoTestRow[];
  errors: string[];
}> {
  const dir = path.dirname(file);
  const errors: string[] = [];
  const policyPaths: string[] = [];
  for (const p of test.policies) {
    if (/^https?:\/\//.test(p)) {
      errors.push(`policy ${p}: remote policies are not supported`);
    } else policyPaths.push(path.resolve(dir, p));
  }
  const loaded = await loadKyvernoPoliciesFromPaths(policyPaths);
  for (const e of loaded.errors) {
    errors.push(
      `policy ${e.file ? path.relative(dir, e.file) : ''}${
        e.document !== undefined ? ` document ${e.document}` : ''
      }: ${e.message}`,
    );
  }
  const { resources, errors: resourceErrors } = await loadResources(
    dir,
    test.resources,
  );
  errors.push(...resourceErrors);
  const values = await loadValues(dir, test);
  const policies = new Map(loaded.policies.map(p => [p.metadata.name, p]));
  const otherKinds = new Map<string, string>();
  for (const i of loaded.ignored) {
    if (i.policy && i.kind) otherKinds.set(i.policy, i.kind);
  }
  const cache = new Map<string, KyvernoRuleResult[]>();
  const resultsFor = (
    policy: KyvernoPolicy,
    index: number,
    operation: string | undefined,
  ) => {
    const key = `${policy.metadata.name}\u0000${index}\u0000${operation ?? ''}`;
    let r = cache.get(key);
    if (!r) {
      r = evaluate(policy, resources[index], values, operation);
      cache.set(key, r);
    }
    return r;
  };
  const rows: KyvernoTestRow[] = [];
  for (const entry of test.results) {
    const policyName = entry.policy.split('/').pop()!;
    const policy = policies.get(policyName);
    const names = entry.resources.length > 0 ? entry.resources : [''];
    for (const resourceRef of names) {
      const base = {
        test: file,
        testName: test.name,
        policy: entry.policy,
        rule: entry.rule ?? '',
        kind: entry.kind ?? '',
        namespace: entry.namespace,
        expected: entry.result,
      };
      const push = (
        resource: string,
        got: KyvernoTestOutcome,
        agrees: boolean,
        reason: string,
        extra: Partial<KyvernoTestRow> = {},
      ) =>
        rows.push({
          ...base,
          resource,
          got,
          agrees,
          skipped: false,
          reason,
          ...extra,
        });
      if (entry.unsupported) {
        rows.push({
          ...base,
          resource: resourceRef,
          got: 'unsupported',
          agrees: false,
          skipped: true,
          reason: entry.unsupported,
        });
        continue;
      }
      if (!policy) {
        const other = otherKinds.get(policyName);
        if (other) {
          rows.push({
            ...base,
            resource: resourceRef,
            got: 'unsupported',
            agrees: false,
            skipped: true,
            reason: `${other} policies are not supported (only Kyverno ClusterPolicy and Policy)`,
          });
          continue;
        }
        push(
          resourceRef,
          'not-found',
          false,
          `policy ${entry.policy} was not loaded`,
        );
        continue;
      }
      const parts = resourceRef.split('/');
      const wantName = parts[parts.length - 1];
      const wantNamespace = parts.length === 2 ? parts[0] : entry.namespace;
      const indexes = resources
        .map((r, i) => [r, i] as const)
        .filter(([r]) => {
          const m = metaOf(r);
          if (resourceRef !== '' && m.name !== wantName) return false;
          // `ns/name`, or the older format's `namespace` field
          if (wantNamespace !== undefined && m.namespace !== wantNamespace) {
            return false;
          }
          if (resourceRef === '' && entry.kind && r.kind !== entry.kind)
            return false;
          return true;
        })
        .map(([, i]) => i);
      if (indexes.length === 0) {
        push(
          resourceRef,
          'not-found',
          false,
          `resource ${resourceRef} not found in the test's resources`,
        );
        continue;
      }
      for (const index of indexes) {
        const label = resourceRef || metaOf(resources[index]).name;
        const responses = resultsFor(policy, index, entry.operation).filter(r =>
          ruleMatches(entry.rule, r.rule),
        );
        if (responses.length === 0) {
          push(
            label,
            'excluded',
            true,
            `no rule of ${policyName} applies to this resource`,
          );
          continue;
        }
        for (const r of responses) {
          if (r.unsupported) {
            rows.push({
              ...base,
              resource: label,
              matchedRule: r.rule,
              got: 'skip',
              agrees: false,
              skipped: true,
              reason: r.message,
            });
            continue;
          }
          push(label, r.status, r.status === entry.result, r.message, {
            matchedRule: r.rule,
          });
        }
      }
    }
  }
  return { rows, errors };
}

/**
 * Finds every `kyverno-test.yaml` under the paths (files or folders, including
 * `.kyverno-test/` folders), runs the tests and compares each expected result.
 * Never throws for broken tests: they are reported in `errors`.
 */
export async function runKyvernoTests(
  paths: string[],
): Promise<KyvernoTestReport> {
  const report: KyvernoTestReport = {
    tests: [],
    rows: [],
    errors: [],
    passed: 0,
    failed: 0,
    skipped: 0,
  };
  const files: string[] = [];
  for (const p of paths) {
    try {
      await findTests(path.resolve(p), files);
    } catch (e) {
      report.errors.push({
        test: p,
        message: `cannot read: ${(e as Error).message}`,
      });
    }
  }
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      report.errors.push({ test: file, message: (e as Error).message });
      continue;
    }
    for (const doc of parseYamlDocuments(text)) {
      if (doc.error) {
        report.errors.push({
          test: file,
          message: `invalid YAML: ${doc.error}`,
        });
        continue;
      }
      if (doc.value === null || doc.value === undefined) continue;
      const test = parseTest(file, doc.value);
      if (typeof test === 'string') {
        report.errors.push({ test: file, message: test });
        continue;
      }
      report.tests.push({ path: file, name: test.name });
      try {
        const { rows, errors } = await runOne(file, test);
        report.rows.push(...rows);
        for (const message of errors)
          report.errors.push({ test: file, message });
      } catch (e) {
        report.errors.push({ test: file, message: (e as Error).message });
      }
    }
  }
  for (const row of report.rows) {
    if (row.skipped) report.skipped++;
    else if (row.agrees) report.passed++;
    else report.failed++;
  }
  return report;
}

/**
 * A text report: each disagreeing row (expected vs got, and why), test errors, and
 * the summary line `N passed, N failed` (`, N skipped` when rules were not evaluated).
 */
export function formatKyvernoTestReport(
  report: KyvernoTestReport,
  options: { cwd?: string } = {},
): string {
  const cwd = options.cwd ?? process.cwd();
  const lines: string[] = [];
  const rel = (p: string) => path.relative(cwd, p) || p;
  for (const e of report.errors)
    lines.push(`ERROR ${rel(e.test)}: ${e.message}`);
  for (const row of report.rows) {
    if (row.agrees || row.skipped) continue;
    const rule = row.matchedRule ?? row.rule;
    const kind = row.kind ? `${row.kind}/` : '';
    lines.push(
      `FAIL ${rel(row.test)}: ${row.policy}/${rule} on ${kind}${
        row.resource
      }: expected ${row.expected}, got ${row.got} — ${row.reason}`,
    );
  }
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  lines.push(`${report.passed} passed, ${report.failed} failed${skipped}`);
  return lines.join('\n');
}

/** True when a run should fail a CI job: a disagreeing row or a test that could not run. */
export function kyvernoTestsFailed(report: KyvernoTestReport): boolean {
  return report.failed > 0 || report.errors.length > 0;
}
