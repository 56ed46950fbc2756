import {
  toPercent,
  type ControlScore,
  type PointsToGain,
  type PostureTargetStatus,
  type SeverityCounts,
  type TeamTargetSummary,
} from '@internal/backstage-plugin-security-posture-common';
import { tryNormalizeRef } from '../catalog/refs';
import type { StoredCatalogEntity } from '../database/types';

/**
 * Catalog fields a target can match on: what the plugin keeps of every entity it
 * scores or rolls up.
 */
export const TARGET_MATCH_KEYS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'spec.system',
] as const;

/** A catalog field a target matches on. */
export type TargetMatchKey = (typeof TARGET_MATCH_KEYS)[number];

/** A posture target from `securityPosture.targets`. */
export interface TargetDefinition {
  name: string;
  /** Every condition must hold; a condition holds when the field has one of the values. */
  match: Array<{ key: TargetMatchKey; values: string[] }>;
  minPercent?: number;
  noCritical: boolean;
  basis: 'adjusted' | 'raw';
}

/** What a target is evaluated on: a latest-posture row. */
export interface TargetInput {
  earned: number;
  adjustedEarned: number;
  possible: number;
  counts: SeverityCounts;
  /** Controls, for the points to gain; without them only met/missed is known. */
  controls?: ControlScore[];
}

function invalid(path: string, message: string): never {
  throw new Error(`securityPosture.targets${path} ${message}`);
}

/**
 * Validates `securityPosture.targets` (read raw: match keys contain dots, such
 * as `spec.lifecycle`).
 */
