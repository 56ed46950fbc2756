import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { GroupSecurityPostureContent } from './GroupSecurityPostureContent';
import {
  BASE,
  groupEntity,
  makeHistory,
  makeTeam,
  makeTeamFrameworks,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { quietHandlers } from '../../__testUtils__/handlers';

const TEAM = `${BASE}/teams/default/payments`;
const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

describe('GroupSecurityPostureContent', () => {
  it('shows a progress bar while loading', async () => {
    server.use(
      http.get(TEAM, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it("shows the team's score, trend, entities ranked, sub-teams and worst findings", async () => {
    server.use(http.get(TEAM, () => HttpResponse.json(makeTeam())));
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });

    expect(
      await screen.findByText('Security posture of Payments'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('posture-score')).toHaveTextContent('75.0%');
    expect(
      screen.getByRole('img', { name: 'Grade C, 75.0%' }),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('worsened −3.0 pts over 7 days'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/1 with partial, stale or no results/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/ownership: 40 of 50 resources attributed/),
    ).toBeInTheDocument();

    const entities = screen
      .getByText('Entities (2), worst first')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    const rows = within(entities).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Ledger service');
    expect(rows[0]).toHaveTextContent('50.0%');
    expect(rows[0]).toHaveTextContent('partial');
    expect(rows[1]).toHaveTextContent('payments-api');
    expect(
      within(rows[0]).getByRole('link', { name: /Ledger service/ }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger-service');

    expect(screen.getByText('Payments core')).toBeInTheDocument();
    expect(screen.getByText('Worst open findings')).toBeInTheDocument();
    expect(screen.getByText('10 days')).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: /^Remediation guide for Privileged container/,
      }),
    ).toHaveAttribute(
      'href',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    );
  });

  it("charts the team's score history from the team route, with ranges", async () => {
    const ranges: number[] = [];
    server.use(
      http.get(TEAM, () => HttpResponse.json(makeTeam())),
      http.get(`${TEAM}/history`, ({ request }) => {
        const url = new URL(request.url);
        const days = Math.round(
          (Date.parse(url.searchParams.get('to')!) -
            Date.parse(url.searchParams.get('from')!)) /
            86400000,
        );
        ranges.push(days);
        return HttpResponse.json(makeHistory(days));
      }),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    expect(await screen.findByText('Score history')).toBeInTheDocument();
    expect(
      await screen.findByText(/Last 30 days: 3 scores, from 80\.0%/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(screen.getByRole('group', { name: 'History range' })).getByRole(
        'button',
        { name: 'Last 365 days' },
      ),
    );
    expect(
      await screen.findByText(/Last 365 days: 3 scores/),
    ).toBeInTheDocument();
    expect(ranges).toEqual([30, 365]);
  });

  it("shows the team's compliance per framework with the failing controls", async () => {
    server.use(
      http.get(TEAM, () =>
        HttpResponse.json(makeTeam({ frameworks: makeTeamFrameworks() })),
      ),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    const card = (await screen.findByText('Framework compliance')).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
    const rows = within(card).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('CIS Kubernetes Benchmark');
    expect(rows[0]).toHaveTextContent('0 of 24 mapped controls evaluated');
    expect(rows[0]).toHaveTextContent('not evaluated');
    expect(
      within(card).getByRole('progressbar', {
        name: 'Payments, NIST SP 800-53: passing controls',
      }),
    ).toHaveAttribute('aria-valuenow', '75');
    expect(rows[1]).toHaveTextContent('3/4 (75.0%)');
    expect(rows[1]).toHaveTextContent('the same');
    expect(rows[1]).toHaveTextContent('AC-6');
    expect(rows[2]).toHaveTextContent('1/2 (50.0%)');
    expect(rows[2]).toHaveTextContent('2/2 (100.0%)');
    expect(rows[2]).toHaveTextContent('CC6.7 (exempted)');
    // The checks behind a failing control, on demand.
    await userEvent.click(
      within(card).getByRole('button', {
        name: 'Show checks of failing NIST SP 800-53 controls',
      }),
    );
    expect(
      within(card).getByRole('list', {
        name: 'Failing NIST SP 800-53 controls',
      }),
    ).toHaveTextContent('AC-6 — k8s-no-privileged');
    expect(
      within(card).getByRole('button', {
        name: 'Hide checks of failing NIST SP 800-53 controls',
      }),
    ).toHaveAttribute('aria-expanded', 'true');
  });

  it('says framework compliance comes with the next scan when the roll-up has none yet', async () => {
    server.use(http.get(TEAM, () => HttpResponse.json(makeTeam())));
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    expect(
      await screen.findByText(/it appears here after the next scan/),
    ).toBeInTheDocument();
  });

  it('explains an empty team', async () => {
    server.use(
      http.get(TEAM, () =>
        HttpResponse.json(
          makeTeam({
            entities: [],
            subTeams: [],
            worstFindings: [],
            score: { earned: 0, possible: 0, percent: null },
          }),
        ),
      ),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    expect(
      await screen.findByText(/No entity owned by this team or its sub-teams/),
    ).toBeInTheDocument();
  });

  it('shows a team without findings or sub-teams', async () => {
    server.use(
      http.get(TEAM, () =>
        HttpResponse.json(makeTeam({ subTeams: [], worstFindings: [] })),
      ),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    expect(
      await screen.findByText('This team has no sub-teams.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText("No open findings across the team's entities."),
    ).toBeInTheDocument();
  });

  it('shows the error', async () => {
    server.use(
      http.get(TEAM, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'no such group' } },
          { status: 404 },
        ),
      ),
    );
    await renderWithApis(<GroupSecurityPostureContent />, {
      entity: groupEntity,
    });
    expect(
      await screen.findByText(/Could not load the team's security posture/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/no such group/).length).toBeGreaterThan(0);
  });
});
