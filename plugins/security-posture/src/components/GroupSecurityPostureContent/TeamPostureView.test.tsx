import { screen, within } from '@testing-library/react';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { GroupSecurityPostureContent } from './GroupSecurityPostureContent';
import { BASE, groupEntity, makeTeam } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';

const TEAM = `${BASE}/teams/default/payments`;
const server = setupServer();
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
