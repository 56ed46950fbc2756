import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  DEFAULT_KYVERNO_MAPPING,
  resolveControls,
  validateScoringConfig,
  type KyvernoCheckMapping,
  type KyvernoCheckTarget,
  type KyvernoMappingRule,
  type ScoringConfig,
} from '@internal/security-posture-engine';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { resolve as resolvePath } from 'node:path';
import type { RequestLimit, ScanRequestLimits } from './scan/requestLimits';

/** Settings of the manifests / IaC provider. */
export interface ManifestsProviderConfig {
  enabled: boolean;
  /** Absolute directories local `file:` locations may be read from. */
  localRoots: string[];
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
  /** How long one read (a file, or a directory tree) may take. */
  readTimeoutMs: number;
  /** URL reads remembered with their etag (0: off). */
  readCacheEntries: number;
}

/** Retention of history and bookkeeping. */
export interface RetentionConfig {
  snapshotsDays: number;
  dailyRollupsDays: number;
  scanRunsDays: number;
  resolvedFindingsDays: number;
  unownedDays: number;
  batchSize: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/** Everything the plugin reads from `securityPosture`. */
export interface SecurityPostureConfig {
  scan: {
    schedule: SchedulerServiceTaskScheduleDefinition;
    shards: number;
    entityKinds: string[];
    concurrency: number;
    staleAfterMs: number;
    snapshotHeartbeatMs: number;
    requestPollInterval: HumanDuration;
    quarantine: { minRatio: number; releaseAfterScans: number };
    /**
     * How old an inventory listing made by another shard task may be and still be
     * reused by a scheduled shard (`scan.listingMaxAge`).
     */
    listingMaxAgeMs: number;
    /** Rate limits of requested scans (`POST /scans`). */
    requestLimits: ScanRequestLimits;
    /** The schedule's period when its frequency is a duration (not cron or manual). */
    periodMs?: number;
  };
  providers: { manifests: ManifestsProviderConfig };
  policies: {
    directories: string[];
    /** Where Kyverno policies go in the scorecard: configured entries first, then the defaults. */
    kyvernoMapping: KyvernoCheckMapping;
  };
  exemptions: { files: string[] };
  scoring: ScoringConfig;
  retention: RetentionConfig;
  leaderboard: { groupTypes: string[] };
}

const MiB = 1024 * 1024;

function duration(
  config: Config | undefined,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  const value = config?.getOptional(key);
  if (value === undefined) return fallback;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `securityPosture: ${key} must be a duration object such as { hours: 6 }`,
    );
  }
  return value as HumanDuration;
}

function schedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  if (!config) return fallback;
  const merged = readSchedulerServiceTaskScheduleDefinitionFromConfig(config);
  return { ...fallback, ...merged };
}

/** A whole number of at least `min` (1 unless said otherwise). */
function wholeNumber(
  config: Config | undefined,
  key: string,
  fallback: number,
  min = 1,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(
      `securityPosture: ${key} must be a whole number >= ${min}, got ${value}`,
    );
  }
  return value;
}

function requestLimit(
  config: Config | undefined,
  key: string,
  fallback: { max: number; window: HumanDuration },
): RequestLimit {
  const windowMs = durationToMilliseconds(
    duration(config, 'window', fallback.window),
  );
  if (!(windowMs > 0)) {
    throw new Error(
      `securityPosture: ${key}.window must be a positive duration`,
    );
  }
  return { max: wholeNumber(config, 'max', fallback.max), windowMs };
}

/** The period of a schedule whose frequency is a duration; undefined for cron or manual. */
function schedulePeriodMs(
  definition: SchedulerServiceTaskScheduleDefinition,
): number | undefined {
  const frequency = definition.frequency as unknown;
  if (
    frequency &&
    typeof frequency === 'object' &&
    !('cron' in frequency) &&
    !('trigger' in frequency)
  ) {
    const ms = durationToMilliseconds(
      typeof (frequency as { toObject?: unknown }).toObject === 'function'
        ? (frequency as { toObject(): HumanDuration }).toObject()
        : (frequency as HumanDuration),
    );
    if (ms > 0) return ms;
  }
  return undefined;
}

/**
 * Half the scan period when it is a duration (the shard tasks of one interval
 * start together, the next interval is a whole period later); 30 minutes for a
 * cron or manual schedule.
 */
function defaultListingMaxAgeMs(
  definition: SchedulerServiceTaskScheduleDefinition,
): number {
  const period = schedulePeriodMs(definition);
  return period ? Math.floor(period / 2) : 30 * 60 * 1000;
}

