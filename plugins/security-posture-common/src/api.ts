/**
 * Shapes of the REST API served at `/api/security-posture` (backend) and read by the
 * frontend client. Dates are ISO 8601 strings.
 */
import type {
  CategoryScore,
  ControlScore,
  PointsToGain,
  ScoreSummary,
} from './score';
import type {
  CategoryId,
  CheckMetadata,
  Evidence,
  FrameworkId,
  Severity,
} from './types';

/**
 * - `ok`: last scan complete;
 * - `partial`: a provider failed for this entity; last known results are kept (`staleSince`);
 * - `stale`: no successful scan for longer than the configured staleness window;
 * - `never-scanned`: no result yet.
 * @public
 */
export type PostureStatus = 'ok' | 'partial' | 'stale' | 'never-scanned';

/** Failing findings by severity. @public */
export type SeverityCounts = Record<Severity, number>;

/** An exemption as declared (catalog annotation or policy file). @public */
export interface Exemption {
  checkId: string;
  entityRef: string;
  /** Resource uid or name (glob) the exemption is limited to, if any. */
  resource?: string;
  reason: string;
  approver: string;
  ticket?: string;
  /** ISO date; the exemption stops applying after it. */
  expires: string;
  /** Where it was declared. */
  source?: string;
}

/** Score changes over time windows, in percentage points. @public */
export interface ScoreTrend {
  delta7d: number | null;
  delta30d: number | null;
}

/** `GET /entities/:kind/:namespace/:name` @public */
export interface EntityPosture {
  entityRef: string;
  title?: string;
  status: PostureStatus;
  /** Why the status is not `ok` (provider errors, quarantine …). */
  statusReasons: string[];
  staleSince: string | null;
  lastScanAt: string | null;
  /** Raw score. */
  score: ScoreSummary;
  /** Score with active exemptions applied. */
  adjustedScore: ScoreSummary;
  categories: CategoryScore[];
  adjustedCategories: CategoryScore[];
  controls: ControlScore[];
  coverage: number | null;
  /** Open failing findings by severity. */
  counts: SeverityCounts;
  pointsToGain: PointsToGain[];
  exemptions: Exemption[];
  resourceCount: number;
  modelVersion: string | null;
  trend: ScoreTrend;
}

/** Lifecycle status of a finding. @public */
export type FindingStatus = 'open' | 'exempted' | 'resolved' | 'error';

/** The resource a finding is about. @public */
export interface FindingResource {
  uid: string;
  type: string;
  kind: string;
  name: string;
  namespace?: string;
  address?: string;
  /** File or location the resource was read from. */
  source?: string;
}

/** One failing (or formerly failing) check on one resource. @public */
export interface Finding {
  id: string;
  entityRef: string;
  checkId: string;
  title: string;
  severity: Severity;
  category: CategoryId;
  control: string;
  status: FindingStatus;
  resource: FindingResource;
  message: string;
  evidence: Evidence[];
  remediation: { text: string; url: string };
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  exemption?: Exemption;
}

/** A page of a list; pass `nextCursor` as `cursor` for the next page. @public */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  totalCount: number;
}

/** `GET /entities/:kind/:namespace/:name/history` @public */
export interface HistoryPoint {
  at: string;
  percent: number | null;
  adjustedPercent: number | null;
  categories: Array<{ id: CategoryId; percent: number | null }>;
  modelVersion: string | null;
}

/** A row of a ranking. @public */
export interface EntityScoreSummary {
  entityRef: string;
  kind: string;
  title?: string;
  score: ScoreSummary;
  adjustedScore: ScoreSummary;
  status: PostureStatus;
  counts: SeverityCounts;
  trend: ScoreTrend;
}

/** `GET /teams/:namespace/:name` @public */
export interface TeamPosture {
  entityRef: string;
  title?: string;
  score: ScoreSummary;
  adjustedScore: ScoreSummary;
  categories: CategoryScore[];
  coverage: number | null;
  counts: SeverityCounts;
  trend: ScoreTrend;
  /** Entities owned by the group and its sub-groups, worst first. */
  entities: EntityScoreSummary[];
  subTeams: EntityScoreSummary[];
  /** Worst open findings across the team's entities. */
  worstFindings: Finding[];
  /** Ownership coverage of the team, when known. */
  ownership?: { owned: number; total: number };
}

/** `GET /leaderboard` @public */
export interface LeaderboardEntry {
  rank: number;
  entityRef: string;
  title?: string;
  score: ScoreSummary;
  adjustedScore: ScoreSummary;
  trend: ScoreTrend;
  entityCount: number;
  counts: SeverityCounts;
}

/** @public */
export interface Leaderboard {
  teams: LeaderboardEntry[];
  entities: EntityScoreSummary[];
  generatedAt: string;
}

/** A resource seen by a provider that no entity claims. @public */
export interface UnownedResource {
  uid: string;
  type: string;
  kind: string;
  name: string;
  namespace?: string;
  provider: string;
  location?: string;
  lastSeen: string;
}

/** `GET /ownership` @public */
export interface OwnershipReport {
  unowned: Page<UnownedResource>;
  teams: Array<{
    entityRef: string;
    title?: string;
    owned: number;
    total: number;
    percent: number | null;
  }>;
}

/** `GET /checks` @public */
export interface CheckCatalogue {
  checks: CheckMetadata[];
  frameworks: FrameworkId[];
  modelVersion: string;
}

/** `POST /scans`, `GET /scans/:id` @public */
export interface ScanRunInfo {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'aborted';
  trigger: 'schedule' | 'manual' | 'startup';
  entityRef: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  counts: {
    entities: number;
    resources: number;
    findings: number;
    errors: number;
  };
  errors: string[];
}
