import {
  CATEGORY_IDS,
  CATEGORY_TITLES,
  summarize,
  type EntityPosture,
  type EntityScoreSummary,
  type Finding,
  type HistoryPoint,
  type PostureStatus,
  type ScanRunInfo,
} from '@internal/backstage-plugin-security-posture-common';
import type {
  HistoryRow,
  PostureWithEntity,
  ScanRun,
  StoredCatalogEntity,
  StoredFinding,
} from '../database/types';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** `ok` results older than the staleness window are shown as `stale`. */
export function statusOf(
  p: PostureWithEntity,
  now: Date,
  staleAfterMs: number,
): { status: PostureStatus; reasons: string[] } {
  const reasons = [...p.statusReasons];
  if (p.status === 'partial') return { status: 'partial', reasons };
  if (p.lastScanAt && now.getTime() - p.lastScanAt.getTime() > staleAfterMs) {
    reasons.push(
      `The last successful scan was at ${p.lastScanAt.toISOString()}, longer ago than the staleness window`,
    );
    return { status: 'stale', reasons };
  }
  return { status: 'ok', reasons };
}

/** The latest posture in the API's shape. */
export function toEntityPosture(
  p: PostureWithEntity,
  now: Date,
  staleAfterMs: number,
): EntityPosture {
  const { status, reasons } = statusOf(p, now, staleAfterMs);
  return {
    entityRef: p.entity.ref,
    ...(p.entity.title ? { title: p.entity.title } : {}),
    status,
    statusReasons: reasons,
    staleSince: iso(p.staleSince),
    lastScanAt: iso(p.lastScanAt),
    score: summarize(p.earned, p.possible),
    adjustedScore: summarize(p.adjustedEarned, p.possible),
    categories: p.categories.raw,
    adjustedCategories: p.categories.adjusted,
    controls: p.controls,
    coverage: p.coverage,
    counts: p.counts,
    pointsToGain: p.pointsToGain,
    exemptions: p.exemptions,
    resourceCount: p.resourceCount,
    modelVersion: p.modelVersion,
    trend: { delta7d: p.delta7d, delta30d: p.delta30d },
  };
}

/** The answer for an entity the catalog knows but no scan has covered. */
export function neverScanned(
  entityRef: string,
  title: string | undefined,
  reasons: string[],
): EntityPosture {
  const empty = CATEGORY_IDS.map(id => ({
    id,
    title: CATEGORY_TITLES[id],
    ...summarize(0, 0),
  }));
  return {
    entityRef,
    ...(title ? { title } : {}),
    status: 'never-scanned',
    statusReasons: reasons,
    staleSince: null,
    lastScanAt: null,
    score: summarize(0, 0),
    adjustedScore: summarize(0, 0),
    categories: empty,
    adjustedCategories: empty,
    controls: [],
    coverage: null,
    counts: { critical: 0, high: 0, medium: 0, low: 0 },
    pointsToGain: [],
    exemptions: [],
    resourceCount: 0,
    modelVersion: null,
    trend: { delta7d: null, delta30d: null },
  };
}

/** A row of a ranking. */
export function toSummary(
  p: PostureWithEntity,
  now: Date,
  staleAfterMs: number,
): EntityScoreSummary {
  return {
    entityRef: p.entity.ref,
    kind: p.entity.kind,
    ...(p.entity.title ? { title: p.entity.title } : {}),
    score: summarize(p.earned, p.possible),
    adjustedScore: summarize(p.adjustedEarned, p.possible),
    status: statusOf(p, now, staleAfterMs).status,
    counts: p.counts,
    trend: { delta7d: p.delta7d, delta30d: p.delta30d },
  };
}

/** A summary for an entity without posture. */
export function emptySummary(e: StoredCatalogEntity): EntityScoreSummary {
  return {
    entityRef: e.ref,
    kind: e.kind,
    ...(e.title ? { title: e.title } : {}),
    score: summarize(0, 0),
    adjustedScore: summarize(0, 0),
    status: 'never-scanned',
    counts: { critical: 0, high: 0, medium: 0, low: 0 },
    trend: { delta7d: null, delta30d: null },
  };
}

/** A finding in the API's shape. */
export function toFinding(f: StoredFinding, entityRef: string): Finding {
  return {
    id: f.id,
    entityRef: f.entityRef || entityRef,
    checkId: f.checkId,
    title: f.title,
    severity: f.severity,
    category: f.category,
    control: f.control,
    status: f.status,
    resource: f.resource,
    message: f.message,
    evidence: f.evidence,
    remediation: f.remediation,
    firstSeen: f.firstSeen.toISOString(),
    lastSeen: f.lastSeen.toISOString(),
    resolvedAt: iso(f.resolvedAt),
    ...(f.exemption ? { exemption: f.exemption } : {}),
  };
}

/** A history point in the API's shape. */
export function toHistoryPoint(h: HistoryRow): HistoryPoint {
  return {
    at: h.at.toISOString(),
    percent: h.percent,
    adjustedPercent: h.adjustedPercent,
    categories: h.categories,
    modelVersion: h.modelVersion,
  };
}

/** A scan run in the API's shape. */
export function toScanRunInfo(run: ScanRun): ScanRunInfo {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    entityRef: run.scope,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    counts: run.counts,
    errors: [...(run.error ? [run.error] : []), ...run.errors],
  };
}
