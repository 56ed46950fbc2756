import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { EntityPostureView } from './EntityPostureView';
import { EntitySecurityPostureContent } from './EntitySecurityPostureContent';
import {
  BASE,
  componentEntity,
  exemptedFinding,
  makeFinding,
  makeHistory,
  makePosture,
  makeTeamFrameworks,
  neverScannedPosture,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { quietHandlers } from '../../__testUtils__/handlers';

const ENTITY = `${BASE}/entities/component/default/payments-api`;

const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

function serve(options: {
  posture?: () => Response | Promise<Response>;
  findings?: (url: URL) => Response | Promise<Response>;
}) {
  const requests: URL[] = [];
  server.use(
    http.get(ENTITY, () =>
      options.posture ? options.posture() : HttpResponse.json(makePosture()),
    ),
    http.get(`${ENTITY}/findings`, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      return options.findings
        ? options.findings(url)
        : HttpResponse.json({
            items: [makeFinding(), exemptedFinding],
            nextCursor: null,
            totalCount: 2,
          });
    }),
    http.get(`${ENTITY}/history`, ({ request }) => {
      const url = new URL(request.url);
      const days = Math.round(
        (Date.parse(url.searchParams.get('to')!) -
          Date.parse(url.searchParams.get('from')!)) /
          86400000,
      );
      return HttpResponse.json(makeHistory(days));
    }),
  );
  return requests;
}

