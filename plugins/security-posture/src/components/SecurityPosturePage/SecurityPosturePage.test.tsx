import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { SecurityPosturePage } from './SecurityPosturePage';
import {
  BASE,
  makeChecks,
  makeFinding,
  makeLeaderboard,
  makeOwnership,
  makeTeam,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';

const server = setupServer();
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
    server.use(
      http.get(`${BASE}/leaderboard`, () => HttpResponse.json(board)),
    );
    await renderWithApis(<SecurityPosturePage />);
    const entities = (
      await screen.findByRole('heading', { name: 'Entities' })
    ).closest(
      'div[class*="MuiPaper"]',
    ) as HTMLElement;
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

  it('shows the share of passing framework controls for a team', async () => {
    const teams: string[] = [];
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(makeLeaderboard()),
      ),
      http.get(`${BASE}/checks`, () => HttpResponse.json(makeChecks())),
      http.get(`${BASE}/teams/default/:name`, ({ params }) => {
        teams.push(params.name as string);
        // security has no open finding; payments fails k8s-no-privileged
        return HttpResponse.json(
          params.name === 'security'
            ? makeTeam({ worstFindings: [] })
            : makeTeam({ worstFindings: [makeFinding()] }),
        );
      }),
    );
    await renderWithApis(<SecurityPosturePage />);
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Frameworks' }),
    );

    // first team of the leaderboard by default: all 3 NIST controls pass
    expect(
      await screen.findByRole('progressbar', {
        name: 'NIST SP 800-53: passing controls',
      }),
    ).toHaveAttribute('aria-valuenow', '100');

    await userEvent.click(screen.getByRole('button', { name: /^Team/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Payments, "core" & risk' }),
    );
    // AC-6 and CM-7 fail (mapped from the privileged-container check): 1 of 3
    await waitFor(() =>
      expect(
        screen.getByRole('progressbar', {
          name: 'NIST SP 800-53: passing controls',
        }),
      ).toHaveAttribute('aria-valuenow', '33'),
    );
    expect(screen.getByText('AC-6, CM-7')).toBeInTheDocument();
    // SOC 2: CC6.1 fails, CC6.7 passes
    expect(screen.getByText('1/2 (50.0%)')).toBeInTheDocument();
    expect(teams).toEqual(['security', 'payments']);
  });
});
