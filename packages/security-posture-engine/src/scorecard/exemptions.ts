import { parseAllDocuments } from 'yaml';
import type { Resource } from '../model/resource';
import { yamlShapeProblem } from '../scan/parse';

/**
 * An accepted risk, declared as code: a check (× entity × optional resource) whose
 * failures do not count against the adjusted score until `expires`.
 */
export interface Exemption {
  /** Check id, or a glob over check ids (`k8s-*`). */
  check: string;
  /**
   * Entity ref (`component:default/payments`, `kind:namespace/name`; the namespace
   * defaults to `default`), or a glob. Absent: every entity.
   */
  entity?: string;
  /**
   * Resource uid (exact), or a glob matched against the resource's name,
   * `namespace/name`, Terraform address and uid. Absent: every resource.
   */
  resource?: string;
  reason: string;
  approver: string;
  ticket?: string;
  /** Last day the exemption applies (`YYYY-MM-DD`, through the end of that day, UTC) or an ISO timestamp. */
  expires: string;
}

/** A problem in an exemption file. */
export interface ExemptionError {
  source: string;
  message: string;
}

/** An exemption ready for matching. */
export interface CompiledExemption {
  exemption: Exemption;
  /** Instant after which it no longer applies. */
  expiresAt: Date;
  matchesCheck(checkId: string): boolean;
  matchesEntity(entityRef: string | undefined): boolean;
  matchesResource(resource: Resource): boolean;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the `expires` value: a date means through the end of that day (UTC). */
export function parseExpiry(value: string): Date | undefined {
  if (DATE_ONLY.test(value)) {
    const d = new Date(`${value}T23:59:59.999Z`);
    return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value
      ? undefined
      : d;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Converts a glob (`*`, `?`) to an anchored regular expression; everything else is literal. */
export function globToRegExp(glob: string, flags = ''): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, flags);
}

function matcher(pattern: string, ignoreCase = false): (v: string) => boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) {
    if (ignoreCase) {
      const lower = pattern.toLowerCase();
      return v => v.toLowerCase() === lower;
    }
    return v => v === pattern;
  }
  const re = globToRegExp(pattern, ignoreCase ? 'i' : '');
  return v => re.test(v);
}

/**
 * Normalises an entity ref to `kind:namespace/name` (lower case), defaulting the
 * namespace to `default`. Refs without a kind are kept without one.
 */
export function normalizeEntityRef(ref: string): string {
  const trimmed = ref.trim().toLowerCase();
  const colon = trimmed.indexOf(':');
  const kind = colon >= 0 ? trimmed.slice(0, colon) : '';
  const rest = colon >= 0 ? trimmed.slice(colon + 1) : trimmed;
  const withNs = rest.includes('/') ? rest : `default/${rest}`;
  return kind ? `${kind}:${withNs}` : withNs;
}

/** Prepares an exemption for matching; `expires` must already be valid. */
export function compileExemption(exemption: Exemption): CompiledExemption {
  const expiresAt = parseExpiry(exemption.expires);
  if (!expiresAt) {
    throw new Error(`Invalid expiry ${JSON.stringify(exemption.expires)}`);
  }
  const checkMatch = matcher(exemption.check);
  const entityMatch = exemption.entity
    ? matcher(normalizeEntityRef(exemption.entity), true)
    : undefined;
  const resourcePattern = exemption.resource;
  const resourceMatch = resourcePattern ? matcher(resourcePattern) : undefined;
  return {
    exemption,
    expiresAt,
    matchesCheck: checkMatch,
    matchesEntity: entityRef => {
      if (!entityMatch) return true;
      if (!entityRef) return false;
      const normalized = normalizeEntityRef(entityRef);
      // Accept refs written without a kind on either side.
      return (
        entityMatch(normalized) ||
        entityMatch(normalized.slice(normalized.indexOf(':') + 1))
      );
    },
    matchesResource: resource => {
      if (!resourceMatch) return true;
      if (resource.uid === resourcePattern) return true;
      return (
        resourceMatch(resource.name) ||
        (resource.namespace !== undefined &&
          resourceMatch(`${resource.namespace}/${resource.name}`)) ||
        (resource.address !== undefined && resourceMatch(resource.address)) ||
        resourceMatch(resource.uid)
      );
    },
  };
}

/** Whether an exemption still applies at `now`. */
export function isExemptionActive(
  exemption: CompiledExemption,
  now: Date,
): boolean {
  return now.getTime() <= exemption.expiresAt.getTime();
}

