import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import type {
  EntityPosture,
  Finding,
  Leaderboard,
  OwnershipReport,
  Page,
  TeamPosture,
} from '@internal/backstage-plugin-security-posture-common';
import request from 'supertest';
import {
  bucket,
  FakeProvider,
  initialAnswers,
  TEST_CHECKS,
  testCatalog,
} from './__testUtils__/fixtures';
import { securityPosturePlugin } from './plugin';
import { steeredPermissions } from './__testUtils__/permissions';

jest.setTimeout(60_000);

const { policy, permissions } = steeredPermissions({
  claims: ['group:default/leaf1'],
});

const audited: Array<{ eventId: string; outcome: string }> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async options => ({
    success: async () => {
      audited.push({ eventId: options.eventId, outcome: 'success' });
    },
    fail: async () => {
      audited.push({ eventId: options.eventId, outcome: 'fail' });
    },
  }),
});

const fake = new FakeProvider();

const testModule = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'test-sources',
  register(env) {
    env.registerInit({
      deps: {
        providers: securityPostureResourceProvidersExtensionPoint,
        checks: securityPostureChecksExtensionPoint,
      },
      async init({ providers, checks }) {
        providers.addResourceProvider(fake);
        checks.addChecks(TEST_CHECKS);
      },
    });
  },
});

