import type { Config } from '@backstage/config';
import { DEFAULT_ARN_ANNOTATIONS } from '@internal/backstage-plugin-security-posture-node';
import { AWS_CONFIG_TYPES } from '@internal/security-posture-engine';

/** One AWS account (or Config aggregator) the provider reads. */
export interface AwsAccountConfig {
  /** The 12-digit account id (for an aggregator: the account that owns it). */
  accountId: string;
  /** Label used in the provider id (`aws:<name>`) and in messages; the account id by default. */
  name: string;
  /** Regions read one after the other; for an aggregator, its home region first. */
  regions: string[];
  /** Role assumed (on top of the main account credentials) instead of the `aws:` section's. */
  roleArn?: string;
  externalId?: string;
  /** Name of an AWS Config aggregator: one query covers every account and region it aggregates. */
  aggregator?: string;
}

/** A tag whose value names the catalog entity that owns a resource. */
export interface OwnershipTag {
  key: string;
  /** Kind used when the value is a bare name (`payments-api`) rather than a ref. */
  kind: string;
}

/** Everything the AWS module reads from `securityPosture.providers.aws`. */
export interface AwsProviderConfig {
  accounts: AwsAccountConfig[];
  /** AWS Config resource types queried, in order. */
  resourceTypes: string[];
  /** Annotations whose value is an ARN (or comma-separated ARNs / globs) the entity owns. */
  arnAnnotations: string[];
  ownershipTags: OwnershipTag[];
  /** Tags whose value names the owning group of a resource no entity claims. */
  ownerTags: string[];
  /** Results per page (AWS Config allows at most 100). */
  pageSize: number;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

/**
 * The resource types that must be read before the others: load balancers complete
 * their listeners, IAM groups give users their group ARNs.
 */
export const LOOKUP_FIRST = [
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::IAM::Group',
];

/** Every AWS Config resource type the engine can normalise, lookups first. */
export const DEFAULT_RESOURCE_TYPES: readonly string[] = [
  ...LOOKUP_FIRST,
  ...Object.keys(AWS_CONFIG_TYPES).filter(t => !LOOKUP_FIRST.includes(t)),
];

export const DEFAULT_OWNERSHIP_TAGS: readonly OwnershipTag[] = [
  { key: 'backstage.io/component', kind: 'component' },
  { key: 'backstage.io/resource', kind: 'resource' },
];

export const DEFAULT_OWNER_TAGS: readonly string[] = ['owner'];

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const AGGREGATOR = /^[\w-]+$/;

function fail(message: string): never {
  throw new Error(`securityPosture.providers.aws: ${message}`);
}

function wholeNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${key} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/**
 * Reads and validates `securityPosture.providers.aws`. No section, or no
 * account, gives a configuration with no accounts (the module stays idle).
 */
export function readAwsProviderConfig(root: Config): AwsProviderConfig {
  const c = root.getOptionalConfig('securityPosture.providers.aws');
  const names = new Set<string>();
  const accounts = (c?.getOptionalConfigArray('accounts') ?? []).map((a, i) => {
    const accountId = a.getString('accountId');
    if (!ACCOUNT_ID.test(accountId)) {
      fail(`accounts[${i}].accountId must be 12 digits, got "${accountId}"`);
    }
    const regions = a.getOptionalStringArray('regions') ?? [];
    if (regions.length === 0) {
      fail(`accounts[${i}] (${accountId}) needs at least one region`);
    }
    for (const r of regions) {
      if (!REGION.test(r)) {
        fail(`accounts[${i}].regions has an invalid region "${r}"`);
      }
    }
    const aggregator = a.getOptionalString('aggregator');
    if (aggregator !== undefined && !AGGREGATOR.test(aggregator)) {
      fail(`accounts[${i}].aggregator "${aggregator}" is not a valid name`);
    }
    const roleArn = a.getOptionalString('roleArn');
    if (
      roleArn !== undefined &&
      !/^arn:aws[\w-]*:iam::\d{12}:role\/.+/.test(roleArn)
    ) {
      fail(`accounts[${i}].roleArn "${roleArn}" is not an IAM role ARN`);
    }
    const name = a.getOptionalString('name') ?? accountId;
    if (names.has(name)) {
      fail(`two accounts are named "${name}"; give each a distinct name`);
    }
    names.add(name);
    const account: AwsAccountConfig = { accountId, name, regions };
    if (roleArn) account.roleArn = roleArn;
    const externalId = a.getOptionalString('externalId');
    if (externalId) account.externalId = externalId;
    if (aggregator) account.aggregator = aggregator;
    return account;
  });

  const resourceTypes = c?.getOptionalStringArray('resourceTypes') ?? [
    ...DEFAULT_RESOURCE_TYPES,
  ];
  for (const t of resourceTypes) {
    if (!AWS_CONFIG_TYPES[t] && !LOOKUP_FIRST.includes(t)) {
      fail(
        `resourceTypes: "${t}" is not a type the engine checks (${Object.keys(
          AWS_CONFIG_TYPES,
        ).join(', ')})`,
      );
    }
  }
  // Lookups first, whatever order was configured.
  const ordered = [
    ...LOOKUP_FIRST.filter(t => resourceTypes.includes(t)),
    ...resourceTypes.filter(t => !LOOKUP_FIRST.includes(t)),
  ];

  const ownershipTags = c?.has('ownershipTags')
    ? c.getConfigArray('ownershipTags').map(t => ({
        key: t.getString('key'),
        kind: t.getOptionalString('kind')?.toLowerCase() ?? 'component',
      }))
    : [...DEFAULT_OWNERSHIP_TAGS];

  const retry = c?.getOptionalConfig('retry');
  return {
    accounts,
    resourceTypes: [...new Set(ordered)],
    arnAnnotations: c?.getOptionalStringArray('arnAnnotations') ?? [
      ...DEFAULT_ARN_ANNOTATIONS,
    ],
    ownershipTags,
    ownerTags: c?.getOptionalStringArray('ownerTags') ?? [
      ...DEFAULT_OWNER_TAGS,
    ],
    pageSize: wholeNumber(c, 'pageSize', 100, 1, 100),
    retry: {
      maxAttempts: wholeNumber(retry, 'maxAttempts', 6, 1, 20),
      baseDelayMs: wholeNumber(retry, 'baseDelayMs', 500, 0, 60_000),
      maxDelayMs: wholeNumber(retry, 'maxDelayMs', 20_000, 0, 600_000),
    },
  };
}
