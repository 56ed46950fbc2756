import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { SecurityPostureClient } from './SecurityPostureClient';
import { BASE, makeHistory, makePosture } from '../__testUtils__/fixtures';

const server = setupServer();
registerMswTestHooks(server);

describe('SecurityPostureClient', () => {
  const fetchSpy = jest.fn((input: any, init?: any) => fetch(input, init));
  const client = new SecurityPostureClient({
    discoveryApi: { getBaseUrl: async id => `http://localhost:7007/api/${id}` },
    fetchApi: { fetch: fetchSpy },
  });
  const entity = { kind: 'Component', namespace: 'my ns', name: 'a/b' };

  it('reads an entity posture with the kind lower-cased and the ref parts encoded', async () => {
    let path = '';
    server.use(
      http.get(`${BASE}/entities/:kind/:namespace/:name`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json(makePosture());
      }),
    );
    const posture = await client.getEntityPosture(entity);
    expect(path).toBe('/api/security-posture/entities/component/my%20ns/a%2Fb');
    expect(posture.score.percent).toBe(89.8);
    // requests go through the app's fetchApi (which adds the user's token)
    expect(fetchSpy).toHaveBeenCalled();
  });

  it('sends findings filters and the cursor, and leaves out empty ones', async () => {
    let search = '';
    server.use(
      http.get(
        `${BASE}/entities/component/default/x/findings`,
        ({ request }) => {
          search = new URL(request.url).search;
          return HttpResponse.json({
            items: [],
            nextCursor: null,
            totalCount: 0,
          });
        },
      ),
    );
    await client.getFindings(
      { kind: 'component', namespace: 'default', name: 'x' },
      { severity: 'high', status: 'open', limit: 25, cursor: 'abc=' },
    );
    expect(new URLSearchParams(search).get('severity')).toBe('high');
    expect(new URLSearchParams(search).get('status')).toBe('open');
    expect(new URLSearchParams(search).get('cursor')).toBe('abc=');
    expect(new URLSearchParams(search).has('category')).toBe(false);
    expect(new URLSearchParams(search).has('sort')).toBe(false);

    await client.getFindings(
      { kind: 'component', namespace: 'default', name: 'x' },
      { sort: '-lastSeen' },
    );
    expect(new URLSearchParams(search).get('sort')).toBe('-lastSeen');
  });

  it("reads a team's history from the team route and the framework report with its cursor", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${BASE}/teams/:namespace/:name/history`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(`${url.pathname}?to=${url.searchParams.get('to')}`);
        return HttpResponse.json(makeHistory(90));
      }),
      http.get(`${BASE}/frameworks`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(`${url.pathname}${url.search}`);
        return HttpResponse.json({
          frameworks: [],
          teams: { items: [], nextCursor: null, totalCount: 0 },
          modelVersion: 'sp1-x',
          generatedAt: '2026-12-01T00:00:00.000Z',
        });
      }),
    );
    const points = await client.getTeamHistory(
      { namespace: 'default', name: 'payments core' },
      {
        from: new Date('2024-01-01T00:00:00Z'),
        to: new Date('2024-03-31T00:00:00Z'),
      },
    );
    expect(points).toHaveLength(3);
    const report = await client.getFrameworks({
      limit: 50,
      cursor: 'eyJvIjo1MH0',
    });
    expect(report.modelVersion).toBe('sp1-x');
    expect(seen).toEqual([
      '/api/security-posture/teams/default/payments%20core/history?to=2024-03-31T00:00:00.000Z',
      '/api/security-posture/frameworks?limit=50&cursor=eyJvIjo1MH0',
    ]);
  });

  it.each([
    ['a bare array', (points: unknown) => points],
    ['an items envelope', (points: unknown) => ({ items: points })],
  ])('reads history sent as %s', async (_name, wrap) => {
    let from = '';
    server.use(
      http.get(
        `${BASE}/entities/component/default/x/history`,
        ({ request }) => {
          from = new URL(request.url).searchParams.get('from')!;
          return HttpResponse.json(wrap(makeHistory(30)) as any);
        },
      ),
    );
    const points = await client.getHistory(
      { kind: 'component', namespace: 'default', name: 'x' },
      {
        from: new Date('2024-01-01T00:00:00Z'),
        to: new Date('2024-01-31T00:00:00Z'),
      },
    );
    expect(points).toHaveLength(3);
    expect(from).toBe('2024-01-01T00:00:00.000Z');
  });

  it('posts a scan of one entity', async () => {
    let body: unknown;
    server.use(
      http.post(`${BASE}/scans`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ scanId: 'abc' }, { status: 202 });
      }),
    );
    await expect(
      client.triggerScan({ entityRef: 'component:default/x' }),
    ).resolves.toEqual({ scanId: 'abc' });
    expect(body).toEqual({ entityRef: 'component:default/x' });
  });

  it('throws a ResponseError carrying the server error', async () => {
    server.use(
      http.get(`${BASE}/leaderboard`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Unauthorized' },
            request: { method: 'GET', url: '/leaderboard' },
            response: { statusCode: 403 },
          },
          { status: 403, statusText: 'Forbidden' },
        ),
      ),
    );
    const error = await client.getLeaderboard().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe('Unauthorized');
  });
});
