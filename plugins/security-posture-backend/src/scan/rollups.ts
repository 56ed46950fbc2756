import {
  CATEGORY_IDS,
  CATEGORY_TITLES,
  summarize,
  toPercent,
  type CategoryScore,
  type ControlScore,
  type ControlStatus,
  type PointsToGain,
} from '@internal/backstage-plugin-security-posture-common';
import type { PostureWrite } from '../database/SecurityPostureStore';
import { mergeFrameworkStates } from '../frameworks/frameworkStates';
import type { PostureWithEntity, StoredCatalogEntity } from '../database/types';

/** A computed roll-up for one System, Domain or Group. */
export interface Rollup {
  entityId: number;
  entityRef: string;
  /** Refs of the scored entities it aggregates. */
  memberRefs: string[];
  posture: PostureWrite;
}

/** The catalog hierarchy, indexed for roll-ups and team pages. */
export class Hierarchy {
  private readonly byRef = new Map<string, StoredCatalogEntity>();
  private readonly childGroups = new Map<string, string[]>();
  private readonly subdomains = new Map<string, string[]>();
  private readonly systemsOfDomain = new Map<string, string[]>();
  private readonly membersOfSystem = new Map<string, string[]>();
  private readonly ownedBy = new Map<string, string[]>();

  constructor(entities: readonly StoredCatalogEntity[]) {
    const push = (map: Map<string, string[]>, key: string, value: string) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const e of entities) {
      this.byRef.set(e.ref, e);
      if (e.kind === 'group' && e.parentRef) {
        push(this.childGroups, e.parentRef, e.ref);
      }
      if (e.kind === 'domain' && e.parentRef) {
        push(this.subdomains, e.parentRef, e.ref);
      }
      if (e.kind === 'system' && e.domainRef) {
        push(this.systemsOfDomain, e.domainRef, e.ref);
      }
      if (e.systemRef) push(this.membersOfSystem, e.systemRef, e.ref);
      if (e.ownerRef) push(this.ownedBy, e.ownerRef, e.ref);
    }
  }

  get(ref: string): StoredCatalogEntity | undefined {
    return this.byRef.get(ref);
  }

  all(): IterableIterator<StoredCatalogEntity> {
    return this.byRef.values();
  }

  /** Direct sub-groups of a group. */
  subGroups(groupRef: string): string[] {
    return this.childGroups.get(groupRef) ?? [];
  }

  /** A group and every group below it (cycle-safe). */
  groupSubtree(groupRef: string): string[] {
    return this.closure(groupRef, ref => this.childGroups.get(ref) ?? []);
  }

  /** Every group above a group (its parent, the parent's parent …). */
  ancestorGroups(groupRef: string): string[] {
    const out: string[] = [];
    const seen = new Set([groupRef]);
    let current = this.byRef.get(groupRef)?.parentRef;
    while (current && !seen.has(current)) {
      out.push(current);
      seen.add(current);
      current = this.byRef.get(current)?.parentRef;
    }
    return out;
  }

  /** Entities owned by a group or any group below it. */
  ownedBySubtree(groupRef: string): string[] {
    const out: string[] = [];
    for (const g of this.groupSubtree(groupRef)) {
      out.push(...(this.ownedBy.get(g) ?? []));
    }
    return out;
  }

  /** Entities that are part of a system. */
  systemMembers(systemRef: string): string[] {
    return this.membersOfSystem.get(systemRef) ?? [];
  }

  /** Entities that are part of the systems of a domain and its sub-domains. */
  domainMembers(domainRef: string): string[] {
    const out: string[] = [];
    for (const d of this.closure(
      domainRef,
      r => this.subdomains.get(r) ?? [],
    )) {
      for (const s of this.systemsOfDomain.get(d) ?? []) {
        out.push(...this.systemMembers(s));
      }
    }
    return out;
  }

  /** What a roll-up entity aggregates: a system's parts, a domain's systems' parts, what a group's subtree owns. */
  membersOf(ref: string): string[] {
    const kind = ref.slice(0, ref.indexOf(':'));
    if (kind === 'system') return this.systemMembers(ref);
    if (kind === 'domain') return this.domainMembers(ref);
    if (kind === 'group') return this.ownedBySubtree(ref);
    return [];
  }

  private closure(start: string, next: (ref: string) => string[]): string[] {
    const seen = new Set<string>([start]);
    const queue = [start];
    while (queue.length > 0) {
      const ref = queue.shift()!;
      for (const child of next(ref)) {
        if (!seen.has(child)) {
          seen.add(child);
          queue.push(child);
        }
      }
    }
    return [...seen];
  }
}

/**
 * Aggregates scored entities into one posture: Σ earned / Σ possible overall, per
 * category and per control; severity counts, coverage and points to gain summed;
 * framework control states merged (a control fails when it fails on a member).
 */
