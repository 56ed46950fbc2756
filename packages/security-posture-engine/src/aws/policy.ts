import type {
  AttributeOrigin,
  PolicyAnalysis,
  PolicyDocument,
  PolicyDocumentValue,
  PolicyStatement,
} from './types';
import { NONE, isObject, joinPath, objectOrJson, strings } from './util';

/**
 * Condition keys that pin a statement to known callers or networks: a statement
 * granting `*` with one of these (on a fixed value) is not public. Mirrors how S3
 * and IAM Access Analyzer decide whether a policy is public.
 */
const NARROWING_CONDITION_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalservicename',
  'aws:userid',
  'aws:username',
  'aws:calledvia',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
  'kms:calleraccount',
  'kms:viaservice',
  'lambda:functionurlauthtype',
]);

const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

function readPrincipal(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string')
    return { [value === '*' ? '*' : 'AWS']: [value] };
  if (!isObject(value)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [type, v] of Object.entries(value)) {
    const canonicalType =
      PRINCIPAL_TYPES.find(t => t.toLowerCase() === type.toLowerCase()) ?? type;
    out[canonicalType] = strings(v);
  }
  return out;
}

function readCondition(
  value: unknown,
): Record<string, Record<string, string[]>> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, Record<string, string[]>> = {};
  for (const [op, keys] of Object.entries(value)) {
    if (!isObject(keys)) continue;
    const entry: Record<string, string[]> = {};
    for (const [key, v] of Object.entries(keys)) {
      const list = Array.isArray(v) ? v : [v];
      entry[key] = list
        .filter(
          x =>
            typeof x === 'string' ||
            typeof x === 'number' ||
            typeof x === 'boolean',
        )
        .map(x => String(x));
    }
    out[op] = entry;
  }
  return out;
}

function field(stmt: Record<string, unknown>, name: string): unknown {
  if (name in stmt) return stmt[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(stmt)) {
    if (key.toLowerCase() === lower) return stmt[key];
  }
  return undefined;
}

function readStatement(
  raw: unknown,
  path: string,
): PolicyStatement | undefined {
  if (!isObject(raw)) return undefined;
  const effect = field(raw, 'Effect');
  if (effect !== 'Allow' && effect !== 'Deny') return undefined;
  const stmt: PolicyStatement = { effect, path };
  const sid = field(raw, 'Sid');
  if (typeof sid === 'string' && sid !== '') stmt.sid = sid;
  const action = field(raw, 'Action');
  if (action !== undefined) stmt.action = strings(action);
  const notAction = field(raw, 'NotAction');
  if (notAction !== undefined) stmt.notAction = strings(notAction);
  const resource = field(raw, 'Resource');
  if (resource !== undefined) stmt.resource = strings(resource);
  const notResource = field(raw, 'NotResource');
  if (notResource !== undefined) stmt.notResource = strings(notResource);
  const principal = readPrincipal(field(raw, 'Principal'));
  if (principal) stmt.principal = principal;
  const notPrincipal = readPrincipal(field(raw, 'NotPrincipal'));
  if (notPrincipal) stmt.notPrincipal = notPrincipal;
  const condition = readCondition(field(raw, 'Condition'));
  if (condition) stmt.condition = condition;
  return stmt;
}

function conditionValues(
  stmt: PolicyStatement,
  key: string,
): Array<{ op: string; values: string[] }> {
  const out: Array<{ op: string; values: string[] }> = [];
  if (!stmt.condition) return out;
  for (const [op, keys] of Object.entries(stmt.condition)) {
    for (const [k, values] of Object.entries(keys)) {
      if (k.toLowerCase() === key) out.push({ op, values });
    }
  }
  return out;
}

function isWildcardAction(a: string): boolean {
  return a === '*' || a === '*:*';
}

/** Allow statement granting everything: `*` on `*`, or `NotAction` on `*`. */
function grantsEverything(stmt: PolicyStatement): boolean {
  if (stmt.effect !== 'Allow') return false;
  const allResources =
    stmt.resource?.includes('*') === true || stmt.notResource !== undefined;
  if (!allResources) return false;
  if (stmt.action?.some(isWildcardAction)) return true;
  return stmt.notAction !== undefined;
}

/** Principal is anyone: `"*"` or `{"AWS": "*"}` (also `{"CanonicalUser": "*"}`). */
export function isAnyonePrincipal(
  principal: Record<string, string[]> | undefined,
): boolean {
  if (!principal) return false;
  for (const values of Object.values(principal)) {
    if (values.includes('*')) return true;
  }
  return false;
}