describe('security-posture backend', () => {
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    initialAnswers(fake);
    fake.answers.set('resource:default/c', {
      resources: [bucket('c-lake', { encrypted: true, public: true })],
      unclaimed: [bucket('orphan', { encrypted: false, public: false })],
    });
    const backend = await startTestBackend({
      features: [
        securityPosturePlugin,
        testModule,
        catalogServiceMock.factory({ entities: testCatalog() }),
        permissions.factory,
        auditor.factory,
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: { manifests: { enabled: false } },
              // No initial delay: the test scheduler runs the scan at start-up.
              scan: {
                schedule: { frequency: { hours: 6 }, timeout: { minutes: 5 } },
              },
              leaderboard: { groupTypes: [] },
            },
          },
        }),
      ],
    });
    server = backend.server;
  });

  beforeEach(() => {
    policy.read = 'all';
    policy.scan = true;
    audited.length = 0;
  });

  const api = '/api/security-posture';

  it('answers /health without credentials', async () => {
    const res = await request(server)
      .get(`${api}/health`)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it.each([
    ['get', '/entities/component/default/a'],
    ['get', '/entities/component/default/a/findings'],
    ['get', '/entities/component/default/a/history'],
    ['get', '/teams/default/dept'],
    ['get', '/leaderboard'],
    ['get', '/ownership'],
    ['get', '/checks'],
    ['post', '/scans'],
    ['get', '/scans/3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f'],
  ] as const)(
    'answers 401 on %s %s without credentials',
    async (method, path) => {
      const res = await request(server)
        [method](`${api}${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    },
  );

  describe('GET /entities/:kind/:namespace/:name', () => {
    it('returns the latest posture of a scanned entity', async () => {
      const res = await request(server).get(
        `${api}/entities/component/default/b`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityPosture;
      expect(body).toMatchObject({
        entityRef: 'component:default/b',
        title: 'B',
        status: 'ok',
        statusReasons: [],
        staleSince: null,
        score: { earned: 10, possible: 28, percent: 35.7 },
        adjustedScore: { earned: 10, possible: 28, percent: 35.7 },
        coverage: 1,
        counts: { critical: 1, high: 1, medium: 0, low: 0 },
        resourceCount: 2,
        exemptions: [],
        trend: { delta7d: null, delta30d: null },
      });
      expect(Date.parse(body.lastScanAt!)).not.toBeNaN();
      expect(body.categories.map(c => [c.id, c.earned, c.possible])).toEqual([
        ['identity_and_access', 0, 0],
        ['network', 10, 10],
        ['data', 0, 9],
        ['compute', 0, 9],
      ]);
      expect(body.pointsToGain.map(p => p.control)).toEqual([
        'encryption_at_rest',
        'no_privileged_containers',
      ]);
      expect(body.modelVersion).toMatch(/^sp1-/);
    });

    it('returns roll-ups for systems and groups', async () => {
      const shop = await request(server).get(
        `${api}/entities/system/default/shop`,
      );
      expect(shop.status).toBe(200);
      expect(shop.body.score).toEqual({
        earned: 38,
        possible: 56,
        percent: 67.9,
      });
      const dept = await request(server).get(
        `${api}/entities/group/default/dept`,
      );
      expect(dept.body.score).toEqual({
        earned: 47,
        possible: 75,
        percent: 62.7,
      });
    });

    it('says never-scanned, with how to fix it, for an entity without resources', async () => {
      const res = await request(server).get(
        `${api}/entities/component/default/unannotated`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'never-scanned',
        score: { earned: 0, possible: 0, percent: null },
        lastScanAt: null,
      });
      expect(res.body.statusReasons[0]).toContain(
        'security-posture.backstage.io/manifests',
      );
    });

    it('answers 404 for an entity the catalog does not know', async () => {
      const res = await request(server).get(
        `${api}/entities/component/default/nope`,
      );
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('component:default/nope');
    });

    it('answers 400 for unknown kinds and malformed names', async () => {
      const kind = await request(server).get(
        `${api}/entities/widget/default/a`,
      );
      expect(kind.status).toBe(400);
      expect(kind.body.error.message).toContain('Unsupported kind "widget"');
      const name = await request(server).get(
        `${api}/entities/component/default/${encodeURIComponent(
          "a'; drop table x;--",
        )}`,
      );
      expect(name.status).toBe(400);
      expect(name.body.error.message).toContain('name must be');
    });

    it('answers 403 when the policy denies reading the entity', async () => {
      policy.read = new Set(['component:default/a']);
      expect(
        (await request(server).get(`${api}/entities/component/default/a`))
          .status,
      ).toBe(200);
      const res = await request(server).get(
        `${api}/entities/component/default/b`,
      );
      expect(res.status).toBe(403);
    });
  });

  describe('GET …/findings', () => {
    it('pages findings, most severe first, and filters them', async () => {
      const all = await request(server).get(
        `${api}/entities/component/default/b/findings`,
      );
      expect(all.status).toBe(200);
      const page = all.body as Page<Finding>;
      expect(page.totalCount).toBe(2);
      expect(page.items.map(f => [f.checkId, f.severity, f.status])).toEqual([
        ['test-no-privileged', 'critical', 'open'],
        ['test-encrypted', 'high', 'open'],
      ]);
      expect(page.items[0]).toMatchObject({
        entityRef: 'component:default/b',
        resource: { kind: 'Deployment', name: 'b' },
        evidence: [
          {
            path: 'spec.template.spec.containers[0].securityContext.privileged',
            value: true,
          },
        ],
        remediation: { text: 'Set privileged: false.' },
        resolvedAt: null,
      });

      const first = await request(server).get(
        `${api}/entities/component/default/b/findings?limit=1`,
      );
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await request(server).get(
        `${api}/entities/component/default/b/findings?limit=1&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items.map((f: Finding) => f.checkId)).toEqual([
        'test-encrypted',
      ]);
      expect(second.body.nextCursor).toBeNull();

      const high = await request(server).get(
        `${api}/entities/component/default/b/findings?severity=high&status=open,exempted`,
      );
      expect(high.body.items.map((f: Finding) => f.checkId)).toEqual([
        'test-encrypted',
      ]);
      // A system shows its members' findings.
      const shop = await request(server).get(
        `${api}/entities/system/default/shop/findings?category=compute`,
      );
      expect(shop.body.items.map((f: Finding) => f.entityRef)).toEqual([
        'component:default/b',
      ]);
    });

    it.each([
      ['limit=1000', 'limit: must be between 1 and 500'],
      ['limit=abc', 'limit: must be a whole number'],
      ['status=bogus', 'unknown status "bogus"'],
      ['severity=urgent', 'unknown severity "urgent"'],
      ['cursor=garbage', 'Invalid cursor'],
      ['sort=asc', 'sort: must be one of severity, category, status'],
      ['sort=severity&sort=check', 'sort: must be one of'],
      ['sort=--severity', 'got "--severity"'],
    ])('answers 400 for %s', async (query, message) => {
      const res = await request(server).get(
        `${api}/entities/component/default/b/findings?${query}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });

    it('answers 404 and 403 like the entity route', async () => {
      expect(
        (
          await request(server).get(
            `${api}/entities/component/default/nope/findings`,
          )
        ).status,
      ).toBe(404);
      policy.read = 'none';
      expect(
        (
          await request(server).get(
            `${api}/entities/component/default/b/findings`,
          )
        ).status,
      ).toBe(403);
    });

    it("leaves members the caller may not read out of a roll-up's findings", async () => {
      policy.read = new Set(['system:default/shop', 'component:default/a']);
      const res = await request(server).get(
        `${api}/entities/system/default/shop/findings`,
      );
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(0);
    });
  });

  describe('GET …/history', () => {
    it('returns the time series', async () => {
      const res = await request(server).get(
        `${api}/entities/component/default/b/history?from=${new Date(
          Date.now() - 30 * 24 * 60 * 60 * 1000,
        ).toISOString()}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(1);
      expect(res.body[0]).toMatchObject({
        percent: 35.7,
        adjustedPercent: 35.7,
      });
      expect(res.body[0].categories).toContainEqual({
        id: 'network',
        percent: 100,
      });
    });

    it.each([
      ['from=yesterday', 'from must be an ISO 8601 date'],
      ['to=2026-13-45', 'to must be an ISO 8601 date'],
      ['from=2026-11-28&to=2026-11-01', 'is after to'],
      ['from=2020-01-01&to=2026-01-01', 'longer than 800 days'],
    ])('answers 400 for %s', async (query, message) => {
      const res = await request(server).get(
        `${api}/entities/component/default/b/history?${query}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });
  });

  describe('GET /teams/:namespace/:name', () => {
    it("returns the group's roll-up with its entities, sub-teams and worst findings", async () => {
      const res = await request(server).get(`${api}/teams/default/dept`);
      expect(res.status).toBe(200);
      const body = res.body as TeamPosture;
      expect(body).toMatchObject({
        entityRef: 'group:default/dept',
        title: 'DEPT',
        score: { earned: 47, possible: 75, percent: 62.7 },
        counts: { critical: 2, high: 1, medium: 0, low: 0 },
        ownership: { owned: 5, total: 6 },
      });
      // Everything the department and its sub-teams own, worst first.
      expect(body.entities.map(e => [e.entityRef, e.score.percent])).toEqual([
        ['component:default/b', 35.7],
        ['resource:default/c', 47.4],
        ['system:default/data', 47.4],
        ['domain:default/commerce', 62.7],
        ['system:default/shop', 67.9],
        ['component:default/a', 100],
        ['component:default/unannotated', null],
      ]);
      expect(body.subTeams.map(t => [t.entityRef, t.score.percent])).toEqual([
        ['group:default/leaf2', 35.7],
        ['group:default/leaf1', 100],
      ]);
      expect(body.worstFindings.map(f => [f.entityRef, f.severity])).toEqual([
        ['component:default/b', 'critical'],
        ['resource:default/c', 'critical'],
        ['component:default/b', 'high'],
      ]);
    });

    it('answers 404, 400 and 403', async () => {
      expect(
        (await request(server).get(`${api}/teams/default/nope`)).status,
      ).toBe(404);
      expect(
        (await request(server).get(`${api}/teams/default/-bad-`)).status,
      ).toBe(400);
      policy.read = new Set(['group:default/leaf1']);
      expect(
        (await request(server).get(`${api}/teams/default/dept`)).status,
      ).toBe(403);
      const leaf = await request(server).get(`${api}/teams/default/leaf1`);
      expect(leaf.status).toBe(200);
      // The caller may read the team but not its entities: they are left out.
      expect(leaf.body.entities).toEqual([]);
    });
  });

  describe('GET /leaderboard', () => {
    it('ranks teams and entities', async () => {
      const res = await request(server).get(`${api}/leaderboard`);
      expect(res.status).toBe(200);
      const body = res.body as Leaderboard;
      expect(
        body.teams.map(t => [
          t.rank,
          t.entityRef,
          t.score.percent,
          t.entityCount,
        ]),
      ).toEqual([
        [1, 'group:default/leaf1', 100, 1],
        [2, 'group:default/dept', 62.7, 3],
        [3, 'group:default/org', 62.7, 3],
        [4, 'group:default/leaf2', 35.7, 1],
      ]);
      expect(body.teams[0].trend).toEqual({ delta7d: null, delta30d: null });
      expect(body.entities.map(e => e.entityRef)).toEqual([
        'component:default/a',
        'resource:default/c',
        'component:default/b',
      ]);
      const limited = await request(server).get(`${api}/leaderboard?limit=2`);
      expect(limited.body.teams).toHaveLength(2);
      expect(limited.body.entities).toHaveLength(2);
    });

    it('only lists what the caller may read', async () => {
      policy.read = new Set(['group:default/leaf1', 'component:default/a']);
      const res = await request(server).get(`${api}/leaderboard`);
      expect(
        res.body.teams.map((t: { entityRef: string }) => t.entityRef),
      ).toEqual(['group:default/leaf1']);
      expect(
        res.body.entities.map((e: { entityRef: string }) => e.entityRef),
      ).toEqual(['component:default/a']);
    });

    it.each(['limit=0', 'limit=101', 'limit=-1', 'top=3'])(
      'answers 400 for %s',
      async query => {
        expect(
          (await request(server).get(`${api}/leaderboard?${query}`)).status,
        ).toBe(400);
      },
    );
  });

  describe('GET /ownership', () => {
    it('lists unowned resources and ownership coverage per team', async () => {
      const res = await request(server).get(`${api}/ownership`);
      expect(res.status).toBe(200);
      const body = res.body as OwnershipReport;
      expect(body.unowned.totalCount).toBe(1);
      expect(body.unowned.items[0]).toMatchObject({
        name: 'orphan',
        provider: 'fake',
        location: 'plan.json',
      });
      expect(
        body.teams.map(t => [t.entityRef, t.owned, t.total, t.percent]),
      ).toEqual([
        ['group:default/dept', 5, 6, 83.3],
        ['group:default/org', 5, 6, 83.3],
        ['group:default/leaf1', 2, 2, 100],
        ['group:default/leaf2', 2, 2, 100],
      ]);
    });

    it('hides what was seen in sources the caller may not read', async () => {
      policy.read = new Set(['group:default/leaf1', 'component:default/a']);
      const res = await request(server).get(`${api}/ownership`);
      expect(res.body.unowned.totalCount).toBe(0);
      expect(
        res.body.teams.map((t: { entityRef: string }) => t.entityRef),
      ).toEqual(['group:default/leaf1']);
    });

    it('answers 400 on a bad cursor', async () => {
      expect(
        (await request(server).get(`${api}/ownership?cursor=xyz`)).status,
      ).toBe(400);
    });
  });

  describe('GET /checks', () => {
    it('serves the check catalogue with remediation and framework mappings', async () => {
      const res = await request(server).get(`${api}/checks`);
      expect(res.status).toBe(200);
      const check = res.body.checks.find(
        (c: { id: string }) => c.id === 'test-no-privileged',
      );
      expect(check).toEqual({
        id: 'test-no-privileged',
        title: 'Containers are not privileged',
        description: 'Workloads must not run privileged containers.',
        severity: 'critical',
        category: 'compute',
        control: 'no_privileged_containers',
        weight: 1,
        appliesTo: ['test.workload'],
        frameworks: { 'cis-kubernetes': ['5.2.1'] },
        remediation: {
          text: 'Set privileged: false.',
          url: 'https://example.com/runbooks/security-posture',
        },
        origin: 'builtin',
      });
      expect(res.body.frameworks).toEqual(
        expect.arrayContaining(['cis-aws', 'cis-kubernetes', 'nist-800-53']),
      );
      expect(res.body.modelVersion).toMatch(/^sp1-/);
    });
  });

  describe('POST /scans and GET /scans/:id', () => {
    it('scans one entity on request and reports the run', async () => {
      fake.calls.length = 0;
      const res = await request(server)
        .post(`${api}/scans`)
        .send({ entityRef: 'Component:default/A' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        scanId: expect.any(String),
        id: res.body.scanId,
        trigger: 'manual',
        entityRef: 'component:default/a',
      });
      expect(audited).toEqual([
        { eventId: 'scan-trigger', outcome: 'success' },
      ]);
      const run = await request(server).get(`${api}/scans/${res.body.scanId}`);
      expect(run.status).toBe(200);
      expect(run.body).toMatchObject({
        id: res.body.scanId,
        status: 'succeeded',
        counts: { entities: 1, resources: 2 },
      });
      expect(fake.calls).toEqual(['component:default/a']);
    });

    it('scans everything on request', async () => {
      fake.calls.length = 0;
      const res = await request(server).post(`${api}/scans`).send({});
      expect(res.status).toBe(202);
      const run = await request(server).get(`${api}/scans/${res.body.scanId}`);
      expect(run.body).toMatchObject({ status: 'succeeded', entityRef: null });
      expect(fake.calls.sort()).toEqual([
        'component:default/a',
        'component:default/b',
        'resource:default/c',
      ]);
    });

    it.each([
      [{ entityRef: 'component:default/' }, 'Invalid entityRef'],
      [{ entityRef: 'widget:default/a' }, 'Unsupported kind'],
      [{ everything: true }, 'unknown request body "everything"'],
      [{ entityRef: 42 }, 'entityRef'],
    ])('answers 400 for %j', async (body, message) => {
      const res = await request(server).post(`${api}/scans`).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });

    it('answers 400 for malformed JSON, 404 for unknown entities and scans', async () => {
      const malformed = await request(server)
        .post(`${api}/scans`)
        .set('Content-Type', 'application/json')
        .send('{"entityRef": ');
      expect(malformed.status).toBe(400);
      expect(
        (
          await request(server)
            .post(`${api}/scans`)
            .send({ entityRef: 'component:default/nope' })
        ).status,
      ).toBe(404);
      expect(
        (
          await request(server).get(
            `${api}/scans/3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f`,
          )
        ).status,
      ).toBe(404);
      expect(
        (await request(server).get(`${api}/scans/not-a-uuid`)).status,
      ).toBe(400);
    });

    it('answers 403 without security-posture.scan.create, and audits the refusal', async () => {
      policy.scan = false;
      const res = await request(server).post(`${api}/scans`).send({});
      expect(res.status).toBe(403);
      expect(audited).toEqual([{ eventId: 'scan-trigger', outcome: 'fail' }]);
      expect(
        (
          await request(server).get(
            `${api}/scans/3f1c2b9e-5d1a-4c53-9d7e-0a1b2c3d4e5f`,
          )
        ).status,
      ).toBe(403);
    });
  });
});
