import type {
  CategoryScore,
  ControlScore,
  Evidence,
  Exemption,
  FindingResource,
  PointsToGain,
  SeverityCounts,
  Severity,
  CategoryId,
} from '@internal/backstage-plugin-security-posture-common';
import type { FrameworkStates } from '../frameworks/frameworkStates';

/** Status of a scan run. */
export type ScanRunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'aborted';

/** What started a scan run. */
export type ScanTrigger = 'schedule' | 'manual' | 'startup';

/** A row of `scan_runs`. */
export interface ScanRun {
  id: string;
  trigger: ScanTrigger;
  /** Entity ref when one entity was scanned, null for everything. */
  scope: string | null;
  /** `i/n` for a scheduled shard. */
  shard: string | null;
  status: ScanRunStatus;
  requestedBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  counts: ScanCounts;
  errors: string[];
}

/** Counters of a scan run. */
export interface ScanCounts {
  entities: number;
  resources: number;
  findings: number;
  errors: number;
}

/** An entity as the plugin keeps it from the catalog. */
export interface CatalogEntityInfo {
  /** `kind:namespace/name`, lower case. */
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  type?: string;
  lifecycle?: string;
  ownerRef?: string;
  systemRef?: string;
  domainRef?: string;
  /** Parent group (Group) or parent domain (Domain). */
  parentRef?: string;
  /** Resources are assessed for this entity. */
  scanned: boolean;
}

/** A catalog entity row with its surrogate id. */
export interface StoredCatalogEntity extends CatalogEntityInfo {
  id: number;
}

/** Status kept in the latest-posture table. */
export type StoredPostureStatus = 'ok' | 'partial';

/** Categories as stored: raw and exemption-adjusted. */
export interface StoredCategories {
  raw: CategoryScore[];
  adjusted: CategoryScore[];
}

/** Latest posture of an entity or roll-up, as written and read. */
export interface PostureRecord {
  entityRef: string;
  isRollup: boolean;
  status: StoredPostureStatus;
  statusReasons: string[];
  staleSince: Date | null;
  lastScanAt: Date | null;
  lastScanId: string | null;
  earned: number;
  possible: number;
  percent: number | null;
  adjustedEarned: number;
  adjustedPercent: number | null;
  coverage: number | null;
  coverageEvidenced: number;
  coverageApplicable: number;
  categories: StoredCategories;
  controls: ControlScore[];
  pointsToGain: PointsToGain[];
  exemptions: Exemption[];
  counts: SeverityCounts;
  resourceCount: number;
  memberCount: number;
  modelVersion: string | null;
  inputHash: string | null;
  delta7d: number | null;
  delta30d: number | null;
  updatedAt: Date;
  /**
   * What the checks mapped onto each framework control did (merged over the
   * members for a roll-up); null or absent when not computed.
   */
  frameworks?: FrameworkStates | null;
}

/** A latest-posture row joined with its catalog entity. */
export interface PostureWithEntity extends PostureRecord {
  entity: StoredCatalogEntity;
}

/** A group roll-up as the leaderboard ranks it: no JSON columns. */
export interface RankedRollup {
  ref: string;
  title?: string;
  type?: string;
  earned: number;
  possible: number;
  adjustedEarned: number;
  delta7d: number | null;
  delta30d: number | null;
  memberCount: number;
  counts: SeverityCounts;
}

/** A finding as the scanner hands it to the store. */
export interface FindingWrite {
  fingerprint: string;
  checkId: string;
  resourceUid: string;
  resource: FindingResource;
  severity: Severity;
  category: CategoryId;
  control: string;
  status: 'open' | 'exempted' | 'error';
  title: string;
  message: string;
  evidence: Evidence[];
  remediation: { text: string; url: string };
  exemption?: Exemption;
}

/** A finding row. */
export interface StoredFinding extends Omit<FindingWrite, 'status'> {
  id: string;
  entityRef: string;
  status: 'open' | 'exempted' | 'error' | 'resolved';
  firstSeen: Date;
  lastSeen: Date;
  resolvedAt: Date | null;
}

/** An owned resource as recorded for an entity. */
export interface OwnedResourceWrite {
  uid: string;
  provider: string;
  type: string;
  kind: string;
  name: string;
  namespace?: string;
  address?: string;
  source?: string;
  contentHash: string;
}

/** A resource a provider saw that its reporter does not claim. */
export interface UnclaimedResourceWrite {
  uid: string;
  provider: string;
  type: string;
  kind: string;
  name: string;
  namespace?: string;
  location?: string;
  teamRef?: string;
}

/** Per entity and provider state. */
export interface EntityProviderState {
  provider: string;
  status: 'ok' | 'failed' | 'quarantined';
  resourceCount: number;
  pendingCount: number | null;
  pendingScans: number;
  error: string | null;
}

/** Per provider and shard state. */
export interface ProviderShardState {
  provider: string;
  shard: string;
  lastCount: number;
  pendingCount: number | null;
  pendingScans: number;
  quarantinedSince: Date | null;
}

/** One point of the history. */
export interface HistoryRow {
  at: Date;
  percent: number | null;
  adjustedPercent: number | null;
  categories: Array<{ id: CategoryId; percent: number | null }>;
  modelVersion: string | null;
}