const KNOWN_KEYS = new Set([
  'check',
  'entity',
  'resource',
  'reason',
  'approver',
  'ticket',
  'expires',
]);

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

/**
 * Validates one exemption object; returns the exemption or the problems found,
 * each prefixed with `path`.
 */
export function validateExemption(
  value: unknown,
  path: string,
): { exemption?: Exemption; errors: string[] } {
  const errors: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { errors: [`${path}: must be an object`] };
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!KNOWN_KEYS.has(key)) {
      errors.push(
        `${path}.${key}: unknown key (expected ${[...KNOWN_KEYS].join(', ')})`,
      );
    }
  }
  const text = (key: string, required: boolean) => {
    const x = v[key];
    if (x === undefined || x === null) {
      if (required) errors.push(`${path}.${key}: is required`);
      return undefined;
    }
    if (typeof x !== 'string' || x.trim() === '') {
      errors.push(
        `${path}.${key}: must be a non-empty string, got ${describe(x)}`,
      );
      return undefined;
    }
    return x.trim();
  };
  const check = text('check', true);
  const entity = text('entity', false);
  const resource = text('resource', false);
  const reason = text('reason', true);
  const approver = text('approver', true);
  const ticket =
    typeof v.ticket === 'number' ? String(v.ticket) : text('ticket', false);
  let expires: string | undefined;
  const rawExpires = v.expires;
  if (rawExpires === undefined || rawExpires === null) {
    errors.push(`${path}.expires: is required (a date, YYYY-MM-DD)`);
  } else if (rawExpires instanceof Date) {
    expires = rawExpires.toISOString();
  } else if (typeof rawExpires === 'string' && parseExpiry(rawExpires.trim())) {
    expires = rawExpires.trim();
  } else {
    errors.push(
      `${path}.expires: must be a date (YYYY-MM-DD) or an ISO timestamp, got ${describe(
        rawExpires,
      )}`,
    );
  }
  if (errors.length > 0) return { errors };
  return {
    exemption: {
      check: check!,
      ...(entity ? { entity } : {}),
      ...(resource ? { resource } : {}),
      reason: reason!,
      approver: approver!,
      ...(ticket ? { ticket } : {}),
      expires: expires!,
    },
    errors,
  };
}

/**
 * Parses an exemption file: YAML or JSON, one or more documents, each either
 * `{ exemptions: [...] }` (optionally with `apiVersion`/`kind: Exemptions`) or a
 * plain list of exemptions. Invalid entries are reported and left out; valid
 * ones are still returned.
 */
export function parseExemptions(
  text: string,
  source: string,
): { exemptions: Exemption[]; errors: ExemptionError[] } {
  const exemptions: Exemption[] = [];
  const errors: ExemptionError[] = [];
  if (text.length > 4 * 1024 * 1024) {
    return {
      exemptions,
      errors: [{ source, message: 'exemption file is larger than 4 MiB' }],
    };
  }
  const tooDeep = yamlShapeProblem(text);
  if (tooDeep) {
    return {
      exemptions,
      errors: [{ source, message: `invalid YAML: ${tooDeep}` }],
    };
  }
  let docs;
  try {
    docs = parseAllDocuments(text, { prettyErrors: true });
  } catch (e) {
    return { exemptions, errors: [{ source, message: String(e) }] };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, docIndex) => {
    const where = list.length > 1 ? `document ${docIndex + 1}: ` : '';
    if (doc.errors.length > 0) {
      errors.push({
        source,
        message: `${where}invalid YAML: ${doc.errors[0].message}`,
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push({ source, message: `${where}${(e as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return;
    let entries: unknown;
    let base = 'exemptions';
    if (Array.isArray(value)) {
      entries = value;
      base = '';
    } else if (typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (obj.kind !== undefined && obj.kind !== 'Exemptions') {
        errors.push({
          source,
          message: `${where}kind must be Exemptions, got ${describe(obj.kind)}`,
        });
        return;
      }
      entries = obj.exemptions;
      if (!Array.isArray(entries)) {
        errors.push({
          source,
          message: `${where}expected a list under "exemptions"`,
        });
        return;
      }
    } else {
      errors.push({
        source,
        message: `${where}expected { exemptions: [...] } or a list of exemptions`,
      });
      return;
    }
    (entries as unknown[]).forEach((entry, i) => {
      const result = validateExemption(entry, `${base}[${i}]`);
      if (result.exemption) exemptions.push(result.exemption);
      for (const message of result.errors) {
        errors.push({ source, message: `${where}${message}` });
      }
    });
  });
  return { exemptions, errors };
}
