import { isParsedPolicy } from './policy';
import { classifyEnvironmentVariable } from './secrets';
import {
  KNOWN_AFTER_APPLY,
  REDACTED,
  type AttributeOrigin,
  type EcsContainer,
  type EnvironmentVariable,
  type ListenerAction,
  type S3Acl,
  type S3BucketAttributes,
  type S3Grantee,
  type SecurityGroupRule,
} from './types';
import { arr, ci, isObject, joinPath, str } from './util';

/** Facts shared by both normalisers, computed once per resource. */

const PUBLIC_CANNED_ACLS = new Set([
  'public-read',
  'public-read-write',
  'authenticated-read',
]);

/** The ACL gives access to everyone or to every AWS account. */
export function aclIsPublic(acl: S3Acl | undefined): boolean {
  if (!acl) return false;
  if (acl.canned !== undefined && PUBLIC_CANNED_ACLS.has(acl.canned)) {
    return true;
  }
  for (const g of acl.grants) {
    if (g.grantee === 'AllUsers' || g.grantee === 'AuthenticatedUsers') {
      return true;
    }
  }
  return false;
}

/** Effective exposure of a bucket, taking Block Public Access and ownership controls into account. */
export function s3Exposure(
  bucket: Omit<S3BucketAttributes, 'exposure'>,
): S3BucketAttributes['exposure'] {
  const pab = bucket.publicAccessBlock;
  const aclsDisabled =
    bucket.ownershipControls?.objectOwnership === 'BucketOwnerEnforced';
  const publicAcl =
    aclIsPublic(bucket.acl) && pab?.ignorePublicAcls !== true && !aclsDisabled;
  const publicPolicy =
    isParsedPolicy(bucket.policy) &&
    bucket.policy.analysis.publicAllow.length > 0 &&
    pab?.restrictPublicBuckets !== true;
  return { publicAcl, publicPolicy };
}

/** Grantee from an S3 grant's type/URI (API or AWS Config spelling). */
export function granteeOf(
  type: string | undefined,
  uriOrName: string | undefined,
): S3Grantee {
  const u = uriOrName ?? '';
  if (/AllUsers$/i.test(u)) return 'AllUsers';
  if (/AuthenticatedUsers$/i.test(u)) return 'AuthenticatedUsers';
  if (/LogDelivery$/i.test(u)) return 'LogDelivery';
  const t = (type ?? '').toLowerCase();
  if (t === 'canonicaluser') return 'CanonicalUser';
  if (t === 'amazoncustomerbyemail') return 'Email';
  return 'Unknown';
}

/** S3 permission in API spelling: `FullControl` / `full_control` → `FULL_CONTROL`, `ReadAcp` → `READ_ACP`. */
export function s3Permission(permission: string): string {
  return permission
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
}

