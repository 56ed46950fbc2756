import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CheckCatalogue,
  EntityPosture,
  ExemptionDebt,
  Finding,
  FindingSort,
  FindingStatus,
  FrameworkReport,
  HistoryPoint,
  Leaderboard,
  OwnershipReport,
  Page,
  PostureChange,
  ResponseReport,
  ScanRunInfo,
  TeamPosture,
  TeamResponse,
  CategoryId,
  Severity,
} from '@internal/backstage-plugin-security-posture-common';

/** Filters and paging of an entity's findings. @public */
export interface FindingsQuery {
  status?: FindingStatus;
  severity?: Severity;
  category?: CategoryId;
  /** Order on the server (`key`, or `-key` for descending); most severe first by default. */
  sort?: FindingSort;
  /** Page size. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** The parts of an entity ref the REST routes are keyed on. @public */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Client of the Security Posture backend (`/api/security-posture`).
 * @public
 */
export interface SecurityPostureApi {
  /** Latest posture of an entity; `never-scanned` when there is no result yet. */
  getEntityPosture(entity: EntityName): Promise<EntityPosture>;
  /** One page of an entity's findings. */
  getFindings(
    entity: EntityName,
    query?: FindingsQuery,
  ): Promise<Page<Finding>>;
  /** Score history of an entity between two instants. */
  getHistory(
    entity: EntityName,
    range: { from: Date; to: Date },
  ): Promise<HistoryPoint[]>;
  /** Roll-up of a Group and its sub-groups. */
  getTeamPosture(team: {
    namespace: string;
    name: string;
  }): Promise<TeamPosture>;
  /** Score history of a team's roll-up between two instants. */
  getTeamHistory(
    team: { namespace: string; name: string },
    range: { from: Date; to: Date },
  ): Promise<HistoryPoint[]>;
  /** Framework compliance per team (paged by team name). */
  getFrameworks(options?: {
    limit?: number;
    cursor?: string;
  }): Promise<FrameworkReport>;
  /** Teams and entities ranked. */
  getLeaderboard(options?: { limit?: number }): Promise<Leaderboard>;
  /** Unowned resources (paged) and ownership coverage per team. */
  getOwnership(options?: {
    limit?: number;
    cursor?: string;
  }): Promise<OwnershipReport>;
  /** The check catalogue with remediation and framework mappings. */
  getChecks(): Promise<CheckCatalogue>;
  /** Starts a scan of one entity, or of everything; returns the scan id. */
  triggerScan(options?: { entityRef?: string }): Promise<{ scanId: string }>;
  /** Progress of a scan. */
  getScan(scanId: string): Promise<ScanRunInfo>;
  /** What recent scans changed for an entity (regressions only if asked). */
  getEntityChanges(
    entity: EntityName,
    options?: { regressions?: boolean; limit?: number },
  ): Promise<PostureChange[]>;
  /** A team's time to remediate, open findings by age and regressions. */
  getTeamResponse(
    team: { namespace: string; name: string },
    options?: { windowDays?: number },
  ): Promise<TeamResponse>;
  /** Time to remediate and open findings by age over the estate, per team. */
  getResponseReport(options?: { windowDays?: number }): Promise<ResponseReport>;
  /** Active, expiring and expired exemptions covering a team's entities. */
  getTeamExemptions(team: {
    namespace: string;
    name: string;
  }): Promise<ExemptionDebt>;
  /** Exemption debt of the estate, with counts per team. */
  getExemptionDebt(): Promise<ExemptionDebt>;
}

/**
 * Reference to the {@link SecurityPostureApi}.
 * @public
 */
export const securityPostureApiRef = createApiRef<SecurityPostureApi>({
  id: 'plugin.security-posture.service',
});
