/**
 * API groups of documents that describe tooling rather than resources, found next
 * to manifests in repositories: Backstage catalog entities and templates, Kyverno
 * policies and CLI tests, this product's custom checks and exemptions. Skipped
 * without an error.
 */
export const NON_RESOURCE_API_GROUPS: readonly string[] = [
  'backstage.io',
  'scaffolder.backstage.io',
  'security-posture.backstage.io',
  'kyverno.io',
  'cli.kyverno.io',
  'policies.kyverno.io',
  'wgpolicyk8s.io',
];

/** Whether an object is a Backstage entity, a policy or another non-resource document. */
export function isNonResourceDocument(value: unknown): boolean {
  if (!isRecord(value) || typeof value.apiVersion !== 'string') return false;
  const slash = value.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : value.apiVersion.slice(0, slash);
  return NON_RESOURCE_API_GROUPS.includes(group);
}

/** What a parsed document turned out to be. */
export type DetectedDocument =
  | { kind: 'kubernetes'; objects: unknown[]; isList: boolean }
  | { kind: 'ignored' }
  | { kind: 'terraform'; format: 'terraform-plan' | 'terraform-state' }
  | { kind: 'aws-config'; items: unknown[] }
  | { kind: 'empty' }
  | { kind: 'mixed'; kubernetes: unknown[]; aws: unknown[]; unknown: number[] }
  | { kind: 'unknown'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Kubernetes object or list: `apiVersion` and `kind` strings. */
export function isKubernetesObject(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string'
  );
}

/**
 * An AWS Config configuration item: an object with a `resourceType` key (any case,
 * as the APIs and the CLI spell it), or a JSON string of one (`SelectResourceConfig`).
 */
export function isAwsConfigItem(value: unknown): boolean {
  if (typeof value === 'string') return value.trimStart().startsWith('{');
  if (!isRecord(value)) return false;
  for (const key in value) {
    if (key.toLowerCase() === 'resourcetype') {
      return typeof value[key] === 'string';
    }
  }
  return false;
}

function listUnder(
  value: Record<string, unknown>,
  names: readonly string[],
): unknown[] | undefined {
  for (const key of Object.keys(value)) {
    const lower = key.toLowerCase();
    if (names.includes(lower) && Array.isArray(value[key])) {
      return value[key] as unknown[];
    }
  }
  return undefined;
}

/**
 * `terraform show -json` output of a plan (`planned_values`, `resource_changes`, or
 * `configuration` with `format_version`) or of a state (`values` holding
 * `root_module`/`outputs`, with `format_version` or `terraform_version`).
 */
export function terraformFormat(
  value: unknown,
): 'terraform-plan' | 'terraform-state' | undefined {
  if (!isRecord(value)) return undefined;
  if (
    'planned_values' in value ||
    'resource_changes' in value ||
    ('configuration' in value && 'format_version' in value)
  ) {
    return 'terraform-plan';
  }
  const values = value.values;
  if (
    isRecord(values) &&
    ('root_module' in values || 'outputs' in values) &&
    ('format_version' in value || 'terraform_version' in value)
  ) {
    return 'terraform-state';
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) {
    const keys = Object.keys(value).slice(0, 5);
    return keys.length
      ? `an object with keys ${keys.join(', ')}${
          Object.keys(value).length > 5 ? ', …' : ''
        }`
      : 'an empty object';
  }
  return `a ${typeof value}`;
}

/**
 * Says which normaliser a parsed document belongs to:
 * - Kubernetes objects and `List`s (`apiVersion` + `kind`), or JSON arrays of them;
 * - Terraform `terraform show -json` plans and states (`format_version` with
 *   `planned_values`/`resource_changes`/`configuration`, or `values`);
 * - AWS Config items: a single item, an array of items, `{ configurationItems }`
 *   (history, snapshots), `{ baseConfigurationItems }` (BatchGetResourceConfig),
 *   `{ Results: [json string…] }` (SelectResourceConfig), `{ configurationItem }`
 *   (change notifications); keys in any case.
 */
export function detectDocument(value: unknown): DetectedDocument {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (Array.isArray(value)) {
    if (value.length === 0) return { kind: 'empty' };
    const kubernetes: unknown[] = [];
    const aws: unknown[] = [];
    const unknown: number[] = [];
    value.forEach((item, i) => {
      if (isKubernetesObject(item)) kubernetes.push(item);
      else if (isAwsConfigItem(item)) aws.push(item);
      else unknown.push(i);
    });
    if (kubernetes.length === value.length) {
      return { kind: 'kubernetes', objects: value, isList: true };
    }
    if (aws.length === value.length)
      return { kind: 'aws-config', items: value };
    if (kubernetes.length === 0 && aws.length === 0) {
      return {
        kind: 'unknown',
        reason: `a list whose items are neither Kubernetes objects nor AWS Config items (first item is ${describeValue(
          value[0],
        )})`,
      };
    }
    return { kind: 'mixed', kubernetes, aws, unknown };
  }
  if (!isRecord(value)) {
    return {
      kind: 'unknown',
      reason: `expected an object, got ${describeValue(value)}`,
    };
  }
  if (isNonResourceDocument(value)) return { kind: 'ignored' };
  if (isKubernetesObject(value)) {
    return {
      kind: 'kubernetes',
      objects: [value],
      isList: String(value.kind).endsWith('List'),
    };
  }
  if (
    typeof value.format_version === 'string' &&
    Object.keys(value).every(
      k => k === 'format_version' || k === 'terraform_version',
    )
  ) {
    // `terraform show -json` of an empty state
    return { kind: 'empty' };
  }
  const tf = terraformFormat(value);
  if (tf) return { kind: 'terraform', format: tf };
  if (isAwsConfigItem(value)) return { kind: 'aws-config', items: [value] };
  const items = listUnder(value, [
    'configurationitems',
    'baseconfigurationitems',
    'results',
  ]);
  if (items) return { kind: 'aws-config', items };
  if (isRecord(value.configurationItem)) {
    return { kind: 'aws-config', items: [value.configurationItem] };
  }
  if ('apiVersion' in value || 'kind' in value) {
    return {
      kind: 'unknown',
      reason:
        'a Kubernetes-like object without both apiVersion and kind strings',
    };
  }
  return {
    kind: 'unknown',
    reason: `not a Kubernetes object, Terraform JSON (terraform show -json) or AWS Config item: ${describeValue(
      value,
    )}`,
  };
}
