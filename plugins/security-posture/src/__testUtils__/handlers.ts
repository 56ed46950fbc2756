import { http, HttpResponse } from 'msw';
import type {
  ExemptionDebt,
  TeamResponse,
} from '@internal/backstage-plugin-security-posture-common';
import { BASE } from './fixtures';

const none = { count: 0, medianHours: null, p90Hours: null };
const noCounts = { critical: 0, high: 0, medium: 0, low: 0 };

/** What the team response route answers for a team without findings. */
export function quietTeamResponse(entityRef: string): TeamResponse {
  const to = new Date();
  const from = new Date(to.getTime() - 90 * 24 * 3600 * 1000);
  return {
    entityRef,
    window: { from: from.toISOString(), to: to.toISOString(), days: 90 },
    timeToRemediate: {
      ...none,
      bySeverity: { critical: none, high: none, medium: none, low: none },
    },
    openByAge: {
      total: 0,
      buckets: [
        ['lt7d', 'under 7 days', 0, 7],
        ['d7to30', '7–30 days', 7, 30],
        ['d30to90', '30–90 days', 30, 90],
        ['gt90d', 'over 90 days', 90, null],
      ].map(([id, label, minDays, maxDays]) => ({
        id: id as TeamResponse['openByAge']['buckets'][number]['id'],
        label: label as string,
        minDays: minDays as number,
        maxDays: maxDays as number | null,
        counts: noCounts,
        total: 0,
      })),
    },
    regressions: [],
  };
}

/** What the exemptions route answers for a team without exemptions. */
export function quietExemptionDebt(entityRef?: string): ExemptionDebt {
  return {
    ...(entityRef ? { entityRef } : {}),
    generatedAt: new Date().toISOString(),
    expiringWithinDays: 14,
    counts: { active: 0, expiring: 0, expired: 0 },
    items: [],
  };
}

/**
 * Answers for the routes a view requests besides the one a test is about
 * (recent changes, team response and exemptions, score histories), as the
 * backend answers them when there is nothing to report. Pass them to
 * `setupServer` so every test has them; a test's own `server.use` handlers
 * take precedence.
 */
export function quietHandlers() {
  return [
    http.get(`${BASE}/entities/:kind/:namespace/:name/changes`, () =>
      HttpResponse.json([]),
    ),
    http.get(`${BASE}/entities/:kind/:namespace/:name/history`, () =>
      HttpResponse.json([]),
    ),
    http.get(`${BASE}/teams/:namespace/:name/history`, () =>
      HttpResponse.json([]),
    ),
    http.get(`${BASE}/teams/:namespace/:name/response`, ({ params }) =>
      HttpResponse.json(
        quietTeamResponse(`group:${params.namespace}/${params.name}`),
      ),
    ),
    http.get(`${BASE}/teams/:namespace/:name/exemptions`, ({ params }) =>
      HttpResponse.json(
        quietExemptionDebt(`group:${params.namespace}/${params.name}`),
      ),
    ),
  ];
}
