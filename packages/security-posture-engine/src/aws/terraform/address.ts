/**
 * Terraform addresses and reference strings: `module.a["k"].aws_s3_bucket.b[0]`,
 * `aws_s3_bucket.b.id`, `module.m.bucket_id`, `var.x`, `each.value`.
 */

/** One traversal step: a name, optionally followed by an index key. */
export interface Segment {
  name: string;
  /** `[0]` → 0, `["k"]` → "k". */
  key?: string | number;
}

/** `[A-Za-z0-9_*-]` */
function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === 45 || // -
    c === 42 // *
  );
}

/**
 * Splits an address or reference into segments. Quoted keys may contain any
 * character (escapes as in JSON). Returns undefined for malformed input.
 */
export function parseSegments(input: string): Segment[] | undefined {
  if (input === '') return undefined;
  const out: Segment[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    let start = i;
    while (i < n && isNameChar(input.charCodeAt(i))) i++;
    if (i === start) return undefined;
    const seg: Segment = { name: input.slice(start, i) };
    if (input[i] === '[') {
      i++;
      if (input[i] === '"') {
        start = i;
        i++;
        while (i < n && input[i] !== '"') {
          if (input[i] === '\\') i++;
          i++;
        }
        if (i >= n) return undefined;
        i++;
        try {
          seg.key = JSON.parse(input.slice(start, i)) as string;
        } catch {
          return undefined;
        }
      } else {
        start = i;
        while (i < n && input[i] !== ']') i++;
        const raw = input.slice(start, i);
        const numeric = Number(raw);
        seg.key = raw !== '' && Number.isInteger(numeric) ? numeric : raw;
      }
      if (input[i] !== ']') return undefined;
      i++;
    }
    out.push(seg);
    if (i < n) {
      if (input[i] !== '.') return undefined;
      i++;
      if (i === n) return undefined;
    }
  }
  return out;
}

/** Formats an index key the way Terraform prints it in addresses. */
export function formatKey(key: string | number | undefined): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** Module part of a full resource address (`module.a["k"].module.b`), `''` for the root module. */
export interface ParsedAddress {
  /** Module instance address, `''` for the root module. */
  module: string;
  /** Module path without instance keys (`module.a.module.b`), used to find configuration. */
  configModule: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  key?: string | number;
}

/** Parses a full resource instance address. */
export function parseResourceAddress(
  address: string,
): ParsedAddress | undefined {
  const segs = parseSegments(address);
  if (!segs) return undefined;
  const moduleParts: string[] = [];
  const configParts: string[] = [];
  let i = 0;
  while (i + 1 < segs.length && segs[i].name === 'module' && !segs[i].key) {
    const m = segs[i + 1];
    moduleParts.push(`module.${m.name}${formatKey(m.key)}`);
    configParts.push(`module.${m.name}`);
    i += 2;
  }
  let mode: 'managed' | 'data' = 'managed';
  if (segs[i]?.name === 'data' && segs[i].key === undefined) {
    mode = 'data';
    i++;
  }
  const type = segs[i];
  const name = segs[i + 1];
  if (!type || !name || type.key !== undefined || i + 2 !== segs.length) {
    return undefined;
  }
  return {
    module: moduleParts.join('.'),
    configModule: configParts.join('.'),
    mode,
    type: type.name,
    name: name.name,
    key: name.key,
  };
}

/** Module path without instance keys. */
export function configModuleOf(moduleInstance: string): string {
  if (moduleInstance === '') return '';
  const segs = parseSegments(moduleInstance);
  if (!segs) return moduleInstance;
  const parts: string[] = [];
  for (let i = 0; i + 1 < segs.length; i += 2) {
    parts.push(`module.${segs[i + 1].name}`);
  }
  return parts.join('.');
}

/** Splits a module instance address into its parent instance and the last call's key. */
export function parentModule(
  moduleInstance: string,
): { parent: string; key?: string | number } | undefined {
  if (moduleInstance === '') return undefined;
  const segs = parseSegments(moduleInstance);
  if (!segs || segs.length < 2) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < segs.length - 2; i += 2) {
    parts.push(`module.${segs[i + 1].name}${formatKey(segs[i + 1].key)}`);
  }
  return { parent: parts.join('.'), key: segs[segs.length - 1].key };
}

/** Joins a module prefix and a local address. */
export function inModule(module: string, local: string): string {
  return module === '' ? local : `${module}.${local}`;
}
