import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { SecurityPosturePage } from './SecurityPosturePage';
import {
  BASE,
  makeFrameworkReport,
  makeLeaderboard,
  makeOwnership,
  makeTeam,
  makeTeamFrameworks,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { quietHandlers } from '../../__testUtils__/handlers';

const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

/** Captures what the page offers for download. */
function captureDownloads() {
  const blobs: Blob[] = [];
  const names: string[] = [];
  (URL as any).createObjectURL = (blob: Blob) => {
    blobs.push(blob);
    return 'blob:test';
  };
  (URL as any).revokeObjectURL = () => {};
  jest
    .spyOn(HTMLAnchorElement.prototype, 'click')
    .mockImplementation(function click(this: HTMLAnchorElement) {
      names.push(this.download);
    });
  return { blobs, names };
}

describe('SecurityPosturePage', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows a progress bar while the leaderboard loads', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    await renderWithApis(<SecurityPosturePage />);
    expect(screen.getByText('Security Posture')).toBeInTheDocument();
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('ranks teams with 7/30-day change and entity count, and exports them as CSV', async () => {
    let limit: string | null = null;
    server.use(
      http.get(`${BASE}/leaderboard`, ({ request }) => {
        limit = new URL(request.url).searchParams.get('limit');
        return HttpResponse.json(makeLeaderboard());
      }),
    );
    const downloads = captureDownloads();
    await renderWithApis(<SecurityPosturePage />);

    const board = (await screen.findByText('Team leaderboard')).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
    const rows = within(board).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Security');
    expect(rows[0]).toHaveTextContent('95.0%');
    expect(
      within(rows[0]).getByLabelText('improved +1.5 pts over 7 days'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByLabelText('improved +3.0 pts over 30 days'),
    ).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('75.0%');
    expect(
      within(rows[1]).getByLabelText('worsened −3.0 pts over 7 days'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('7')).toBeInTheDocument();
    expect(limit).toBe('100');

    await userEvent.click(
      screen.getByRole('button', { name: 'Export leaderboard (CSV)' }),
    );
    expect(downloads.names).toEqual(['security-posture-leaderboard.csv']);
    const csv = await downloads.blobs[0].text();
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'rank,team,title,score %,earned,possible,score with exemptions %,change 7d (pts),change 30d (pts),entities,critical,high,medium,low',
    );
    expect(lines[1]).toBe(
      '1,group:default/security,Security,95,95,100,95,1.5,3,3,0,0,1,2',
    );
    // quotes and commas in titles are escaped
    expect(lines[2]).toBe(
      '2,group:default/payments,"Payments, ""core"" & risk",75,150,200,77.5,-3,4,7,2,3,4,0',
    );
  });

  it('marks entities whose results are partial or stale', async () => {
    const board = makeLeaderboard();
    board.entities[1] = { ...board.entities[1], status: 'stale' };
    server.use(http.get(`${BASE}/leaderboard`, () => HttpResponse.json(board)));
    await renderWithApis(<SecurityPosturePage />);
    const entities = (
      await screen.findByRole('heading', { name: 'Entities' })
    ).closest('div[class*="MuiPaper"]') as HTMLElement;
    const rows = within(entities).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('partial');
    expect(rows[1]).toHaveTextContent('stale');
  });

  it('says when there are no scores yet', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json({
          teams: [],
          entities: [],
          generatedAt: new Date().toISOString(),
        }),
      ),
    );
    await renderWithApis(<SecurityPosturePage />);
    expect(await screen.findByText('No scores yet')).toBeInTheDocument();
  });

  it('shows the leaderboard error', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'boom' } },
          { status: 503 },
        ),
      ),
    );
    await renderWithApis(<SecurityPosturePage />);
    expect(
      await screen.findByText(/Could not load the leaderboard/),
    ).toBeInTheDocument();
  });

  it('shows ownership coverage per team and pages through unowned resources', async () => {
    const cursors: Array<string | null> = [];
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/ownership`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        const report = makeOwnership();
        if (cursor === 'c2') {
          report.unowned.items = [
            {
              ...report.unowned.items[0],
              uid: 'x',
              name: 'orphan-queue',
              kind: 'SQSQueue',
            },
          ];
          report.unowned.nextCursor = null;
        }
        return HttpResponse.json(report);
      }),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Ownership' }),
    );
    expect(
      await screen.findByText('Unowned resources (51)'),
    ).toBeInTheDocument();
    expect(screen.getByText('legacy-exports')).toBeInTheDocument();
    expect(screen.getByText('40 of 50')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', {
        name: 'Ownership coverage of Payments',
      }),
    ).toHaveAttribute('aria-valuenow', '80');
    expect(screen.getByText('1–1 of 51')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('orphan-queue')).toBeInTheDocument();
    expect(cursors).toEqual([null, 'c2']);
  });

  it('shows an empty ownership report', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/ownership`, () =>
        HttpResponse.json({
          unowned: { items: [], nextCursor: null, totalCount: 0 },
          teams: [],
        }),
      ),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Ownership' }),
    );
    expect(
      await screen.findByText(
        'Every resource the providers saw is owned by a catalog entity.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No team owns resources yet.')).toBeInTheDocument();
  });

  it('shows the share of passing framework controls per team, as the server computed it', async () => {
    const requested: string[] = [];
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/frameworks`, ({ request }) => {
        requested.push(new URL(request.url).search);
        return HttpResponse.json(makeFrameworkReport());
      }),
      http.get(`${BASE}/checks`, () => {
        requested.push('/checks');
        return HttpResponse.json({});
      }),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Frameworks' }),
    );

    const nist = await screen.findByRole('progressbar', {
      name: 'Payments, NIST SP 800-53: passing controls',
    });
    expect(nist).toHaveAttribute('aria-valuenow', '75');
    expect(nist).toHaveAttribute(
      'aria-valuetext',
      '3 of 4 controls pass, 75.0%',
    );
    const table = screen
      .getByText('Passing framework controls per team')
      .closest('div[class*="MuiPaper"]') as HTMLElement;
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('Payments');
    expect(rows[0]).toHaveTextContent('75.0%3/4 controls');
    expect(rows[0]).toHaveTextContent('50.0%1/2 controls');
    expect(rows[1]).toHaveTextContent('security');
    expect(rows[1]).toHaveTextContent('100.0%4/4 controls');
    // SOC 2 has no evaluated control for the security team.
    expect(rows[1]).toHaveTextContent('not evaluated');
    expect(screen.getByText('1–2 of 3 teams')).toBeInTheDocument();

    // With exemptions, the exempted SOC 2 control of Payments passes.
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'With exemptions' }),
    );
    expect(
      screen.getByRole('progressbar', {
        name: 'Payments, SOC 2: passing controls with exemptions',
      }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent(
      '100.0%2/2 controls',
    );
    // One request, and nothing derived from the check catalogue.
    expect(requested).toEqual(['?limit=50']);
  });

  it("pages through teams and shows a team's failing controls with their checks", async () => {
    const cursors: Array<string | null> = [];
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/frameworks`, ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        const report = makeFrameworkReport();
        if (cursor === 'page2') {
          report.teams.items = [
            { ...report.teams.items[1], entityRef: 'group:default/data' },
          ];
          report.teams.nextCursor = null;
        }
        return HttpResponse.json(report);
      }),
      http.get(`${BASE}/teams/default/payments`, () =>
        HttpResponse.json(makeTeam({ frameworks: makeTeamFrameworks() })),
      ),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Frameworks' }),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Failing controls of Payments',
      }),
    );
    expect(
      await screen.findByText('Framework controls of Payments'),
    ).toBeInTheDocument();
    for (const framework of ['NIST SP 800-53', 'SOC 2']) {
      await userEvent.click(
        screen.getByRole('button', {
          name: `Show checks of failing ${framework} controls`,
        }),
      );
    }
    const nist = screen.getByRole('list', {
      name: 'Failing NIST SP 800-53 controls',
    });
    expect(nist).toHaveTextContent('AC-6 — k8s-no-privileged');
    expect(
      screen.getByRole('list', { name: 'Failing SOC 2 controls' }),
    ).toHaveTextContent('CC6.7 (exempted) — s3-encryption');
    expect(
      screen.getByText('0 of 24 mapped controls evaluated'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Close details' }),
    );
    expect(
      screen.queryByText('Framework controls of Payments'),
    ).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('3–3 of 3 teams')).toBeInTheDocument();
    expect(screen.getByText('data')).toBeInTheDocument();
    expect(cursors).toEqual([null, 'page2']);
  });

  it('exports framework compliance of every team as CSV', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/frameworks`, ({ request }) => {
        const url = new URL(request.url);
        const report = makeFrameworkReport();
        if (url.searchParams.get('limit') === '500') {
          if (url.searchParams.get('cursor') === 'page2') {
            report.teams.items = [
              { ...report.teams.items[1], entityRef: 'group:default/data' },
            ];
          }
          report.teams.nextCursor =
            url.searchParams.get('cursor') === 'page2' ? null : 'page2';
        }
        return HttpResponse.json(report);
      }),
    );
    const downloads = captureDownloads();
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Frameworks' }),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Export framework compliance (CSV)',
      }),
    );
    await waitFor(() =>
      expect(downloads.names).toEqual(['security-posture-frameworks.csv']),
    );
    const lines = (await downloads.blobs[0].text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'team,title,entities,nist-800-53 evaluated,nist-800-53 passing,nist-800-53 %,nist-800-53 % with exemptions,soc2 evaluated,soc2 passing,soc2 %,soc2 % with exemptions',
    );
    expect(lines.slice(1)).toEqual([
      'group:default/payments,Payments,7,4,3,75,75,2,1,50,100',
      'group:default/security,,3,4,4,100,100,0,0,,',
      'group:default/data,,3,4,4,100,100,0,0,,',
    ]);
  });

  it.each([
    [
      'no team has a score yet',
      { teams: { items: [], nextCursor: null, totalCount: 0 } },
      'No team has a score yet, so there is no framework compliance to show.',
    ],
    [
      'no check maps onto a framework',
      { frameworks: [] },
      /No check of the catalogue maps onto a compliance framework/,
    ],
  ])('says so when %s', async (_name, overrides, text) => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/frameworks`, () =>
        HttpResponse.json({ ...makeFrameworkReport(), ...overrides }),
      ),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Frameworks' }),
    );
    expect(await screen.findByText(text)).toBeInTheDocument();
  });

  it('shows the framework report error', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/frameworks`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is gone' } },
          { status: 500 },
        ),
      ),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Frameworks' }),
    );
    expect(
      await screen.findByText(/Could not load framework compliance/),
    ).toBeInTheDocument();
  });
});
