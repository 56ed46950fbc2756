import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { AwsCredentialsManager } from '@backstage/integration-aws-node';
import type {
  ListedResource,
  ResourceProviderContext,
  SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import {
  AWS_CONFIG_TYPES,
  normalizeAwsConfigItems,
  type ResourceSource,
} from '@internal/security-posture-engine';
import type { AwsAccountConfig, AwsProviderConfig } from './config';
import { AwsConfigQuery } from './configQuery';
import { arnsOf, ownershipHints } from './ownership';
import { httpStatusOf, isAbort, isThrottling } from './retry';

/** Items read before the others and passed along with the pages that need them. */
const CONTEXT_FOR: Record<string, string> = {
  'AWS::ElasticLoadBalancingV2::Listener':
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::IAM::User': 'AWS::IAM::Group',
};

/** Read only to complete other resources; never listed themselves. */
const LOOKUP_ONLY = new Set(['AWS::ElasticLoadBalancingV2::LoadBalancer']);

/** Options of {@link AwsConfigResourceProvider}. */
export interface AwsConfigResourceProviderOptions {
  account: AwsAccountConfig;
  config: AwsProviderConfig;
  credentialsManager: AwsCredentialsManager;
  logger: LoggerService;
  /** Builds the AWS Config client of a region (tests may point it elsewhere). */
  clientFactory?: (options: {
    region: string;
    credentials: AwsCredentialIdentityProvider;
  }) => ConfigServiceClient;
}

/**
 * Lists the resources of one AWS account (or one AWS Config aggregator) through
 * AWS Config advanced queries, normalised by the engine, with ownership hints: the
 * resource's ARN, which the backend matches against the entities' ARN
 * annotations (`arnAnnotations`), and the entities and team its tags name. It
 * reads nothing from the catalog.
 *
 * One provider per configured account: an account whose credentials are refused
 * or whose API fails makes only its own listing fail, so only the entities that
 * own resources there become partial.
 */
export class AwsConfigResourceProvider
  implements SecurityPostureResourceProvider
{
  readonly id: string;
  readonly resourceTypes: readonly string[];
  /** The annotations the backend matches the listed resources' ARNs against. */
  readonly arnAnnotations: readonly string[];

  constructor(private readonly options: AwsConfigResourceProviderOptions) {
    this.id = `aws:${options.account.name}`;
    this.arnAnnotations = options.config.arnAnnotations;
    this.resourceTypes = [
      ...new Set(
        options.config.resourceTypes
          .map(t => AWS_CONFIG_TYPES[t])
          .filter((t): t is NonNullable<typeof t> => t !== undefined),
      ),
    ];
  }

  /**
   * Entities that claim an ARN of this account (or an ARN without an account,
   * such as a bucket's), so they become partial when the account cannot be read.
   */
  appliesTo(entity: Entity): boolean {
    const { account, config } = this.options;
    return arnsOf(entity, config.arnAnnotations).some(arn => {
      if (account.aggregator) return true;
      const owner = arn.split(':')[4];
      return !owner || owner === '*' || owner === account.accountId;
    });
  }

  async *listResources(
    context: ResourceProviderContext,
  ): AsyncIterable<ListedResource[]> {
    const { account, config, logger } = this.options;
    const withArn = config.arnAnnotations.length > 0;
    const credentials = await this.credentials();
    let listed = 0;
    const problems: string[] = [];
    for (const region of account.aggregator
      ? account.regions.slice(0, 1)
      : account.regions) {
      const query = new AwsConfigQuery({
        client: this.client(region, credentials),
        aggregator: account.aggregator,
        pageSize: config.pageSize,
        retry: config.retry,
        onRetry: (error, attempt, delay) =>
          logger.debug(
            `Security posture AWS ${this.where(
              region,
            )}: attempt ${attempt} failed (${describe(
              error,
            )}), retrying in ${delay} ms`,
          ),
      });
      const source: ResourceSource = {
        format: 'aws-config',
        provider: this.id,
        location: account.aggregator
          ? `${account.accountId}/${region}/aggregator:${account.aggregator}`
          : `${account.accountId}/${region}`,
      };
      const context_: Record<string, unknown[]> = {};
      for (const type of config.resourceTypes) {
        try {
          for await (const page of query.pages(type, context.signal)) {
            if (Object.values(CONTEXT_FOR).includes(type)) {
              (context_[type] ??= []).push(...page);
            }
            if (LOOKUP_ONLY.has(type) || page.length === 0) continue;
            const extra = context_[CONTEXT_FOR[type]] ?? [];
            const result = normalizeAwsConfigItems([...extra, ...page], source);
            for (const e of result.errors) problems.push(e.message);
            const batch: ListedResource[] = [];
            for (const resource of result.resources) {
              // Context items (a user's groups) are listed with their own type.
              if (resource.kind !== type) continue;
              batch.push({
                resource,
                hints: ownershipHints(
                  resource,
                  config.ownershipTags,
                  config.ownerTags,
                  { withArn },
                ),
              });
            }
            listed += batch.length;
            if (batch.length > 0) yield batch;
          }
        } catch (e) {
          if (context.signal.aborted || isAbort(e)) throw e;
          throw new Error(
            `${this.where(region)}: listing ${type} failed: ${describe(e)}`,
            { cause: e },
          );
        }
      }
    }
    if (problems.length > 0) {
      logger.warn(
        `Security posture AWS ${this.where()}: ${
          problems.length
        } configuration item(s) could not be used: ${[...new Set(problems)]
          .slice(0, 5)
          .join('; ')}`,
      );
    }
    logger.info(
      `Security posture AWS ${this.where()}: listed ${listed} resources`,
    );
  }

  private where(region?: string): string {
    const { account } = this.options;
    const who =
      account.name === account.accountId
        ? `account ${account.accountId}`
        : `account ${account.name} (${account.accountId})`;
    const agg = account.aggregator ? ` aggregator ${account.aggregator}` : '';
    return region ? `${who}${agg} in ${region}` : `${who}${agg}`;
  }

  private async credentials(): Promise<AwsCredentialIdentityProvider> {
    const { account, credentialsManager } = this.options;
    try {
      if (account.roleArn) {
        const main = await credentialsManager.getCredentialProvider();
        return fromTemporaryCredentials({
          masterCredentials: main.sdkCredentialProvider,
          params: {
            RoleArn: account.roleArn,
            RoleSessionName: 'backstage-security-posture',
            ...(account.externalId ? { ExternalId: account.externalId } : {}),
          },
          clientConfig: { region: account.regions[0] },
        });
      }
      const provider = await credentialsManager.getCredentialProvider({
        accountId: account.accountId,
      });
      return provider.sdkCredentialProvider;
    } catch (e) {
      throw new Error(
        `${this.where()}: no credentials (configure it under aws.accounts or give securityPosture.providers.aws.accounts[].roleArn): ${describe(
          e,
        )}`,
        { cause: e },
      );
    }
  }

  private client(
    region: string,
    credentials: AwsCredentialIdentityProvider,
  ): ConfigServiceClient {
    if (this.options.clientFactory) {
      return this.options.clientFactory({ region, credentials });
    }
    // Retries are ours (backoff with jitter, abort-aware), not the SDK's.
    return new ConfigServiceClient({ region, credentials, maxAttempts: 1 });
  }
}

/** A one-line explanation of an AWS SDK error, never its credentials. */
export function describe(e: unknown): string {
  const err = e as Error & { $metadata?: { httpStatusCode?: number } };
  const status = httpStatusOf(e);
  const name = err?.name && err.name !== 'Error' ? err.name : undefined;
  const message = err?.message ?? String(e);
  let text = [name, message].filter(Boolean).join(': ');
  if (status !== undefined) text += ` (HTTP ${status})`;
  if (name === 'AccessDeniedException' || status === 403) {
    text +=
      ' — the role needs config:SelectResourceConfig (config:SelectAggregateResourceConfig for an aggregator)';
  } else if (isThrottling(e)) {
    text += ' — still throttled after every retry';
  }
  return text;
}