export function aggregatePostures(
  entityRef: string,
  members: readonly PostureWithEntity[],
  modelVersion: string | null,
): PostureWrite {
  let earned = 0;
  let possible = 0;
  let adjustedEarned = 0;
  let evidenced = 0;
  let applicable = 0;
  let resources = 0;
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  const cats = new Map<string, { e: number; p: number; ae: number }>();
  const controls = new Map<string, ControlScore>();
  let partial = 0;
  let staleSince: Date | null = null;
  for (const m of members) {
    earned += m.earned;
    possible += m.possible;
    adjustedEarned += m.adjustedEarned;
    evidenced += m.coverageEvidenced;
    applicable += m.coverageApplicable;
    resources += m.resourceCount;
    counts.critical += m.counts.critical;
    counts.high += m.counts.high;
    counts.medium += m.counts.medium;
    counts.low += m.counts.low;
    if (m.status === 'partial') partial++;
    if (m.staleSince && (!staleSince || m.staleSince < staleSince)) {
      staleSince = m.staleSince;
    }
    for (const c of m.categories.raw) {
      const acc = cats.get(c.id) ?? { e: 0, p: 0, ae: 0 };
      acc.e += c.earned;
      acc.p += c.possible;
      const adjusted = m.categories.adjusted.find(a => a.id === c.id);
      acc.ae += adjusted ? adjusted.earned : c.earned;
      cats.set(c.id, acc);
    }
    for (const c of m.controls) {
      const acc = controls.get(c.id);
      if (!acc) {
        controls.set(c.id, { ...c });
        continue;
      }
      acc.earned += c.earned;
      acc.adjustedEarned += c.adjustedEarned;
      acc.possible += c.possible;
      acc.passed += c.passed;
      acc.failed += c.failed;
      acc.exempted += c.exempted;
      acc.errors += c.errors;
      acc.status = combineStatus(acc.status, c.status);
      acc.adjustedStatus = combineStatus(acc.adjustedStatus, c.adjustedStatus);
    }
  }
  const round = (v: number) => Math.round(v * 100) / 100;
  earned = round(earned);
  possible = round(possible);
  adjustedEarned = round(adjustedEarned);
  const raw: CategoryScore[] = [];
  const adjusted: CategoryScore[] = [];
  for (const id of CATEGORY_IDS) {
    const acc = cats.get(id) ?? { e: 0, p: 0, ae: 0 };
    raw.push({
      id,
      title: CATEGORY_TITLES[id],
      ...summarize(round(acc.e), round(acc.p)),
    });
    adjusted.push({
      id,
      title: CATEGORY_TITLES[id],
      ...summarize(round(acc.ae), round(acc.p)),
    });
  }
  const controlList = [...controls.values()].map(c => ({
    ...c,
    earned: round(c.earned),
    adjustedEarned: round(c.adjustedEarned),
    possible: round(c.possible),
  }));
  const pointsToGain: PointsToGain[] = controlList
    .filter(c => c.possible > c.earned && c.status === 'fail')
    .map(c => ({
      control: c.id,
      title: c.title,
      category: c.category,
      points: round(c.possible - c.earned),
      percentGain:
        possible > 0
          ? Math.round(((c.possible - c.earned) / possible) * 1000) / 10
          : 0,
    }))
    .sort((a, b) => b.points - a.points || a.control.localeCompare(b.control));
  return {
    entityRef,
    isRollup: true,
    status: partial > 0 ? 'partial' : 'ok',
    statusReasons:
      partial > 0
        ? [`${partial} of ${members.length} entities have partial results`]
        : [],
    staleSince,
    earned,
    possible,
    percent: toPercent(earned, possible),
    adjustedEarned,
    adjustedPercent: toPercent(adjustedEarned, possible),
    coverage:
      applicable > 0
        ? Math.round((evidenced / applicable) * 1000) / 1000
        : null,
    coverageEvidenced: round(evidenced),
    coverageApplicable: round(applicable),
    categories: { raw, adjusted },
    controls: controlList,
    pointsToGain,
    exemptions: [],
    counts,
    resourceCount: resources,
    memberCount: members.length,
    modelVersion,
    inputHash: null,
    frameworks: mergeFrameworkStates(members.map(m => m.frameworks)),
  };
}

const STATUS_ORDER: ControlStatus[] = [
  'fail',
  'unknown',
  'pass',
  'not_applicable',
];

function combineStatus(a: ControlStatus, b: ControlStatus): ControlStatus {
  // A roll-up control fails when any member fails; passes when members that had
  // evidence pass; unknown beats pass so missing evidence is never hidden.
  return STATUS_ORDER.indexOf(a) <= STATUS_ORDER.indexOf(b) ? a : b;
}

/**
 * Computes the roll-ups of every System, Domain and Group from the latest
 * postures of the scored entities: Component/Resource → System → Domain, and Group
 * through the whole `childOf` hierarchy (a group's roll-up covers what it and
 * every sub-group owns). Entities owned by a User are not counted for the user's
 * groups, as the org plugin's ownership card counts a group's entities. Roll-ups
 * without scored members are left out.
 */
export function computeRollups(
  hierarchy: Hierarchy,
  scored: readonly PostureWithEntity[],
  modelVersion: string | null,
): Rollup[] {
  const byRef = new Map(scored.map(p => [p.entity.ref, p]));
  const rollups: Rollup[] = [];
  for (const e of hierarchy.all()) {
    if (e.kind !== 'system' && e.kind !== 'domain' && e.kind !== 'group') {
      continue;
    }
    const memberRefs = hierarchy.membersOf(e.ref);
    const members: PostureWithEntity[] = [];
    const seen = new Set<string>();
    for (const ref of memberRefs) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const p = byRef.get(ref);
      if (p) members.push(p);
    }
    if (members.length === 0) continue;
    rollups.push({
      entityId: e.id,
      entityRef: e.ref,
      memberRefs: members.map(m => m.entity.ref),
      posture: aggregatePostures(e.ref, members, modelVersion),
    });
  }
  return rollups;
}