describe('EntityPostureView', () => {
  it('shows a progress bar while loading', async () => {
    serve({
      posture: async () => {
        await delay('infinite');
        return HttpResponse.json({});
      },
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByTestId('posture-score')).not.toBeInTheDocument();
  });

  it('shows score, grade, coverage, categories, points to gain, history and findings', async () => {
    serve({});
    await renderWithApis(<EntityPostureView entity={componentEntity} />);

    expect(await screen.findByTestId('posture-score')).toHaveTextContent(
      '89.8%',
    );
    expect(screen.getByText('114/127 points')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Grade B, 89.8%' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('posture-coverage')).toHaveTextContent('100%');
    expect(
      screen.getByLabelText('improved +2.5 pts over 7 days'),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('worsened −1.2 pts over 30 days'),
    ).toBeInTheDocument();

    // category bars, earned/possible
    expect(
      screen.getByTestId('category-identity_and_access'),
    ).toHaveTextContent('31/31');
    expect(screen.getByTestId('category-network')).toHaveTextContent('26/32');
    expect(screen.getByTestId('category-data')).toHaveTextContent('26/33');
    expect(screen.getByTestId('category-compute')).toHaveTextContent('31/31');

    // points to gain, largest first
    const gains = within(
      screen.getByRole('list', { name: 'Points to gain' }),
    ).getAllByRole('listitem');
    expect(gains[0]).toHaveTextContent('sensitive data classified');
    expect(gains[0]).toHaveTextContent('+7 points');
    expect(gains[1]).toHaveTextContent('egress filtered');

    // history summary for the default 30-day range
    expect(
      await screen.findByText(/Last 30 days: 3 scores, from 80\.0%/),
    ).toBeInTheDocument();

    // findings with evidence, remediation link and exemption
    expect(await screen.findByText('Privileged container')).toBeInTheDocument();
    expect(
      screen.getByText(
        'spec.template.spec.containers[0].securityContext.privileged = true',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: /^Remediation guide for Privileged container/,
      }),
    ).toHaveAttribute(
      'href',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    );
    expect(screen.getByText('Exempted')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Logs go to CloudTrail data events \(security-team, SEC-42\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Findings (2)')).toBeInTheDocument();
  });

  it('switches the history range to 90 days', async () => {
    serve({});
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    await screen.findByText(/Last 30 days/);
    await userEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));
    expect(
      await screen.findByText(/Last 90 days: 3 scores/),
    ).toBeInTheDocument();
  });

  it('explains a partial result with the provider error', async () => {
    serve({
      posture: () =>
        HttpResponse.json(
          makePosture({
            status: 'partial',
            statusReasons: ['kubernetes provider: cluster prod-eu timed out'],
            staleSince: '2024-05-01T10:00:00Z',
            coverage: 0.6,
          }),
        ),
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(await screen.findByText('Partial results')).toBeInTheDocument();
    expect(
      screen.getByText('kubernetes provider: cluster prod-eu timed out'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('posture-coverage')).toHaveTextContent(
      '60% of the scorecard had evidence',
    );
    // the last known score is still shown
    expect(screen.getByTestId('posture-score')).toHaveTextContent('89.8%');
  });

  it('explains a stale result', async () => {
    serve({
      posture: () =>
        HttpResponse.json(
          makePosture({ status: 'stale', staleSince: '2024-05-01T10:00:00Z' }),
        ),
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(await screen.findByText('Stale results')).toBeInTheDocument();
    expect(screen.getByText(/No successful scan since/)).toBeInTheDocument();
  });

  it('tells the owner which annotations to add when never scanned', async () => {
    serve({ posture: () => HttpResponse.json(neverScannedPosture()) });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(await screen.findByText('Not scanned yet')).toBeInTheDocument();
    // the copyable snippet holds the annotation block
    const code = document.querySelector('pre code, pre');
    expect(code?.textContent).toContain(
      'security-posture.backstage.io/manifests: ./deploy/k8s/,./terraform/plan.json',
    );
    expect(code?.textContent).toContain(
      'backstage.io/kubernetes-id: payments-api',
    );
    expect(screen.getByRole('button', { name: /copy/i })).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getAllByText(
        /security-posture\.backstage\.io\/terraform-addresses/,
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('posture-score')).not.toBeInTheDocument();
  });

  it('tells the owner which annotations to add when a scan found no resources', async () => {
    serve({
      posture: () =>
        HttpResponse.json({
          ...neverScannedPosture(),
          status: 'ok',
          lastScanAt: new Date().toISOString(),
        }),
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(await screen.findByText('No resources found')).toBeInTheDocument();
    expect(
      screen.getByText(/found no resources for this entity/),
    ).toBeInTheDocument();
  });

  it('shows the server error', async () => {
    serve({
      posture: () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is gone' } },
          { status: 500, statusText: 'Internal Server Error' },
        ),
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(
      await screen.findByText(/Could not load the security posture/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is gone/).length).toBeGreaterThan(0);
  });

  it('filters findings on the server and pages with the cursor', async () => {
    const requests = serve({
      findings: url =>
        HttpResponse.json(
          url.searchParams.get('cursor') === 'page2'
            ? {
                items: [
                  makeFinding({ id: 'f9', title: 'Second page finding' }),
                ],
                nextCursor: null,
                totalCount: 26,
              }
            : {
                items: [makeFinding()],
                nextCursor: 'page2',
                totalCount: 26,
              },
        ),
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    await screen.findByText('Privileged container');
    expect(screen.getByText('1–1 of 26')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('Second page finding')).toBeInTheDocument();
    expect(requests[requests.length - 1].searchParams.get('cursor')).toBe(
      'page2',
    );
    expect(screen.getByText('26–26 of 26')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Previous page' }),
    );
    expect(await screen.findByText('Privileged container')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Severity All' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'critical' }),
    );
    await waitFor(() =>
      expect(requests[requests.length - 1].searchParams.get('severity')).toBe(
        'critical',
      ),
    );
    expect(requests[requests.length - 1].searchParams.get('cursor')).toBeNull();
  });

  it('sorts findings on the server from the column headers and the Sort by control', async () => {
    const second = makeFinding({
      id: 'f3',
      title: 'Public bucket',
      severity: 'high',
      resource: {
        uid: 'tf:aws_s3_bucket.exports',
        type: 'aws.s3.bucket',
        kind: 'S3Bucket',
        name: 'exports',
      },
    });
    const requests = serve({
      findings: url => {
        const sort = url.searchParams.get('sort');
        // The server's order for the resource sort, and a second page.
        const items =
          sort === 'resource'
            ? [second, makeFinding()]
            : [makeFinding(), second];
        return HttpResponse.json({
          items,
          nextCursor: url.searchParams.get('cursor') ? null : 'page2',
          totalCount: 4,
        });
      },
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    await screen.findByText('Public bucket');
    expect(requests[requests.length - 1].searchParams.get('sort')).toBe(
      '-severity',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(requests[requests.length - 1].searchParams.get('cursor')).toBe(
        'page2',
      ),
    );

    const table = () =>
      screen
        .getByText('Findings (4)')
        .closest('div[class*="MuiPaper"]') as HTMLElement;
    await userEvent.click(
      within(table()).getByRole('button', { name: 'Resource' }),
    );
    await waitFor(() =>
      expect(requests[requests.length - 1].searchParams.get('sort')).toBe(
        'resource',
      ),
    );
    // A new order starts again at the first page, in the server's order.
    expect(requests[requests.length - 1].searchParams.get('cursor')).toBeNull();
    await waitFor(() => {
      const rows = within(table()).getAllByRole('row').slice(1);
      expect(rows[0]).toHaveTextContent('Public bucket');
      expect(rows[1]).toHaveTextContent('Privileged container');
    });

    await userEvent.click(
      within(table()).getByRole('button', { name: 'Resource' }),
    );
    await waitFor(() =>
      expect(requests[requests.length - 1].searchParams.get('sort')).toBe(
        '-resource',
      ),
    );
    // The table keeps the server's order rather than re-sorting the page.
    await waitFor(() => {
      const rows = within(table()).getAllByRole('row').slice(1);
      expect(rows[0]).toHaveTextContent('Privileged container');
    });

    await userEvent.click(screen.getByRole('button', { name: /^Sort by/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Last seen, newest first' }),
    );
    await waitFor(() =>
      expect(requests[requests.length - 1].searchParams.get('sort')).toBe(
        '-lastSeen',
      ),
    );
    expect(screen.getByRole('button', { name: /^Sort by/ })).toHaveTextContent(
      'Last seen, newest first',
    );
  });

  it('shows the compliance per framework computed for the entity', async () => {
    serve({
      posture: () =>
        HttpResponse.json(
          makePosture({
            title: 'Payments API',
            frameworks: makeTeamFrameworks(),
          }),
        ),
    });
    await renderWithApis(<EntityPostureView entity={componentEntity} />);
    expect(
      await screen.findByRole('progressbar', {
        name: 'Payments API, NIST SP 800-53: passing controls',
      }),
    ).toHaveAttribute('aria-valuenow', '75');
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show checks of failing NIST SP 800-53 controls',
      }),
    );
    expect(
      screen.getByRole('list', { name: 'Failing NIST SP 800-53 controls' }),
    ).toHaveTextContent('AC-6 — k8s-no-privileged');
  });

  it('hides Rescan without the scan permission', async () => {
    serve({});
    await renderWithApis(<EntityPostureView entity={componentEntity} />, {
      canScan: false,
    });
    await screen.findByTestId('posture-score');
    expect(
      screen.queryByRole('button', { name: /Rescan/ }),
    ).not.toBeInTheDocument();
  });

  it('shows the team view on a Group through the legacy tab export', async () => {
    server.use(
      http.get(`${BASE}/teams/default/payments`, () =>
        HttpResponse.json({
          entityRef: 'group:default/payments',
          title: 'Payments',
          score: { earned: 0, possible: 0, percent: null },
          adjustedScore: { earned: 0, possible: 0, percent: null },
          categories: [],
          coverage: null,
          counts: { critical: 0, high: 0, medium: 0, low: 0 },
          trend: { delta7d: null, delta30d: null },
          entities: [],
          subTeams: [],
          worstFindings: [],
        }),
      ),
    );
    await renderWithApis(<EntitySecurityPostureContent />, {
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'payments', namespace: 'default' },
        spec: { type: 'team', children: [] },
      },
    });
    expect(
      await screen.findByText(/No entity owned by this team or its sub-teams/),
    ).toBeInTheDocument();
  });
});
