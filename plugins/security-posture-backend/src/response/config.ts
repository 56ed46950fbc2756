import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { DEFAULT_SCAFFOLDER_PATH } from '@internal/backstage-plugin-security-posture-common';
import { tryNormalizeRef } from '../catalog/refs';
import { parseTargets, type TargetDefinition } from './targets';
import { parseFixTemplates, type FixTemplateDefinition } from './fixTemplates';

/** Alert settings of one team (and, unless they set their own, its sub-teams). */
export interface TeamAlertSettings {
  /** Normalised group ref. */
  team: string;
  enabled?: boolean;
  scoreDrop?: number;
  newCritical?: boolean;
  exemptionExpiry?: boolean;
}

/** Alert settings in force for one team. */
export interface EffectiveAlertSettings {
  enabled: boolean;
  /** Percentage points the score must drop by. */
  scoreDrop: number;
  /** Alert on a new critical finding. */
  newCritical: boolean;
  /** Notify before exemptions expire. */
  exemptionExpiry: boolean;
}

/** Everything the response and governance features read from `securityPosture`. */
export interface ResponseConfig {
  alerts: EffectiveAlertSettings & {
    /** Alert on an entity's first scan (otherwise it is the baseline). */
    onFirstScan: boolean;
    /** The score a drop is measured on. */
    score: 'adjusted' | 'raw';
    teams: TeamAlertSettings[];
  };
  exemptionExpiry: {
    /** Exemptions expiring within this are `expiring`, and their teams are notified. */
    leadTimeMs: number;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  response: {
    /** Default window of the time-to-remediate figures. */
    windowDays: number;
    /** Posture changes (regressions included) are kept this long. */
    changesRetentionDays: number;
  };
  targets: TargetDefinition[];
  fixTemplates: FixTemplateDefinition[];
  /** Where the app mounts the scaffolder (fix-template links). */
  scaffolderPath: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function fail(key: string, message: string): never {
  throw new Error(`securityPosture.${key} ${message}`);
}

function points(value: number | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isFinite(value) && value > 0 && value <= 100)) {
    fail(key, `must be a number of points between 0 and 100, got ${value}`);
  }
  return value;
}

function days(
  config: Config | undefined,
  key: string,
  fallback: number,
  where: string,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > 3650) {
    fail(`${where}.${key}`, `must be a whole number of days (1-3650)`);
  }
  return value;
}

function duration(
  config: Config | undefined,
  key: string,
  fallback: HumanDuration,
  where: string,
): number {
  const value = config?.getOptional(key) ?? fallback;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${where}.${key}`, 'must be a duration such as { days: 14 }');
  }
  const ms = durationToMilliseconds(value as HumanDuration);
  if (!(ms > 0)) fail(`${where}.${key}`, 'must be longer than zero');
  return ms;
}

function readTeams(config: Config | undefined): TeamAlertSettings[] {
  const out: TeamAlertSettings[] = [];
  const seen = new Set<string>();
  for (const [i, t] of (
    config?.getOptionalConfigArray('teams') ?? []
  ).entries()) {
    const key = `alerts.teams[${i}]`;
    const raw = t.getString('team');
    const team = tryNormalizeRef(raw, { defaultKind: 'group' });
    if (!team || !team.startsWith('group:')) {
      fail(
        `${key}.team`,
        `must be a group reference, got ${JSON.stringify(raw)}`,
      );
    }
    if (seen.has(team)) fail(`${key}.team`, `names ${team} twice`);
    seen.add(team);
    out.push({
      team,
      enabled: t.getOptionalBoolean('enabled'),
      scoreDrop: points(t.getOptionalNumber('scoreDrop'), `${key}.scoreDrop`),
      newCritical: t.getOptionalBoolean('newCritical'),
      exemptionExpiry: t.getOptionalBoolean('exemptionExpiry'),
    });
  }
  return out;
}

/**
 * Reads and validates `securityPosture.alerts`, `.exemptions.expiry`,
 * `.response`, `.targets` and `.fixTemplates`; a mistake stops the start-up with
 * the key that is wrong.
 */
export function readResponseConfig(root: Config): ResponseConfig {
  const c = root.getOptionalConfig('securityPosture');
  const alerts = c?.getOptionalConfig('alerts');
  const expiry = c?.getOptionalConfig('exemptions.expiry');
  const response = c?.getOptionalConfig('response');
  const score = alerts?.getOptionalString('score') ?? 'adjusted';
  if (score !== 'adjusted' && score !== 'raw') {
    fail(
      'alerts.score',
      `must be adjusted or raw, got ${JSON.stringify(score)}`,
    );
  }
  const expirySchedule = expiry?.getOptionalConfig('schedule');
  return {
    alerts: {
      enabled: alerts?.getOptionalBoolean('enabled') ?? true,
      scoreDrop:
        points(alerts?.getOptionalNumber('scoreDrop'), 'alerts.scoreDrop') ?? 5,
      newCritical: alerts?.getOptionalBoolean('newCritical') ?? true,
      exemptionExpiry: expiry?.getOptionalBoolean('notify') ?? true,
      onFirstScan: alerts?.getOptionalBoolean('onFirstScan') ?? false,
      score,
      teams: readTeams(alerts),
    },
    exemptionExpiry: {
      leadTimeMs: duration(
        expiry,
        'leadTime',
        { days: 14 },
        'exemptions.expiry',
      ),
      schedule: {
        frequency: { hours: 1 },
        timeout: { minutes: 10 },
        initialDelay: { minutes: 2 },
        ...(expirySchedule
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(expirySchedule)
          : {}),
      },
    },
    response: {
      windowDays: days(response, 'windowDays', 90, 'response'),
      changesRetentionDays: days(
        response,
        'changesRetentionDays',
        365,
        'response',
      ),
    },
    targets: parseTargets(c?.getOptional('targets')),
    fixTemplates: parseFixTemplates(c?.getOptional('fixTemplates.templates')),
    scaffolderPath:
      c?.getOptionalString('fixTemplates.scaffolderPath') ??
      DEFAULT_SCAFFOLDER_PATH,
  };
}

/** The lead time in whole days (for the API). */
export function leadTimeDays(config: ResponseConfig): number {
  return Math.round(config.exemptionExpiry.leadTimeMs / DAY_MS);
}
