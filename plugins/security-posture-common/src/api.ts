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
  /**
   * The posture target that applies to the entity (`securityPosture.targets`),
   * and whether it is met; absent when no target matches.
   */
  target?: PostureTargetStatus;
  /**
   * Compliance per framework (CIS, NIST 800-53, SOC 2, PCI DSS, ISO 27001):
   * the share of the framework controls evaluated on the entity (or, for a
   * roll-up, on its members) whose checks all pass. Absent for results computed
   * before the plugin kept it.
   */
  frameworks?: FrameworkCompliance[];
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
  /** A Software Template that fixes it, when one is configured for the check. */
  fix?: FindingFixTemplate;
}

/**
 * What `GET …/findings` sorts by (`sort=<key>`; `sort=-<key>` for descending):
 * `severity` (low → critical), `category`, `status`, `firstSeen`, `lastSeen`,
 * `check` (check id) and `resource` (kind, namespace and name). Ties are broken
 * most severe first, then by finding id, so paging is stable. @public
 */
export const FINDING_SORT_KEYS = [
  'severity',
  'category',
  'status',
  'firstSeen',
  'lastSeen',
  'check',
  'resource',
] as const;

/** A key of {@link FINDING_SORT_KEYS}. @public */
export type FindingSortKey = (typeof FINDING_SORT_KEYS)[number];

/** A findings sort order: a key, ascending, or `-` and a key, descending. @public */
export type FindingSort = FindingSortKey | `-${FindingSortKey}`;

/** The order findings come in when no sort is asked for: most severe first. @public */
export const DEFAULT_FINDING_SORT: FindingSort = '-severity';

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
  /** The posture target that applies, when one matches. */
  target?: PostureTargetStatus;
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
  /** Posture targets over the team's entities (and the team itself). */
  target?: TeamTargetSummary;
  /**
   * Compliance per framework over everything the team and its sub-teams own: a
   * framework control passes when its checks pass on every entity that
   * evaluated it. Computed when the roll-ups are, stored with them.
   */
  frameworks?: FrameworkCompliance[];
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
  /** Posture targets over the team's entities (counts only). */
  target?: TeamTargetSummary;
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

// ------------------------------------------------ response and governance

/**
 * How an entity (or a roll-up) compares with the posture target that applies to
 * it. Targets are configured under `securityPosture.targets`, keyed on catalog
 * metadata (`spec.lifecycle: production` ⇒ at least 90 % and no critical
 * failure). @public
 */
export interface PostureTargetStatus {
  /** Name of the target (its `name`, or one made from its match). */
  name: string;
  /** Least score, in percent, when the target sets one. */
  minPercent?: number;
  /** Whether an open critical finding misses the target. */
  noCritical: boolean;
  /** The score the target is measured on: exemption-adjusted (default) or raw. */
  basis: 'adjusted' | 'raw';
  met: boolean;
  /** Why the target is missed; empty when it is met. */
  reasons: string[];
  /**
   * Failing controls, most points first, whose fixing would lift the score to
   * `minPercent`; empty when the score is already high enough.
   */
  pointsToGain: PointsToGain[];
  /** Open critical findings (they miss a `noCritical` target). */
  criticalFindings: number;
}

/** Posture targets over a team's entities. @public */
export interface TeamTargetSummary {
  /** Entities a target applies to. */
  evaluated: number;
  /** Entities that miss their target. */
  missed: number;
  /** Refs of the entities that miss their target (those the caller may read). */
  missedEntities?: string[];
  /** The group's own target, when one matches the group. */
  own?: PostureTargetStatus;
  /** True when the team or one of its entities misses its target. */
  outOfTarget: boolean;
}

/** A Software Template that fixes a finding, with the form prefilled. @public */
export interface FindingFixTemplate {
  /** `template:<namespace>/<name>` */
  templateRef: string;
  /** Label of the action, e.g. "Harden with the secure service template". */
  title: string;
  /** Values prefilled in the template's form. */
  formData: Record<string, unknown>;
  /** App-relative link to the scaffolder with the form prefilled. */
  url: string;
}

/** Summary of durations (time to remediate). @public */
export interface DurationStats {
  /** Findings measured. */
  count: number;
  /** Median, in hours; null without data. */
  medianHours: number | null;
  /** 90th percentile, in hours; null without data. */
  p90Hours: number | null;
}

/** Time to remediate (first seen → resolved), overall and per severity. @public */
export interface RemediationStats extends DurationStats {
  bySeverity: Record<Severity, DurationStats>;
}

/** Age buckets of open findings. @public */
export type FindingAgeBucketId = 'lt7d' | 'd7to30' | 'd30to90' | 'gt90d';

/** Open findings of one age bucket, by severity. @public */
export interface FindingAgeBucket {
  id: FindingAgeBucketId;
  label: string;
  /** Lower bound in days (inclusive). */
  minDays: number;
  /** Upper bound in days (exclusive); null for the last bucket. */
  maxDays: number | null;
  counts: SeverityCounts;
  total: number;
}

/** Open findings by how long they have been open. @public */
export interface OpenFindingsByAge {
  buckets: FindingAgeBucket[];
  total: number;
}

/** A finding named in a posture change. @public */
export interface ChangedFinding {
  id?: string;
  checkId: string;
  title: string;
  severity: Severity;
  /** `Kind namespace/name` of the resource. */
  resource: string;
}

/** Why a posture change is a regression. @public */
export type RegressionReason = 'score-drop' | 'new-critical';

