export interface Config {
  securityPosture?: {
    providers?: {
      /**
       * Live AWS resources through AWS Config (module
       * `@internal/backstage-plugin-security-posture-backend-module-aws`).
       * Credentials come from the `aws:` section of `@backstage/integration-aws-node`
       * (per account), or from `roleArn` below.
       */
      aws?: {
        /** Accounts to read; the provider is idle without any. */
        accounts?: Array<{
          /** The 12-digit account id (for an aggregator: the account that owns it). */
          accountId: string;
          /** Label used in the provider id (`aws:<name>`) and messages; the account id by default. */
          name?: string;
          /** Regions whose AWS Config recorder is queried; for an aggregator, its home region first. */
          regions: string[];
          /**
           * A role to assume with the main account's credentials, instead of the
           * account's entry under `aws.accounts`.
           */
          roleArn?: string;
          /**
           * External id required by the role's trust policy.
           * @visibility secret
           */
          externalId?: string;
          /**
           * Name of an AWS Config aggregator in this account: one query covers every
           * account and region it aggregates (SelectAggregateResourceConfig).
           */
          aggregator?: string;
        }>;
        /** AWS Config resource types to query (default: every type the engine checks). */
        resourceTypes?: string[];
        /**
         * Entity annotations holding the ARNs (comma-separated, `*` globs allowed)
         * of the resources an entity owns. Default: `security-posture.backstage.io/aws-arn`,
         * `aws.amazon.com/arn` and the `amazon.com/<type>-arn` annotations.
         */
        arnAnnotations?: string[];
        /**
         * Resource tags naming the entity that owns the resource; a bare name gets
         * `kind`. Default: `backstage.io/component` (component) and
         * `backstage.io/resource` (resource).
         */
        ownershipTags?: Array<{ key: string; kind?: string }>;
        /** Resource tags naming the owning group of resources no entity claims. Default: `owner`. */
        ownerTags?: string[];
        /** Results per AWS Config page, 1–100 (default 100). */
        pageSize?: number;
        /** Retries of throttled or failed AWS calls (exponential backoff with jitter). */
        retry?: {
          /** Attempts in total (default 6). */
          maxAttempts?: number;
          /** Cap of the first wait in milliseconds, doubled per attempt (default 500). */
          baseDelayMs?: number;
          /** Cap of any wait in milliseconds (default 20000). */
          maxDelayMs?: number;
        };
      };
    };
  };
}