/**
 * Reads and validates the `securityPosture` section. Paths are resolved against
 * the backend's working directory (like catalog file locations).
 */
export function readSecurityPostureConfig(root: Config): SecurityPostureConfig {
  const c = root.getOptionalConfig('securityPosture');
  const scan = c?.getOptionalConfig('scan');
  const manifests = c?.getOptionalConfig('providers.manifests');
  const retention = c?.getOptionalConfig('retention');
  const quarantine = scan?.getOptionalConfig('quarantine');
  const requestLimits = scan?.getOptionalConfig('requestLimits');

  const scoring = (c?.getOptional('scoring') ?? {}) as ScoringConfig;
  const scoringErrors = validateScoringConfig(scoring);
  if (scoringErrors.length > 0) {
    throw new Error(
      `securityPosture.scoring is invalid: ${scoringErrors
        .map(e => `${e.path || '(root)'}: ${e.message}`)
        .join('; ')}`,
    );
  }

  const minRatio = quarantine?.getOptionalNumber('minRatio') ?? 0.5;
  if (!(minRatio >= 0 && minRatio <= 1)) {
    throw new Error(
      `securityPosture: scan.quarantine.minRatio must be between 0 and 1, got ${minRatio}`,
    );
  }

  const scanSchedule = schedule(scan?.getOptionalConfig('schedule'), {
    frequency: { hours: 6 },
    timeout: { hours: 1 },
    initialDelay: { minutes: 1 },
  });
  return {
    scan: {
      schedule: scanSchedule,
      shards: wholeNumber(scan, 'shards', 1),
      entityKinds: (
        scan?.getOptionalStringArray('entityKinds') ?? ['Component', 'Resource']
      ).map(k => k.toLowerCase()),
      concurrency: wholeNumber(scan, 'concurrency', 4),
      staleAfterMs: durationToMilliseconds(
        duration(scan, 'staleAfter', { hours: 24 }),
      ),
      snapshotHeartbeatMs: durationToMilliseconds(
        duration(scan, 'snapshotHeartbeat', { hours: 24 }),
      ),
      requestPollInterval: duration(scan, 'requestPollInterval', {
        seconds: 30,
      }),
      quarantine: {
        minRatio,
        releaseAfterScans: wholeNumber(quarantine, 'releaseAfterScans', 3),
      },
      listingMaxAgeMs: scan?.has('listingMaxAge')
        ? durationToMilliseconds(
            duration(scan, 'listingMaxAge', { minutes: 30 }),
          )
        : defaultListingMaxAgeMs(scanSchedule),
      periodMs: schedulePeriodMs(scanSchedule),
      requestLimits: {
        perEntity: requestLimit(
          requestLimits?.getOptionalConfig('perEntity'),
          'scan.requestLimits.perEntity',
          { max: 5, window: { minutes: 10 } },
        ),
        global: requestLimit(
          requestLimits?.getOptionalConfig('global'),
          'scan.requestLimits.global',
          { max: 60, window: { minutes: 10 } },
        ),
      },
    },
    providers: {
      manifests: {
        enabled: manifests?.getOptionalBoolean('enabled') ?? true,
        localRoots: (manifests?.getOptionalStringArray('localRoots') ?? []).map(
          p => resolvePath(p),
        ),
        maxFileBytes: wholeNumber(manifests, 'maxFileBytes', 5 * MiB),
        maxFiles: wholeNumber(manifests, 'maxFiles', 200),
        maxTotalBytes: wholeNumber(manifests, 'maxTotalBytes', 50 * MiB),
        readTimeoutMs: durationToMilliseconds(
          duration(manifests, 'readTimeout', { seconds: 60 }),
        ),
        readCacheEntries: wholeNumber(manifests, 'readCacheEntries', 1000, 0),
      },
    },
    policies: {
      directories: (
        c?.getOptionalStringArray('policies.directories') ?? []
      ).map(p => resolvePath(p)),
      kyvernoMapping: readKyvernoMapping(
        c?.getOptionalConfig('policies.kyvernoMapping'),
        scoring,
      ),
    },
    exemptions: {
      files: (c?.getOptionalStringArray('exemptions.files') ?? []).map(p =>
        resolvePath(p),
      ),
    },
    scoring,
    retention: {
      snapshotsDays: wholeNumber(retention, 'snapshotsDays', 90),
      dailyRollupsDays: wholeNumber(retention, 'dailyRollupsDays', 730),
      scanRunsDays: wholeNumber(retention, 'scanRunsDays', 90),
      resolvedFindingsDays: wholeNumber(retention, 'resolvedFindingsDays', 730),
      unownedDays: wholeNumber(retention, 'unownedDays', 30),
      batchSize: wholeNumber(retention, 'batchSize', 1000),
      schedule: schedule(retention?.getOptionalConfig('schedule'), {
        frequency: { hours: 24 },
        timeout: { minutes: 30 },
        initialDelay: { minutes: 10 },
      }),
    },
    leaderboard: {
      groupTypes: (
        c?.getOptionalStringArray('leaderboard.groupTypes') ?? []
      ).map(t => t.toLowerCase()),
    },
  };
}