/**
 * What a scan changed for an entity: new failing findings, fixed ones and the
 * score change; a regression when the score dropped by at least the configured
 * points or a new critical finding appeared. @public
 */
export interface PostureChange {
  id: string;
  entityRef: string;
  scanId: string;
  at: string;
  /** Raw score before and after, in percent. */
  previousPercent: number | null;
  currentPercent: number | null;
  /** Exemption-adjusted score before and after, in percent. */
  previousAdjustedPercent: number | null;
  currentAdjustedPercent: number | null;
  /** The scoring model changed in this scan (a score change may be the rules', not the posture's). */
  modelChanged: boolean;
  /** New failing findings (at most 50 listed). */
  opened: ChangedFinding[];
  openedCount: number;
  /** Findings fixed by the scan (at most 50 listed). */
  resolved: ChangedFinding[];
  resolvedCount: number;
  regression: boolean;
  reasons: RegressionReason[];
  /**
   * What happened to the owners' notification: `sent`, `failed`, `opted-out`
   * (team settings), `no-owner`, `already-notified`; null when it is not a regression.
   */
  notification: string | null;
}

/** `GET /teams/:namespace/:name/response` @public */
export interface TeamResponse {
  entityRef: string;
  title?: string;
  window: { from: string; to: string; days: number };
  /** Time to remediate findings resolved in the window. */
  timeToRemediate: RemediationStats;
  /** Findings open now, by age. */
  openByAge: OpenFindingsByAge;
  /** Regressions of the team's entities in the window, newest first (at most 50). */
  regressions: PostureChange[];
}

/** A team's row of the response report. @public */
export interface TeamResponseRow {
  entityRef: string;
  title?: string;
  timeToRemediate: RemediationStats;
  openByAge: OpenFindingsByAge;
  regressions: number;
}

/** `GET /response` @public */
export interface ResponseReport {
  window: { from: string; to: string; days: number };
  /** Over every entity the caller may read. */
  timeToRemediate: RemediationStats;
  openByAge: OpenFindingsByAge;
  /** Teams with findings, slowest median first. */
  teams: TeamResponseRow[];
  /** The latest regressions the caller may read (at most 20). */
  regressions: PostureChange[];
}

/** State of a declared exemption. @public */
export type ExemptionState = 'active' | 'expiring' | 'expired';

/** A declared exemption with its state, and the entities it covers. @public */
export interface ExemptionDebtItem extends Exemption {
  state: ExemptionState;
  /** Whole days until it expires; negative once it has expired. */
  daysLeft: number;
  /** Entities it applies to (within the scope asked for, those the caller may read; at most 100 listed). */
  entityRefs: string[];
  /** How many entities it applies to. */
  entityCount: number;
}

/** `GET /teams/:namespace/:name/exemptions`, `GET /exemptions` @public */
export interface ExemptionDebt {
  /** The team, for a team's debt. */
  entityRef?: string;
  generatedAt: string;
  /** Exemptions expiring within this many days count as `expiring`. */
  expiringWithinDays: number;
  counts: Record<ExemptionState, number>;
  /** Expired first, then the soonest to expire. */
  items: ExemptionDebtItem[];
  /** Per team (for the whole estate). */
  teams?: Array<{
    entityRef: string;
    title?: string;
    counts: Record<ExemptionState, number>;
  }>;
}

// ------------------------------------------------------ compliance frameworks

/** A framework control that fails, with the checks that fail it. @public */
export interface FailingFrameworkControl {
  /** Control id in the framework, e.g. `AC-6` (NIST 800-53) or `5.2.1` (CIS Kubernetes). */
  id: string;
  /** Checks mapped onto the control that failed on a resource (at most 20). */
  checks: string[];
  /** Every failure is covered by an active exemption: it passes with exemptions applied. */
  exempted: boolean;
}

/**
 * Compliance with one framework: the share of the evaluated framework controls
 * whose checks all pass. A framework control (e.g. NIST `AC-6`) is evaluated
 * when a check mapped onto it passed or failed on a resource; it passes when
 * none of those checks failed on any resource of the entity (of any entity the
 * team owns, for a team). Controls no check evaluated do not count. @public
 */
export interface FrameworkCompliance {
  id: FrameworkId;
  title: string;
  /** Controls of the framework the check catalogue maps checks onto. */
  mapped: number;
  /** Controls with evidence: the denominator. */
  evaluated: number;
  passing: number;
  failing: number;
  /** Controls whose checks only ended in errors: neither passing nor failing. */
  unknown: number;
  /** passing / evaluated in percent (one decimal); null when nothing was evaluated. */
  percent: number | null;
  /** Passing controls when failures covered by active exemptions count as passes. */
  adjustedPassing: number;
  adjustedPercent: number | null;
  /** The failing controls, by id (at most 100; left out of `GET /frameworks` rows). */
  failingControls?: FailingFrameworkControl[];
}

/** A team's row of `GET /frameworks`. @public */
export interface TeamFrameworkCompliance {
  entityRef: string;
  title?: string;
  /** Scored entities the team's roll-up covers. */
  entityCount: number;
  /** One entry per framework of the report, in its order. */
  frameworks: FrameworkCompliance[];
}

/** `GET /frameworks`: framework compliance per team. @public */
export interface FrameworkReport {
  /** Frameworks the check catalogue maps checks onto (and the number of their controls it maps). */
  frameworks: Array<{ id: FrameworkId; title: string; mapped: number }>;
  /** Teams the caller may read, by name. */
  teams: Page<TeamFrameworkCompliance>;
  modelVersion: string;
  generatedAt: string;
}