const PROTOCOL_NUMBERS: Record<string, string> = {
  '-1': '-1',
  all: '-1',
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

/** Security group protocol: `-1` for all, names for TCP/UDP/ICMP, numbers otherwise. */
export function normalizeProtocol(value: unknown): string {
  const p = String(value ?? '-1').toLowerCase();
  return PROTOCOL_NUMBERS[p] ?? p;
}

/** Builds a rule, defaulting ports for "all traffic" and flagging internet exposure. */
export function securityGroupRule(input: {
  direction: 'ingress' | 'egress';
  protocol: unknown;
  fromPort?: number;
  toPort?: number;
  cidrIpv4: string[];
  cidrIpv6: string[];
  prefixListIds: string[];
  securityGroups: string[];
  self?: boolean;
  description?: string;
  origin: AttributeOrigin;
}): SecurityGroupRule {
  const protocol = normalizeProtocol(input.protocol);
  let fromPort = input.fromPort;
  let toPort = input.toPort;
  if (protocol === '-1' || fromPort === undefined || fromPort < 0) {
    fromPort = 0;
    toPort = 65535;
  }
  if (toPort === undefined || toPort < 0) toPort = 65535;
  const rule: SecurityGroupRule = {
    direction: input.direction,
    protocol,
    fromPort,
    toPort,
    cidrIpv4: input.cidrIpv4,
    cidrIpv6: input.cidrIpv6,
    prefixListIds: input.prefixListIds,
    securityGroups: input.securityGroups,
    internet:
      input.cidrIpv4.includes('0.0.0.0/0') || input.cidrIpv6.includes('::/0'),
    origin: input.origin,
  };
  if (input.self !== undefined) rule.self = input.self;
  if (input.description !== undefined) rule.description = input.description;
  return rule;
}

/** Every default action redirects to HTTPS. */
export function redirectsToHttps(actions: ListenerAction[]): boolean {
  return (
    actions.length > 0 &&
    actions.every(
      a =>
        a.type.toLowerCase() === 'redirect' &&
        (a.redirectProtocol ?? '').toUpperCase() === 'HTTPS',
    )
  );
}

function envVar(
  name: string,
  value: unknown,
  origin: AttributeOrigin,
): EnvironmentVariable {
  let text = KNOWN_AFTER_APPLY;
  if (typeof value === 'string') text = value;
  else if (value !== undefined) text = String(value);
  const secret = classifyEnvironmentVariable(name, text);
  const v: EnvironmentVariable = {
    name,
    value: secret ? REDACTED : text,
    origin,
  };
  if (secret) v.secret = secret;
  return v;
}

/** Environment variables from a `{NAME: value}` map (Lambda), redacting secret-looking values. */
export function environmentFromMap(
  map: Record<string, unknown>,
  origin: AttributeOrigin,
): EnvironmentVariable[] {
  const out: EnvironmentVariable[] = [];
  for (const [name, value] of Object.entries(map)) {
    if (value !== null && typeof value === 'object') continue;
    out.push(
      envVar(name, value, {
        ...origin,
        path: joinPath(origin.path, name),
      }),
    );
  }
  return out;
}

/** Environment variables from a `[{name, value}]` list (ECS), redacting secret-looking values. */
export function environmentFromList(
  list: readonly unknown[],
  origin: AttributeOrigin,
): EnvironmentVariable[] {
  const out: EnvironmentVariable[] = [];
  list.forEach((item, i) => {
    if (!isObject(item)) return;
    const name = ci(item, 'name');
    if (typeof name !== 'string') return;
    const valueKey = Object.keys(item).find(k => k.toLowerCase() === 'value');
    out.push(
      envVar(name, valueKey ? item[valueKey] : '', {
        address: origin.address,
        path: `${joinPath(origin.path, i)}.${valueKey ?? 'value'}`,
      }),
    );
  });
  return out;
}

/** The engine's default port, for databases whose port is not set. */
export function defaultDatabasePort(
  engine: string | undefined,
): number | undefined {
  const e = (engine ?? '').toLowerCase();
  if (e.includes('postgres')) return 5432;
  if (e.includes('mysql') || e.includes('maria') || e === 'aurora') return 3306;
  if (e.startsWith('oracle')) return 1521;
  if (e.startsWith('sqlserver')) return 1433;
  if (e.startsWith('db2')) return 50000;
  return undefined;
}

/** Container definitions from a JSON list (any key case), with secret env values redacted. */
export function ecsContainers(
  list: readonly unknown[],
  origin: AttributeOrigin,
): EcsContainer[] {
  const out: EcsContainer[] = [];
  list.forEach((c, i) => {
    if (!isObject(c)) return;
    const path = origin.path === '' ? `[${i}]` : `${origin.path}[${i}]`;
    const base: AttributeOrigin = { path };
    if (origin.address) base.address = origin.address;
    const keyOf = (name: string) =>
      Object.keys(c).find(k => k.toLowerCase() === name.toLowerCase()) ?? name;
    const container: EcsContainer = {
      name: str(ci(c, 'name')) ?? `container-${i}`,
      environment: environmentFromList(arr(ci(c, 'environment')), {
        ...base,
        path: `${path}.${keyOf('environment')}`,
      }),
      secrets: arr(ci(c, 'secrets'))
        .filter(isObject)
        .map(s => {
          const secret: { name: string; valueFrom?: string } = {
            name: str(ci(s, 'name')) ?? '',
          };
          const from = str(ci(s, 'valueFrom'));
          if (from) secret.valueFrom = from;
          return secret;
        }),
      origin: {
        ...base,
        fields: {
          privileged: keyOf('privileged'),
          user: keyOf('user'),
          readonlyRootFilesystem: keyOf('readonlyRootFilesystem'),
          image: keyOf('image'),
        },
      },
    };
    const image = str(ci(c, 'image'));
    if (image) container.image = image;
    const privileged = ci(c, 'privileged');
    if (typeof privileged === 'boolean') container.privileged = privileged;
    const user = ci(c, 'user');
    if (typeof user === 'string' || typeof user === 'number') {
      container.user = String(user);
    }
    const ro = ci(c, 'readonlyRootFilesystem');
    if (typeof ro === 'boolean') container.readonlyRootFilesystem = ro;
    out.push(container);
  });
  return out;
}