const CATEGORIES = ['identity_and_access', 'network', 'data', 'compute'];
const SEVERITY_NAMES = ['critical', 'high', 'medium', 'low'];

/**
 * Reads `securityPosture.policies.kyvernoMapping`: `policies` (by exact policy name) and
 * `rules` (regular expressions over the policy's category annotation, name and title)
 * put Kyverno policies' checks into a category and control, with an optional weight and
 * severity. Configured entries come before the built-in defaults.
 */
function readKyvernoMapping(
  config: Config | undefined,
  scoring: ScoringConfig,
): KyvernoCheckMapping {
  if (!config) return DEFAULT_KYVERNO_MAPPING;
  const controls = new Map(resolveControls(scoring).map(c => [c.id, c]));
  const target = (c: Config, key: string): KyvernoCheckTarget => {
    const category = c.getString('category');
    const control = c.getString('control');
    if (!CATEGORIES.includes(category)) {
      throw new Error(
        `securityPosture.policies.kyvernoMapping.${key}.category must be one of ${CATEGORIES.join(
          ', ',
        )}, got '${category}'`,
      );
    }
    const known = controls.get(control);
    if (!known) {
      throw new Error(
        `securityPosture.policies.kyvernoMapping.${key}.control '${control}' is not a scorecard control (known: ${[
          ...controls.keys(),
        ].join(', ')})`,
      );
    }
    if (known.category !== category) {
      throw new Error(
        `securityPosture.policies.kyvernoMapping.${key}: control '${control}' belongs to category '${known.category}', not '${category}'`,
      );
    }
    const weight = c.getOptionalNumber('weight');
    if (weight !== undefined && !(weight > 0)) {
      throw new Error(
        `securityPosture.policies.kyvernoMapping.${key}.weight must be a positive number`,
      );
    }
    const severity = c.getOptionalString('severity');
    if (severity !== undefined && !SEVERITY_NAMES.includes(severity)) {
      throw new Error(
        `securityPosture.policies.kyvernoMapping.${key}.severity must be one of ${SEVERITY_NAMES.join(
          ', ',
        )}`,
      );
    }
    return {
      category: category as KyvernoCheckTarget['category'],
      control,
      ...(weight !== undefined ? { weight } : {}),
      ...(severity !== undefined
        ? { severity: severity as KyvernoCheckTarget['severity'] }
        : {}),
    };
  };
  const policies: Record<string, KyvernoCheckTarget> = {};
  const byName = config.getOptionalConfig('policies');
  for (const name of byName?.keys() ?? []) {
    policies[name] = target(byName!.getConfig(name), `policies.${name}`);
  }
  const rules: KyvernoMappingRule[] = (
    config.getOptionalConfigArray('rules') ?? []
  ).map((rule, i) => {
    const categoryPattern = rule.getOptionalString('categoryPattern');
    const match = rule.getOptionalString('match');
    if (!categoryPattern && !match) {
      throw new Error(
        `securityPosture.policies.kyvernoMapping.rules[${i}] needs categoryPattern or match`,
      );
    }
    for (const [k, v] of [
      ['categoryPattern', categoryPattern],
      ['match', match],
    ] as const) {
      if (v === undefined) continue;
      try {
        RegExp(v, 'i');
      } catch (e) {
        throw new Error(
          `securityPosture.policies.kyvernoMapping.rules[${i}].${k} is not a valid regular expression: ${
            (e as Error).message
          }`,
        );
      }
    }
    return {
      ...target(rule, `rules[${i}]`),
      ...(categoryPattern ? { categoryPattern } : {}),
      ...(match ? { match } : {}),
    };
  });
  return {
    policies: { ...DEFAULT_KYVERNO_MAPPING.policies, ...policies },
    rules: [...rules, ...(DEFAULT_KYVERNO_MAPPING.rules ?? [])],
    default: DEFAULT_KYVERNO_MAPPING.default,
  };
}
