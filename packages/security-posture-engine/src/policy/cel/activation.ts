/**
 * The values a custom check's expressions see: `object` (the raw Kubernetes object, or
 * the canonical attributes for other resources) and `resource` (identity and labels).
 * Values are converted once per resource and cached.
 */
import type { Resource } from '../../model/resource';

/**
 * Converts JSON to CEL values: integral numbers become CEL `int` (BigInt), as
 * Kubernetes' CEL sees integer fields, so `object.spec.replicas + 1` works; other
 * numbers stay `double`.
 */
export function toCelValue(value: unknown): unknown {
  return convert(value, 0);
}

const MAX_DEPTH = 2000;

function convert(value: unknown, depth: number): unknown {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) {
    throw new Error(`document nested deeper than ${MAX_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    return value.map(item => convert(item, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = convert(item, depth + 1);
  }
  return out;
}

const objects = new WeakMap<object, unknown>();

/** The document a check's `object` is built from: the raw object for Kubernetes resources, else the canonical attributes. */
export function sourceObject(resource: Resource): unknown {
  if (resource.type.startsWith('k8s.') && resource.raw !== undefined) {
    return resource.raw;
  }
  return resource.attributes;
}

/** `object` for a resource (cached per source document). */
export function celObject(resource: Resource): unknown {
  const source = sourceObject(resource);
  if (source === null || typeof source !== 'object') {
    return toCelValue(source ?? {});
  }
  let converted = objects.get(source);
  if (converted === undefined) {
    converted = toCelValue(source);
    objects.set(source, converted);
  }
  return converted;
}

const resources = new WeakMap<Resource, Record<string, unknown>>();

/**
 * `resource` for a resource: `uid`, `type`, `kind`, `name`, `namespace` (empty when
 * cluster-scoped or not Kubernetes), `address` (Terraform address or empty), and the
 * `labels`, `annotations` and `tags` maps (empty when absent).
 */
export function celResource(resource: Resource): Record<string, unknown> {
  let value = resources.get(resource);
  if (!value) {
    value = {
      uid: resource.uid,
      type: resource.type,
      kind: resource.kind,
      name: resource.name,
      namespace: resource.namespace ?? '',
      address: resource.address ?? '',
      labels: { ...(resource.labels ?? {}) },
      annotations: { ...(resource.annotations ?? {}) },
      tags: { ...(resource.tags ?? {}) },
    };
    resources.set(resource, value);
  }
  return value;
}

/**
 * Splits a field path (`spec.containers[0].image`, `.metadata.labels['app']`) into
 * keys and indexes; undefined when it is not a valid path.
 */
export function parseFieldPath(path: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  const re =
    /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let index = 0;
  const text = path.trim();
  while (index < text.length) {
    re.lastIndex = index;
    const match = re.exec(text);
    if (!match) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4]).replace(/\\(.)/g, '$1'));
    index = re.lastIndex;
  }
  return segments.length > 0 ? segments : undefined;
}

/** The value at a parsed field path, or undefined. */
export function valueAt(
  root: unknown,
  segments: readonly (string | number)[],
): unknown {
  let value: any = root;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[segment];
  }
  return value;
}

/** Formats parsed segments as an evidence path: `spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatFieldPath(
  segments: readonly (string | number)[],
): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) {
      out += out ? `.${segment}` : segment;
    } else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
