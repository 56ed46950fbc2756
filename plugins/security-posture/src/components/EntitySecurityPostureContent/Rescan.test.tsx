import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { EntityPostureView } from './EntityPostureView';
import {
  BASE,
  componentEntity,
  makeHistory,
  makePosture,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { quietHandlers } from '../../__testUtils__/handlers';

// Separate file from the permission-denied case: usePermission caches decisions
// for the lifetime of the module registry.
const ENTITY = `${BASE}/entities/component/default/payments-api`;
const server = setupServer(...quietHandlers());
registerMswTestHooks(server);

describe('Rescan', () => {
  function serve(posture: () => Response) {
    server.use(
      http.get(ENTITY, posture),
      http.get(`${ENTITY}/findings`, () =>
        HttpResponse.json({ items: [], nextCursor: null, totalCount: 0 }),
      ),
      http.get(`${ENTITY}/history`, () => HttpResponse.json(makeHistory(30))),
    );
  }

  it('rescans with the permission and shows the new result when the scan is done', async () => {
    let scanned = false;
    let polls = 0;
    let body: unknown;
    serve(() =>
      HttpResponse.json(
        scanned
          ? makePosture({ score: { earned: 127, possible: 127, percent: 100 } })
          : makePosture(),
      ),
    );
    server.use(
      http.post(`${BASE}/scans`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ scanId: 's1' }, { status: 202 });
      }),
      http.get(`${BASE}/scans/s1`, () => {
        polls += 1;
        if (polls >= 2) scanned = true;
        return HttpResponse.json({
          id: 's1',
          status: polls >= 2 ? 'succeeded' : 'running',
          trigger: 'manual',
          entityRef: 'component:default/payments-api',
          startedAt: new Date().toISOString(),
          finishedAt: null,
          counts: { entities: 1, resources: 12, findings: 2, errors: 0 },
          errors: [],
        });
      }),
    );
    await renderWithApis(
      <EntityPostureView entity={componentEntity} pollIntervalMs={10} />,
      {
        canScan: true,
      },
    );
    await screen.findByTestId('posture-score');
    await userEvent.click(screen.getByRole('button', { name: 'Rescan' }));
    expect(
      await screen.findByRole('progressbar', { name: 'Scan progress' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Scan finished: 12 resources, 2 findings.'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByTestId('posture-score')).toHaveTextContent('100.0%'),
    );
    expect(body).toEqual({ entityRef: 'component:default/payments-api' });
  });

  it('reports a failed scan', async () => {
    serve(() => HttpResponse.json(makePosture()));
    server.use(
      http.post(`${BASE}/scans`, () =>
        HttpResponse.json({ scanId: 's2' }, { status: 202 }),
      ),
      http.get(`${BASE}/scans/s2`, () =>
        HttpResponse.json({
          id: 's2',
          status: 'failed',
          trigger: 'manual',
          entityRef: 'component:default/payments-api',
          startedAt: null,
          finishedAt: null,
          counts: { entities: 0, resources: 0, findings: 0, errors: 1 },
          errors: ['manifests provider: ./deploy/ not found'],
        }),
      ),
    );
    await renderWithApis(
      <EntityPostureView entity={componentEntity} pollIntervalMs={10} />,
      { canScan: true },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Rescan' }),
    );
    expect(
      await screen.findByText(
        'Scan failed: manifests provider: ./deploy/ not found',
      ),
    ).toBeInTheDocument();
  });
});
