import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import {
  summarize,
  type ExemptionDebt,
  type PostureChange,
  type PostureTargetStatus,
  type RemediationStats,
  type ResponseReport,
  type TeamResponse,
} from '@internal/backstage-plugin-security-posture-common';
import { EntitySecurityPostureCard } from '../EntitySecurityPostureCard';
import { EntitySecurityPostureContent } from '../EntitySecurityPostureContent';
import { GroupSecurityPostureContent } from '../GroupSecurityPostureContent';
import { SecurityPostureContent } from '../SecurityPosturePage';
import {
  BASE,
  componentEntity,
  groupEntity,
  makeFinding,
  makeHistory,
  makeLeaderboard,
  makePosture,
  makeTeam,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { quietHandlers } from '../../__testUtils__/handlers';

const ENTITY = `${BASE}/entities/component/default/payments-api`;
const TEAM = `${BASE}/teams/default/payments`;
const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

const missed: PostureTargetStatus = {
  name: 'production',
  minPercent: 90,
  noCritical: true,
  basis: 'adjusted',
  met: false,
  reasons: [
    'The score with exemptions 89.8% is below the target of 90%',
    '1 open critical finding (the target allows none)',
  ],
  pointsToGain: [
    {
      control: 'sensitive_data_classified',
      title: 'Sensitive data classified',
      category: 'data',
      points: 7,
      percentGain: 5.5,
    },
  ],
  criticalFindings: 1,
};

const regression: PostureChange = {
  id: '12',
  entityRef: 'component:default/payments-api',
  scanId: 'c2c070e9-fb64-42f2-8ef9-c89ebc4dc8ec',
  at: '2026-12-02T10:00:00.000Z',
  previousPercent: 100,
  currentPercent: 89.8,
  previousAdjustedPercent: 100,
  currentAdjustedPercent: 89.8,
  modelChanged: false,
  opened: [
    {
      id: '7',
      checkId: 'k8s-privileged-container',
      title: 'Privileged container',
      severity: 'critical',
      resource: 'Deployment payments/payments-api',
    },
  ],
  openedCount: 1,
  resolved: [],
  resolvedCount: 0,
  regression: true,
  reasons: ['score-drop', 'new-critical'],
  notification: 'sent',
};

function stats(count: number, median: number | null, p90: number | null) {
  return { count, medianHours: median, p90Hours: p90 };
}

const remediation: RemediationStats = {
  ...stats(3, 72, 120),
  bySeverity: {
    critical: stats(1, 5, 5),
    high: stats(2, 96, 130),
    medium: stats(0, null, null),
    low: stats(0, null, null),
  },
};

const openByAge = {
  total: 4,
  buckets: [
    {
      id: 'lt7d' as const,
      label: 'under 7 days',
      minDays: 0,
      maxDays: 7,
      total: 1,
      counts: { critical: 1, high: 0, medium: 0, low: 0 },
    },
    {
      id: 'd7to30' as const,
      label: '7–30 days',
      minDays: 7,
      maxDays: 30,
      total: 0,
      counts: { critical: 0, high: 0, medium: 0, low: 0 },
    },
    {
      id: 'd30to90' as const,
      label: '30–90 days',
      minDays: 30,
      maxDays: 90,
      total: 2,
      counts: { critical: 0, high: 2, medium: 0, low: 0 },
    },
    {
      id: 'gt90d' as const,
      label: 'over 90 days',
      minDays: 90,
      maxDays: null,
      total: 1,
      counts: { critical: 0, high: 0, medium: 1, low: 0 },
    },
  ],
};

const debt: ExemptionDebt = {
  entityRef: 'group:default/payments',
  generatedAt: '2026-12-05T10:00:00.000Z',
  expiringWithinDays: 14,
  counts: { active: 1, expiring: 1, expired: 1 },
  items: [
    {
      checkId: 'k8s-resource-limits',
      entityRef: 'component:default/ledger-service',
      reason: 'Load test',
      approver: 'security@example.com',
      expires: '2026-11-20',
      state: 'expired',
      daysLeft: -15,
      entityRefs: ['component:default/ledger-service'],
      entityCount: 1,
    },
    {
      checkId: 'k8s-image-digest',
      entityRef: 'component:default/payments-api',
      reason: 'Signed tags until the registry supports digests',
      approver: 'ines.duarte@example.com',
      ticket: 'SEC-123',
      expires: '2026-12-08',
      state: 'expiring',
      daysLeft: 3,
      entityRefs: ['component:default/payments-api'],
      entityCount: 1,
    },
    {
      checkId: 'k8s-run-as-root',
      entityRef: 'component:default/payments-api',
      reason: 'Vendor image',
      approver: 'security@example.com',
      expires: '2027-06-30',
      state: 'active',
      daysLeft: 207,
      entityRefs: ['component:default/payments-api'],
      entityCount: 1,
    },
  ],
};

describe('response and governance in the UI', () => {
  it('shows the target, the recent regression and "Fix with template" on the entity tab', async () => {
    const fixed = makeFinding({
      id: '9',
      checkId: 'k8s-image-digest',
      title: 'Image not pinned by digest',
      status: 'resolved',
      resolvedAt: '2026-12-01T00:00:00.000Z',
      fix: {
        templateRef: 'template:default/secure-kubernetes-service',
        title: 'Rebuild',
        formData: {},
        url: '/create/templates/default/secure-kubernetes-service?formData=%7B%7D',
      },
    });
    const formData = { name: 'payments-api', namespace: 'payments' };
    const url = `/create/templates/default/secure-kubernetes-service?formData=${encodeURIComponent(
      JSON.stringify(formData),
    )}`;
    server.use(
      http.get(ENTITY, () =>
        HttpResponse.json(
          makePosture({ target: missed, adjustedScore: summarize(121, 127) }),
        ),
      ),
      http.get(`${ENTITY}/findings`, () =>
        HttpResponse.json({
          items: [
            makeFinding({
              fix: {
                templateRef: 'template:default/secure-kubernetes-service',
                title: 'Rebuild with the secure Kubernetes service template',
                formData,
                url,
              },
            }),
            fixed,
          ],
          nextCursor: null,
          totalCount: 2,
        }),
      ),
      http.get(`${ENTITY}/history`, () => HttpResponse.json(makeHistory(30))),
      http.get(`${ENTITY}/changes`, () => HttpResponse.json([regression])),
    );
    await renderWithApis(<EntitySecurityPostureContent />, {
      entity: componentEntity,
    });

    // On the headline and on the target card.
    expect(await screen.findAllByText('Out of target production')).toHaveLength(
      2,
    );
    const target = screen
      .getByText('Target: production')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    expect(
      within(target).getByText(
        'The score with exemptions 89.8% is below the target of 90%',
      ),
    ).toBeInTheDocument();
    expect(
      within(target).getByText('1. Sensitive data classified'),
    ).toBeInTheDocument();
    // Raw and adjusted side by side.
    expect(screen.getByText('With exemptions')).toBeInTheDocument();
    expect(screen.getByText(/95\.3% \(121\/127\)/)).toBeInTheDocument();

    const changes = screen
      .getByText('Recent changes and regressions')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    expect(
      within(changes).getByText('Regression: New critical finding'),
    ).toBeInTheDocument();
    expect(
      within(changes).getByText('Regression: Score drop'),
    ).toBeInTheDocument();
    expect(within(changes).getByText('owners notified')).toBeInTheDocument();
    expect(within(changes).getByText(/100\.0% → 89\.8%/)).toBeInTheDocument();
    expect(
      within(changes).getByText(/Now failing: Privileged container/),
    ).toBeInTheDocument();

    const fix = await screen.findByRole('link', {
      name: /Fix with template: Rebuild with the secure Kubernetes service template, for Privileged container/,
    });
    expect(fix).toHaveAttribute('href', url);
    // A resolved finding offers no template.
    expect(
      screen.queryByRole('link', {
        name: /Fix with template: .*, for Image not pinned by digest/,
      }),
    ).not.toBeInTheDocument();
  });

  it('says so when a scan changed nothing yet', async () => {
    server.use(
      http.get(ENTITY, () => HttpResponse.json(makePosture())),
      http.get(`${ENTITY}/findings`, () =>
        HttpResponse.json({ items: [], nextCursor: null, totalCount: 0 }),
      ),
      http.get(`${ENTITY}/history`, () => HttpResponse.json([])),
      http.get(`${ENTITY}/changes`, () => HttpResponse.json([])),
    );
    await renderWithApis(<EntitySecurityPostureContent />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText(/No change since the first scan/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Target:/)).not.toBeInTheDocument();
  });

  it('shows time to remediate, open findings by age, regressions, targets and exemption debt on the team view', async () => {
    const windows: Array<string | null> = [];
    const team = makeTeam();
    team.entities[0].target = missed;
    team.entities[1].target = { ...missed, met: true, reasons: [] };
    team.target = {
      evaluated: 2,
      missed: 1,
      missedEntities: ['component:default/ledger-service'],
      outOfTarget: true,
    };
    const response: TeamResponse = {
      entityRef: 'group:default/payments',
      window: {
        from: '2026-09-06T00:00:00Z',
        to: '2026-12-05T00:00:00Z',
        days: 90,
      },
      timeToRemediate: remediation,
      openByAge,
      regressions: [regression],
    };
    server.use(
      http.get(TEAM, () => HttpResponse.json(team)),
      http.get(`${TEAM}/response`, ({ request }) => {
        const days = new URL(request.url).searchParams.get('windowDays');
        windows.push(days);
        return HttpResponse.json({
          ...response,
          window: { ...response.window, days: Number(days) },
        });
      }),
      http.get(`${TEAM}/exemptions`, () => HttpResponse.json(debt)),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });

    expect(
      await screen.findByText('1 of 2 entities out of target'),
    ).toBeInTheDocument();
    const entities = screen
      .getByText('Entities (2), worst first')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    const rows = within(entities).getAllByRole('row').slice(1);
    expect(
      within(rows[0]).getByText('Out of target production'),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('Meets target production'),
    ).toBeInTheDocument();
    // payments-api: 91.7% raw, 95.8% with exemptions (the difference of the shown values).
    expect(rows[1]).toHaveTextContent('95.8% (+4.1 pts)');

    const ttr = await screen.findByRole('table', { name: 'Time to remediate' });
    const critical = within(ttr).getByRole('row', { name: /critical/ });
    expect(critical).toHaveTextContent('1');
    expect(critical).toHaveTextContent('5.0 h');
    const all = within(ttr).getByRole('row', { name: /All severities/ });
    expect(all).toHaveTextContent('3.0 days');
    expect(all).toHaveTextContent('5.0 days');
    expect(
      screen.getByText(
        '4 open findings: 1 open under 7 days, 2 open 30–90 days, 1 open over 90 days.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Regressions in the last 90 days (1)'),
    ).toBeInTheDocument();

    // The response window (the score history chart has its own ranges).
    await userEvent.click(
      within(screen.getByRole('group', { name: 'Time window' })).getByRole(
        'button',
        { name: 'Last 30 days' },
      ),
    );
    expect(
      await screen.findByText('Regressions in the last 30 days (1)'),
    ).toBeInTheDocument();
    expect(windows).toEqual(['90', '30']);

    const exemptions = screen
      .getByText('Exemption debt')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    expect(
      within(exemptions).getByText(
        '1 expired · 1 expiring within 14 days · 1 active',
      ),
    ).toBeInTheDocument();
    const exemptionRows = within(exemptions).getAllByRole('row').slice(1);
    expect(exemptionRows[0]).toHaveTextContent('Expired');
    expect(exemptionRows[0]).toHaveTextContent('expired 15 days ago');
    expect(exemptionRows[1]).toHaveTextContent('Expiring soon');
    expect(exemptionRows[1]).toHaveTextContent('ines.duarte@example.com');
    expect(exemptionRows[1]).toHaveTextContent('SEC-123');
    expect(exemptionRows[1]).toHaveTextContent('3 days left');
    expect(exemptionRows[2]).toHaveTextContent('Active');
  });

  it('adds the Response and Exemptions tabs, and targets and adjusted scores to the leaderboard', async () => {
    const board = makeLeaderboard();
    board.teams[1].target = {
      evaluated: 7,
      missed: 2,
      outOfTarget: true,
    };
    board.teams[0].target = { evaluated: 3, missed: 0, outOfTarget: false };
    const report: ResponseReport = {
      window: {
        from: '2026-09-06T00:00:00Z',
        to: '2026-12-05T00:00:00Z',
        days: 90,
      },
      timeToRemediate: remediation,
      openByAge,
      teams: [
        {
          entityRef: 'group:default/payments',
          title: 'Payments',
          timeToRemediate: remediation,
          openByAge,
          regressions: 2,
        },
      ],
      regressions: [regression],
    };
    server.use(
      http.get(`${BASE}/leaderboard`, () => HttpResponse.json(board)),
      http.get(`${BASE}/response`, () => HttpResponse.json(report)),
      http.get(`${BASE}/exemptions`, () =>
        HttpResponse.json({
          ...debt,
          entityRef: undefined,
          teams: [
            {
              entityRef: 'group:default/payments',
              title: 'Payments',
              counts: { active: 1, expiring: 1, expired: 1 },
            },
          ],
        }),
      ),
    );
    await renderWithApis(<SecurityPostureContent />);

    const leaderboard = (await screen.findByText('Team leaderboard')).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
    const teamRows = within(leaderboard).getAllByRole('row').slice(1);
    expect(teamRows[0]).toHaveTextContent('All 3 entities on target');
    expect(teamRows[1]).toHaveTextContent('2 of 7 entities out of target');
    // Payments: 75.0% raw, 77.5% with exemptions.
    expect(teamRows[1]).toHaveTextContent('77.5% (+2.5 pts)');

    await userEvent.click(screen.getByRole('tab', { name: 'Response' }));
    const perTeam = (
      await screen.findByText('Time to remediate per team, slowest first')
    ).closest('div[class*="MuiPaper"]') as HTMLElement;
    const row = within(perTeam).getAllByRole('row')[1];
    expect(row).toHaveTextContent('Payments');
    expect(row).toHaveTextContent('3.0 days');
    expect(row).toHaveTextContent('5.0 h');
    expect(screen.getByText('Latest regressions')).toBeInTheDocument();
    expect(
      screen.getAllByText('Regression: New critical finding').length,
    ).toBeGreaterThan(0);

    await userEvent.click(screen.getByRole('tab', { name: 'Exemptions' }));
    const perTeamDebt = (
      await screen.findByText('Exemption debt per team')
    ).closest('div[class*="MuiPaper"]') as HTMLElement;
    await waitFor(() =>
      expect(within(perTeamDebt).getAllByRole('row')[1]).toHaveTextContent(
        'Payments111',
      ),
    );
    expect(screen.getByText('Declared exemptions')).toBeInTheDocument();
    expect(
      screen.getByText('Signed tags until the registry supports digests'),
    ).toBeInTheDocument();
  });

  it('shows the adjusted score and the target on the overview card', async () => {
    server.use(
      http.get(ENTITY, () =>
        HttpResponse.json(
          makePosture({ target: missed, adjustedScore: summarize(121, 127) }),
        ),
      ),
    );
    await renderWithApis(<EntitySecurityPostureCard />, {
      entity: componentEntity,
    });
    expect(
      await screen.findByText('95.3% with exemptions (+5.5 pts)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Out of target production')).toBeInTheDocument();
  });
});
