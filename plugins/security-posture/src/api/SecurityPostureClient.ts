import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CheckCatalogue,
  EntityPosture,
  ExemptionDebt,
  Finding,
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
} from '@internal/backstage-plugin-security-posture-common';
import type {
  EntityName,
  FindingsQuery,
  SecurityPostureApi,
} from './SecurityPostureApi';

const enc = encodeURIComponent;

function entityPath(entity: EntityName): string {
  return `/entities/${enc(entity.kind.toLocaleLowerCase('en-US'))}/${enc(
    entity.namespace,
  )}/${enc(entity.name)}`;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Default {@link SecurityPostureApi}: calls the backend through the app's
 * `fetchApi` (which adds the user's token) at the URL `discoveryApi` gives for
 * `security-posture`, and throws `ResponseError` for non-2xx answers.
 * @public
 */
export class SecurityPostureClient implements SecurityPostureApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityPosture(entity: EntityName): Promise<EntityPosture> {
    return this.request(entityPath(entity));
  }

  async getFindings(
    entity: EntityName,
    options: FindingsQuery = {},
  ): Promise<Page<Finding>> {
    return this.request(
      `${entityPath(entity)}/findings${query({
        status: options.status,
        severity: options.severity,
        category: options.category,
        sort: options.sort,
        limit: options.limit,
        cursor: options.cursor,
      })}`,
    );
  }

  async getHistory(
    entity: EntityName,
    range: { from: Date; to: Date },
  ): Promise<HistoryPoint[]> {
    return this.history(`${entityPath(entity)}/history`, range);
  }

  async getTeamHistory(
    team: { namespace: string; name: string },
    range: { from: Date; to: Date },
  ): Promise<HistoryPoint[]> {
    return this.history(
      `/teams/${enc(team.namespace)}/${enc(team.name)}/history`,
      range,
    );
  }

  async getFrameworks(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<FrameworkReport> {
    return this.request(
      `/frameworks${query({ limit: options.limit, cursor: options.cursor })}`,
    );
  }

  private async history(
    path: string,
    range: { from: Date; to: Date },
  ): Promise<HistoryPoint[]> {
    const body = await this.request<
      HistoryPoint[] | { items?: HistoryPoint[]; points?: HistoryPoint[] }
    >(
      `${path}${query({
        from: range.from.toISOString(),
        to: range.to.toISOString(),
      })}`,
    );
    // Accept a bare array as well as an `{ items }` / `{ points }` envelope.
    if (Array.isArray(body)) return body;
    return body.items ?? body.points ?? [];
  }

  async getTeamPosture(team: {
    namespace: string;
    name: string;
  }): Promise<TeamPosture> {
    return this.request(`/teams/${enc(team.namespace)}/${enc(team.name)}`);
  }

  async getLeaderboard(options: { limit?: number } = {}): Promise<Leaderboard> {
    return this.request(`/leaderboard${query({ limit: options.limit })}`);
  }

  async getOwnership(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<OwnershipReport> {
    return this.request(
      `/ownership${query({ limit: options.limit, cursor: options.cursor })}`,
    );
  }

  async getChecks(): Promise<CheckCatalogue> {
    return this.request('/checks');
  }

  async triggerScan(
    options: { entityRef?: string } = {},
  ): Promise<{ scanId: string }> {
    return this.request('/scans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(
        options.entityRef ? { entityRef: options.entityRef } : {},
      ),
    });
  }

  async getScan(scanId: string): Promise<ScanRunInfo> {
    return this.request(`/scans/${enc(scanId)}`);
  }

  async getEntityChanges(
    entity: EntityName,
    options: { regressions?: boolean; limit?: number } = {},
  ): Promise<PostureChange[]> {
    return this.request(
      `${entityPath(entity)}/changes${query({
        regressions: options.regressions ? 'true' : undefined,
        limit: options.limit,
      })}`,
    );
  }

  async getTeamResponse(
    team: { namespace: string; name: string },
    options: { windowDays?: number } = {},
  ): Promise<TeamResponse> {
    return this.request(
      `/teams/${enc(team.namespace)}/${enc(team.name)}/response${query({
        windowDays: options.windowDays,
      })}`,
    );
  }

  async getResponseReport(
    options: { windowDays?: number } = {},
  ): Promise<ResponseReport> {
    return this.request(
      `/response${query({ windowDays: options.windowDays })}`,
    );
  }

  async getTeamExemptions(team: {
    namespace: string;
    name: string;
  }): Promise<ExemptionDebt> {
    return this.request(
      `/teams/${enc(team.namespace)}/${enc(team.name)}/exemptions`,
    );
  }

  async getExemptionDebt(): Promise<ExemptionDebt> {
    return this.request('/exemptions');
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('security-posture');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