function isNarrowed(stmt: PolicyStatement): boolean {
  if (!stmt.condition) return false;
  for (const [op, keys] of Object.entries(stmt.condition)) {
    const negated = /not/i.test(op);
    for (const [key, values] of Object.entries(keys)) {
      if (!NARROWING_CONDITION_KEYS.has(key.toLowerCase())) continue;
      if (negated) continue;
      if (values.length === 0) continue;
      const wide = values.some(
        v => v === '*' || v === '0.0.0.0/0' || v === '::/0',
      );
      if (!wide) return true;
    }
  }
  return false;
}

function requiresMfa(stmt: PolicyStatement): boolean {
  for (const { op, values } of conditionValues(
    stmt,
    'aws:multifactorauthpresent',
  )) {
    const bool = /bool/i.test(op);
    if (!bool) continue;
    if (stmt.effect === 'Allow' && values.includes('true')) return true;
    if (stmt.effect === 'Deny' && values.includes('false')) return true;
  }
  if (
    stmt.effect === 'Allow' &&
    conditionValues(stmt, 'aws:multifactorauthage').length > 0
  ) {
    return true;
  }
  return false;
}

function deniesInsecureTransport(stmt: PolicyStatement): boolean {
  if (stmt.effect !== 'Deny') return false;
  if (!isAnyonePrincipal(stmt.principal)) return false;
  const coversAll = stmt.action?.some(a => a === '*' || a.endsWith(':*'));
  if (!coversAll) return false;
  return conditionValues(stmt, 'aws:securetransport').some(
    c => /bool/i.test(c.op) && c.values.includes('false'),
  );
}

function analyse(statements: PolicyStatement[]): PolicyAnalysis {
  let fullAdmin: number[] | undefined;
  let publicAllow: number[] | undefined;
  let insecureDenied = false;
  let mfa = false;
  statements.forEach((stmt, i) => {
    if (grantsEverything(stmt)) (fullAdmin ??= []).push(i);
    if (
      stmt.effect === 'Allow' &&
      isAnyonePrincipal(stmt.principal) &&
      !isNarrowed(stmt)
    ) {
      (publicAllow ??= []).push(i);
    }
    if (deniesInsecureTransport(stmt)) insecureDenied = true;
    if (requiresMfa(stmt)) mfa = true;
  });
  return {
    fullAdmin: fullAdmin ?? NONE,
    publicAllow: publicAllow ?? NONE,
    deniesInsecureTransport: insecureDenied,
    requiresMfa: mfa,
  };
}

/**
 * Parses an IAM policy document given as an object, a JSON string or URL-encoded JSON
 * (AWS Config). Statements are normalised (see {@link PolicyStatement}) and analysed
 * once, so checks only read precomputed facts.
 */
export function parsePolicyDocument(
  value: unknown,
  origin: AttributeOrigin,
): PolicyDocumentValue {
  const doc = objectOrJson(value);
  if (!doc) {
    return {
      invalid:
        typeof value === 'string'
          ? 'not a JSON policy document'
          : 'not an object',
      origin,
    };
  }
  const rawStatements = field(doc, 'Statement');
  const statements: PolicyStatement[] = [];
  if (Array.isArray(rawStatements)) {
    rawStatements.forEach((raw, i) => {
      const s = readStatement(raw, joinPath('Statement', i));
      if (s) statements.push(s);
    });
  } else {
    const s = readStatement(rawStatements, 'Statement');
    if (s) statements.push(s);
  }
  const version = field(doc, 'Version');
  const parsed: PolicyDocument = {
    statements,
    analysis: analyse(statements),
    origin,
  };
  if (typeof version === 'string') parsed.version = version;
  return parsed;
}

/** Narrows a {@link PolicyDocumentValue} to a parsed document. */
export function isParsedPolicy(
  value: PolicyDocumentValue | undefined,
): value is PolicyDocument {
  return value !== undefined && 'statements' in value;
}

/** A policy value Terraform only knows after apply. */
export function unknownPolicy(origin: AttributeOrigin): PolicyDocumentValue {
  return { unknown: true, origin };
}

const ADMIN_POLICY = /^arn:aws[\w-]*:iam::aws:policy\/AdministratorAccess$/;

/** True for the AWS managed `AdministratorAccess` policy ARN in any partition. */
export function isAdministratorAccessArn(arn: string): boolean {
  return ADMIN_POLICY.test(arn);
}
