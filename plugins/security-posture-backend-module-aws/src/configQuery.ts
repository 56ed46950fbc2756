import {
  ConfigServiceClient,
  SelectAggregateResourceConfigCommand,
  SelectResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { withRetry, type RetryPolicy } from './retry';

/**
 * The configuration item fields the engine's normaliser reads. `SELECT *` does
 * not return `configuration`, `supplementaryConfiguration` or `tags`, so they are
 * named explicitly.
 */
const FIELDS = [
  'accountId',
  'arn',
  'awsRegion',
  'resourceId',
  'resourceName',
  'resourceType',
  'configuration',
  'supplementaryConfiguration',
  'tags',
].join(', ');

/**
 * The advanced query listing the current configuration items of one resource
 * type. Resources AWS Config discovered but does not record, and deleted ones,
 * have no configuration and are left out.
 */
export function selectExpression(resourceType: string): string {
  if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(resourceType)) {
    throw new Error(
      `Invalid AWS resource type ${JSON.stringify(resourceType)}`,
    );
  }
  return `SELECT ${FIELDS} WHERE resourceType = '${resourceType}' AND configurationItemStatus IN ('OK', 'ResourceDiscovered')`;
}

/** Options of {@link AwsConfigQuery}. */
export interface AwsConfigQueryOptions {
  client: ConfigServiceClient;
  /** Query this aggregator (SelectAggregateResourceConfig) instead of the account's own recorder. */
  aggregator?: string;
  pageSize: number;
  retry: RetryPolicy;
  /** Told about each retry (for a debug log line). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Lists configuration items with AWS Config advanced queries
 * (`SelectResourceConfig` or `SelectAggregateResourceConfig`), page by page
 * through `NextToken`, retrying throttled and failed calls with backoff.
 */
export class AwsConfigQuery {
  constructor(private readonly options: AwsConfigQueryOptions) {}

  /** The items of one resource type, one page (at most `pageSize` items) at a time. */
  async *pages(
    resourceType: string,
    signal: AbortSignal,
  ): AsyncGenerator<unknown[]> {
    const { client, aggregator, pageSize, retry, onRetry } = this.options;
    const expression = selectExpression(resourceType);
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await withRetry(
        () =>
          aggregator
            ? client.send(
                new SelectAggregateResourceConfigCommand({
                  ConfigurationAggregatorName: aggregator,
                  Expression: expression,
                  Limit: pageSize,
                  NextToken: token,
                }),
                { abortSignal: signal },
              )
            : client.send(
                new SelectResourceConfigCommand({
                  Expression: expression,
                  Limit: pageSize,
                  NextToken: token,
                }),
                { abortSignal: signal },
              ),
        retry,
        signal,
        onRetry,
      );
      const items: unknown[] = [];
      for (const result of output.Results ?? []) {
        try {
          items.push(JSON.parse(result));
        } catch {
          // The normaliser reports a string it cannot read as an error.
          items.push(result);
        }
      }
      yield items;
      nextToken = output.NextToken || undefined;
      if (nextToken !== undefined) {
        if (seen.has(nextToken)) {
          throw new Error(
            `AWS Config returned the same NextToken twice while listing ${resourceType}`,
          );
        }
        seen.add(nextToken);
      }
    } while (nextToken !== undefined);
  }
}