export function parseTargets(raw: unknown): TargetDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) invalid('', 'must be a list');
  return raw.map((t, i): TargetDefinition => {
    const at = `[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      invalid(at, 'must be an object with match, minPercent and/or noCritical');
    }
    const entry = t as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (
        !['name', 'match', 'minPercent', 'noCritical', 'score'].includes(key)
      ) {
        invalid(
          `${at}.${key}`,
          'is not a target setting (name, match, minPercent, noCritical, score)',
        );
      }
    }
    const match = entry.match ?? {};
    if (typeof match !== 'object' || match === null || Array.isArray(match)) {
      invalid(`${at}.match`, 'must map catalog fields to values');
    }
    const conditions = Object.entries(match as Record<string, unknown>).map(
      ([key, value]) => {
        if (!(TARGET_MATCH_KEYS as readonly string[]).includes(key)) {
          invalid(
            `${at}.match`,
            `cannot match on ${JSON.stringify(
              key,
            )}: supported fields are ${TARGET_MATCH_KEYS.join(', ')}`,
          );
        }
        const values = Array.isArray(value) ? value : [value];
        if (
          values.length === 0 ||
          values.some(v => typeof v !== 'string' || v.trim() === '')
        ) {
          invalid(
            `${at}.match.${key}`,
            'must be a non-empty string or list of strings',
          );
        }
        return {
          key: key as TargetMatchKey,
          values: (values as string[]).map(v =>
            normalizeValue(key as TargetMatchKey, v),
          ),
        };
      },
    );
    const minPercent = entry.minPercent;
    if (
      minPercent !== undefined &&
      !(typeof minPercent === 'number' && minPercent > 0 && minPercent <= 100)
    ) {
      invalid(`${at}.minPercent`, 'must be a number above 0 and at most 100');
    }
    const noCritical = entry.noCritical ?? false;
    if (typeof noCritical !== 'boolean') {
      invalid(`${at}.noCritical`, 'must be true or false');
    }
    if (minPercent === undefined && !noCritical) {
      invalid(
        at,
        'sets neither minPercent nor noCritical: it could never be missed',
      );
    }
    const basis = entry.score ?? 'adjusted';
    if (basis !== 'adjusted' && basis !== 'raw') {
      invalid(`${at}.score`, 'must be adjusted or raw');
    }
    const name =
      typeof entry.name === 'string' && entry.name.trim()
        ? entry.name.trim()
        : conditions.map(c => `${c.key}=${c.values.join('|')}`).join(', ') ||
          'everything';
    return {
      name,
      match: conditions,
      ...(minPercent !== undefined ? { minPercent: minPercent as number } : {}),
      noCritical: noCritical as boolean,
      basis: basis as 'adjusted' | 'raw',
    };
  });
}

function normalizeValue(key: TargetMatchKey, value: string): string {
  const v = value.trim();
  if (key === 'spec.owner') {
    return tryNormalizeRef(v, { defaultKind: 'group' }) ?? v.toLowerCase();
  }
  if (key === 'spec.system') {
    return tryNormalizeRef(v, { defaultKind: 'system' }) ?? v.toLowerCase();
  }
  return v.toLowerCase();
}

function fieldOf(
  entity: StoredCatalogEntity,
  key: TargetMatchKey,
): string | undefined {
  switch (key) {
    case 'kind':
      return entity.kind;
    case 'metadata.namespace':
      return entity.namespace;
    case 'metadata.name':
      return entity.name;
    case 'spec.type':
      return entity.type;
    case 'spec.lifecycle':
      return entity.lifecycle;
    case 'spec.owner':
      return entity.ownerRef;
    case 'spec.system':
      return entity.systemRef;
    default:
      return undefined;
  }
}

/** The first target whose conditions the entity meets (targets are tiers, in order). */
export function findTarget(
  targets: readonly TargetDefinition[],
  entity: StoredCatalogEntity,
): TargetDefinition | undefined {
  return targets.find(t =>
    t.match.every(c => {
      const value = fieldOf(entity, c.key)?.toLowerCase();
      return value !== undefined && c.values.includes(value);
    }),
  );
}

/**
 * Whether a posture meets a target, why not, and which failing controls (most
 * points first) would lift the score to the target when fixed.
 */
export function evaluateTarget(
  target: TargetDefinition,
  input: TargetInput,
): PostureTargetStatus {
  const adjusted = target.basis === 'adjusted';
  const earned = adjusted ? input.adjustedEarned : input.earned;
  const percent = toPercent(earned, input.possible);
  const reasons: string[] = [];
  let pointsToGain: PointsToGain[] = [];
  const label = adjusted ? 'score with exemptions' : 'score';
  if (target.minPercent !== undefined) {
    if (percent === null) {
      reasons.push(
        `No ${label} yet: nothing was evaluated, so the target of ${target.minPercent}% cannot be shown to be met`,
      );
    } else if (percent < target.minPercent) {
      reasons.push(
        `The ${label} ${percent.toFixed(1)}% is below the target of ${
          target.minPercent
        }%`,
      );
      pointsToGain = pointsToReach(
        target.minPercent,
        earned,
        input.possible,
        input.controls ?? [],
        adjusted,
      );
    }
  }
  const critical = input.counts.critical;
  if (target.noCritical && critical > 0) {
    reasons.push(
      `${critical} open critical finding${
        critical === 1 ? '' : 's'
      } (the target allows none)`,
    );
  }
  return {
    name: target.name,
    ...(target.minPercent !== undefined
      ? { minPercent: target.minPercent }
      : {}),
    noCritical: target.noCritical,
    basis: target.basis,
    met: reasons.length === 0,
    reasons,
    pointsToGain,
    criticalFindings: critical,
  };
}

/**
 * The fewest failing controls, largest gain first, that lift `earned` to
 * `minPercent` of `possible` (as the score is shown: rounded to one decimal). All
 * failing controls when even they are not enough.
 */
export function pointsToReach(
  minPercent: number,
  earned: number,
  possible: number,
  controls: readonly ControlScore[],
  adjusted: boolean,
): PointsToGain[] {
  if (possible <= 0) return [];
  const candidates = controls
    .map(c => {
      const status = adjusted ? c.adjustedStatus : c.status;
      const got = adjusted ? c.adjustedEarned : c.earned;
      return { c, status, points: c.possible - got };
    })
    .filter(x => x.status === 'fail' && x.points > 0)
    .sort((a, b) => b.points - a.points || a.c.id.localeCompare(b.c.id));
  const out: PointsToGain[] = [];
  let total = earned;
  for (const { c, points } of candidates) {
    if ((toPercent(total, possible) ?? 0) >= minPercent) break;
    total += points;
    out.push({
      control: c.id,
      title: c.title,
      category: c.category,
      points,
      percentGain: Math.round((points / possible) * 1000) / 10,
    });
  }
  return out;
}

/**
 * A team's target summary from its entities' statuses and its own (when a target
 * matches the group).
 */
export function summarizeTeamTargets(
  entities: ReadonlyArray<{ entityRef: string; target?: PostureTargetStatus }>,
  own?: PostureTargetStatus,
  listEntities = true,
): TeamTargetSummary | undefined {
  const evaluated = entities.filter(e => e.target);
  if (evaluated.length === 0 && !own) return undefined;
  const missed = evaluated.filter(e => !e.target!.met);
  return {
    evaluated: evaluated.length,
    missed: missed.length,
    ...(listEntities
      ? { missedEntities: missed.map(e => e.entityRef).slice(0, 100) }
      : {}),
    ...(own ? { own } : {}),
    outOfTarget: missed.length > 0 || (own ? !own.met : false),
  };
}
