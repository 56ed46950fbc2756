import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  CheckCatalogue,
  EntityPosture,
  Finding,
  FindingSortKey,
  FrameworkCompliance,
  FrameworkReport,
  HistoryPoint,
  Page,
  TeamPosture,
} from '@internal/backstage-plugin-security-posture-common';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import request from 'supertest';
import {
  bucket,
  FakeProvider,
  TEST_CHECKS,
  testCatalog,
  workload,
} from '../__testUtils__/fixtures';
import { securityPosturePlugin } from '../plugin';
import { steeredPermissions } from '../__testUtils__/permissions';

/**
 * The views the frontend needed more from the API for, end to end on both
 * databases: framework compliance per entity and team (computed at scan time),
 * a team's score history, and findings sorted and paged on the server.
 *
 * The test checks map onto one framework control each: test-no-privileged →
 * CIS Kubernetes 5.2.1, test-encrypted → NIST SC-28, test-not-public → CIS AWS
 * 2.1.5. Ownership (see testCatalog): leaf1 owns a, leaf2 owns b, dept owns c
 * and is the parent of leaf1 and leaf2.
 */

jest.setTimeout(180_000);

const api = '/api/security-posture';
const DAY = 24 * 60 * 60 * 1000;

const { policy, permissions } = steeredPermissions();

/** b's buckets are unencrypted under an active exemption. */
function catalog() {
  const expires = new Date(Date.now() + 365 * DAY).toISOString().slice(0, 10);
  return testCatalog().map(e =>
    e.metadata.name === 'b'
      ? {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: {
              ...e.metadata.annotations,
              'security-posture.backstage.io/exemptions': `
- check: test-encrypted
  reason: Buckets hold public data only
  approver: security@example.com
  expires: ${expires}
`,
            },
          },
        }
      : e,
  );
}

/**
 * - a: compliant workload and bucket;
 * - b: two privileged workloads, two unencrypted (exempted) private buckets;
 * - c: a public bucket, and a public unencrypted one.
 */
function firstAnswers(fake: FakeProvider) {
  fake.answers.set('component:default/a', [
    workload('api', false),
    bucket('a-data', { encrypted: true, public: false }),
  ]);
  fake.answers.set('component:default/b', [
    workload('b', true),
    workload('b-worker', true),
    bucket('b-data', { encrypted: false, public: false }),
    bucket('b-logs', { encrypted: false, public: false }),
  ]);
  fake.answers.set('resource:default/c', [
    bucket('c-lake', { encrypted: true, public: true }),
    bucket('c-raw', { encrypted: false, public: true }),
  ]);
}

/** b's workloads are fixed; c gets one more public bucket. */
function secondAnswers(fake: FakeProvider) {
  fake.answers.set('component:default/b', [
    workload('b', false),
    workload('b-worker', false),
    bucket('b-data', { encrypted: false, public: false }),
    bucket('b-logs', { encrypted: false, public: false }),
  ]);
  fake.answers.set('resource:default/c', [
    bucket('c-lake', { encrypted: true, public: true }),
    bucket('c-raw', { encrypted: false, public: true }),
    bucket('c-new', { encrypted: true, public: true }),
  ]);
}

const byId = (list: FrameworkCompliance[] | undefined) =>
  Object.fromEntries(
    (list ?? []).map(f => [
      f.id,
      [f.evaluated, f.passing, f.adjustedPassing, f.percent],
    ]),
  );

// An order written for the test, from the API's documented meaning of each key.
const SEVERITY_ORDER = { low: 0, medium: 1, high: 2, critical: 3 };
function sortValue(f: Finding, key: FindingSortKey): string | number {
  switch (key) {
    case 'severity':
      return SEVERITY_ORDER[f.severity];
    case 'category':
      return f.category;
    case 'status':
      return f.status;
    case 'firstSeen':
      return Date.parse(f.firstSeen);
    case 'lastSeen':
      return Date.parse(f.lastSeen);
    case 'check':
      return f.checkId;
    default: {
      const r = f.resource;
      return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${
        r.name
      }`.toLowerCase();
    }
  }
}
function expectedOrder(items: Finding[], key: FindingSortKey, desc: boolean) {
  const cmp = (x: string | number, y: string | number) => {
    if (x === y) return 0;
    return x < y ? -1 : 1;
  };
  return [...items]
    .sort(
      (a, b) =>
        (desc ? -1 : 1) * cmp(sortValue(a, key), sortValue(b, key)) ||
        // Ties: most severe first, then the oldest finding id.
        SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] ||
        Number(a.id) - Number(b.id),
    )
    .map(f => f.id);
}

describe.each(
  TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] }).eachSupportedId(),
)('frameworks, team history and sorted findings on %p', databaseId => {
  const databases = TestDatabases.create({ ids: [databaseId] });
  const fake = new FakeProvider();
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const get = async <T>(path: string): Promise<T> => {
    const res = await request(server).get(`${api}${path}`);
    expect(`${path} ${res.status}`).toBe(`${path} 200`);
    return res.body as T;
  };
  const scan = async () => {
    const res = await request(server).post(`${api}/scans`).send({});
    expect(res.status).toBe(202);
    for (let i = 0; i < 400; i++) {
      const run = await get<{ status: string }>(`/scans/${res.body.scanId}`);
      if (!['queued', 'running'].includes(run.status)) {
        expect(run.status).toBe('succeeded');
        return;
      }
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('the scan did not finish');
  };

  beforeAll(async () => {
    firstAnswers(fake);
    const knex = await databases.init(databaseId);
    const backend = await startTestBackend({
      features: [
        securityPosturePlugin,
        createBackendModule({
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
        }),
        catalogServiceMock.factory({ entities: catalog() }),
        permissions.factory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: { manifests: { enabled: false } },
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
  });

  describe('after the first scan', () => {
    it('serves framework compliance per entity, with the failing controls and their checks', async () => {
      const a = await get<EntityPosture>('/entities/component/default/a');
      expect(byId(a.frameworks)).toMatchObject({
        'cis-kubernetes': [1, 1, 1, 100],
        'nist-800-53': [1, 1, 1, 100],
        'cis-aws': [1, 1, 1, 100],
      });
      const b = await get<EntityPosture>('/entities/component/default/b');
      expect(byId(b.frameworks)).toMatchObject({
        'cis-kubernetes': [1, 0, 0, 0],
        // Failing raw, passing with b's exemption.
        'nist-800-53': [1, 0, 1, 0],
        'cis-aws': [1, 1, 1, 100],
      });
      const nist = b.frameworks!.find(f => f.id === 'nist-800-53')!;
      expect(nist.adjustedPercent).toBe(100);
      expect(nist.failingControls).toEqual([
        { id: 'SC-28', checks: ['test-encrypted'], exempted: true },
      ]);
      const c = await get<EntityPosture>('/entities/resource/default/c');
      // No workload: CIS Kubernetes is not evaluated on c.
      expect(byId(c.frameworks)['cis-kubernetes']).toEqual([0, 0, 0, null]);
      expect(byId(c.frameworks)['cis-aws']).toEqual([1, 0, 0, 0]);
    });

    it('rolls compliance up per team: a control fails when it fails on any entity the team owns', async () => {
      const leaf1 = await get<TeamPosture>('/teams/default/leaf1');
      expect(byId(leaf1.frameworks)).toMatchObject({
        'cis-kubernetes': [1, 1, 1, 100],
        'nist-800-53': [1, 1, 1, 100],
        'cis-aws': [1, 1, 1, 100],
      });
      const dept = await get<TeamPosture>('/teams/default/dept');
      // a passes everything, but b fails 5.2.1, c fails SC-28 and 2.1.5.
      expect(byId(dept.frameworks)).toMatchObject({
        'cis-kubernetes': [1, 0, 0, 0],
        'nist-800-53': [1, 0, 0, 0],
        'cis-aws': [1, 0, 0, 0],
      });
      const sc28 = dept.frameworks!.find(f => f.id === 'nist-800-53')!
        .failingControls!;
      // c's open failure outweighs b's exemption.
      expect(sc28).toEqual([
        { id: 'SC-28', checks: ['test-encrypted'], exempted: false },
      ]);
    });

    it('lists every readable team in GET /frameworks, with what the catalogue maps', async () => {
      const checks = await get<CheckCatalogue>('/checks');
      const report = await get<FrameworkReport>('/frameworks');
      // Distinct control ids per framework, counted from the served catalogue.
      const counted = new Map<string, Set<string>>();
      for (const check of checks.checks) {
        for (const [id, controls] of Object.entries(check.frameworks)) {
          const set = counted.get(id) ?? new Set<string>();
          controls?.forEach(c => set.add(c));
          if (set.size > 0) counted.set(id, set);
        }
      }
      expect(
        Object.fromEntries(report.frameworks.map(f => [f.id, f.mapped])),
      ).toEqual(
        Object.fromEntries([...counted].map(([id, set]) => [id, set.size])),
      );
      expect(report.modelVersion).toBe(checks.modelVersion);
      expect(report.teams.totalCount).toBe(4);
      const rows = Object.fromEntries(
        report.teams.items.map(t => [
          t.entityRef,
          [t.entityCount, byId(t.frameworks)['cis-aws']],
        ]),
      );
      expect(rows).toEqual({
        'group:default/org': [3, [1, 0, 0, 0]],
        'group:default/dept': [3, [1, 0, 0, 0]],
        'group:default/leaf1': [1, [1, 1, 1, 100]],
        'group:default/leaf2': [1, [1, 1, 1, 100]],
      });
      // Every row has one entry per framework of the report, in its order.
      for (const team of report.teams.items) {
        expect(team.frameworks.map(f => f.id)).toEqual(
          report.frameworks.map(f => f.id),
        );
        expect(team.frameworks[0].failingControls).toBeUndefined();
      }
      // Paged by team name.
      const first = await get<FrameworkReport>('/frameworks?limit=3');
      expect(first.teams.items.map(t => t.entityRef)).toEqual([
        'group:default/dept',
        'group:default/leaf1',
        'group:default/leaf2',
      ]);
      const second = await get<FrameworkReport>(
        `/frameworks?limit=3&cursor=${first.teams.nextCursor}`,
      );
      expect(second.teams.items.map(t => t.entityRef)).toEqual([
        'group:default/org',
      ]);
      expect(second.teams.nextCursor).toBeNull();
    });

    it('leaves out of GET /frameworks the teams the caller may not read', async () => {
      policy.read = new Set(['group:default/leaf2']);
      const report = await get<FrameworkReport>('/frameworks');
      expect(report.teams.items.map(t => t.entityRef)).toEqual([
        'group:default/leaf2',
      ]);
      expect(report.teams.totalCount).toBe(1);
      policy.read = 'none';
      const none = await get<FrameworkReport>('/frameworks');
      expect(none.teams).toEqual({
        items: [],
        nextCursor: null,
        totalCount: 0,
      });
    });

    it('answers 400 for bad /frameworks queries and 401 without credentials', async () => {
      for (const q of ['limit=0', 'limit=501', 'cursor=nope', 'team=x']) {
        const res = await request(server).get(`${api}/frameworks?${q}`);
        expect(`${q} ${res.status}`).toBe(`${q} 400`);
      }
      const anonymous = await request(server)
        .get(`${api}/frameworks`)
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });
  });

  describe('after a second scan', () => {
    beforeAll(async () => {
      secondAnswers(fake);
      await scan();
    });

    it('recomputes team compliance at scan time', async () => {
      const leaf2 = await get<TeamPosture>('/teams/default/leaf2');
      expect(byId(leaf2.frameworks)['cis-kubernetes']).toEqual([1, 1, 1, 100]);
    });

    it("serves the team's score history, the same as its roll-up's", async () => {
      const points = await get<HistoryPoint[]>('/teams/default/leaf2/history');
      // b: 10/28 with both workloads privileged, 19/28 once they are fixed.
      expect(points.map(p => p.percent)).toEqual([35.7, 67.9]);
      expect(Date.parse(points[0].at)).toBeLessThan(Date.parse(points[1].at));
      expect(points[1].categories).toContainEqual({
        id: 'compute',
        percent: 100,
      });
      expect(
        await get<HistoryPoint[]>('/entities/group/default/leaf2/history'),
      ).toEqual(points);
      // Ranges are honoured.
      const from = new Date(Date.now() + DAY).toISOString();
      const to = new Date(Date.now() + 2 * DAY).toISOString();
      expect(
        await get<HistoryPoint[]>(
          `/teams/default/leaf2/history?from=${from}&to=${to}`,
        ),
      ).toEqual([]);
    });

    it('answers 403, 404 and 400 on a team history like on the team', async () => {
      policy.read = new Set(['group:default/leaf1']);
      expect(
        (await request(server).get(`${api}/teams/default/leaf2/history`))
          .status,
      ).toBe(403);
      policy.read = 'all';
      expect(
        (await request(server).get(`${api}/teams/default/nope/history`)).status,
      ).toBe(404);
      const bad = await request(server).get(
        `${api}/teams/default/leaf2/history?from=2026-11-28&to=2026-11-01`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('is after to');
    });

    it.each([
      'severity',
      'category',
      'status',
      'firstSeen',
      'lastSeen',
      'check',
      'resource',
    ] as FindingSortKey[])(
      'sorts and pages findings by %s, both ways, without skipping or repeating',
      async key => {
        const all = await get<Page<Finding>>(
          '/entities/group/default/dept/findings?limit=500',
        );
        // Open, exempted and resolved findings of b and c, seen at two scans.
        expect(all.totalCount).toBe(8);
        expect(new Set(all.items.map(f => f.status))).toEqual(
          new Set(['open', 'exempted', 'resolved']),
        );
        for (const desc of [false, true]) {
          const sort = `${desc ? '-' : ''}${key}`;
          const ids: string[] = [];
          let cursor: string | null = null;
          for (let page = 0; page < 10; page++) {
            const body: Page<Finding> = await get<Page<Finding>>(
              `/entities/group/default/dept/findings?limit=3&sort=${sort}${
                cursor ? `&cursor=${cursor}` : ''
              }`,
            );
            expect(body.totalCount).toBe(8);
            ids.push(...body.items.map(f => f.id));
            cursor = body.nextCursor;
            if (!cursor) break;
          }
          expect([sort, ids]).toEqual([
            sort,
            expectedOrder(all.items, key, desc),
          ]);
        }
      },
    );

    it('sorts by severity, most severe first, when no order is given; filters still apply', async () => {
      const plain = await get<Page<Finding>>(
        '/entities/group/default/dept/findings?limit=500',
      );
      expect(plain.items.map(f => f.id)).toEqual(
        expectedOrder(plain.items, 'severity', true),
      );
      const open = await get<Page<Finding>>(
        '/entities/group/default/dept/findings?status=open&sort=-firstSeen',
      );
      expect(open.items.map(f => f.resource.name)).toEqual([
        'c-new',
        // The same scan: most severe first, then the oldest finding.
        'c-lake',
        'c-raw',
        'c-raw',
      ]);
    });

    it('refuses a cursor made for another order, and keeps accepting first-release cursors', async () => {
      const first = await get<Page<Finding>>(
        '/entities/group/default/dept/findings?limit=2&sort=check',
      );
      const other = await request(server).get(
        `${api}/entities/group/default/dept/findings?limit=2&sort=-check&cursor=${first.nextCursor}`,
      );
      expect(other.status).toBe(400);
      expect(other.body.error.message).toContain(
        'it continues sort=check, not sort=-check',
      );
      const forged = Buffer.from(
        JSON.stringify({ s: 'check', v: [42, 0], i: 1 }),
      ).toString('base64url');
      const bad = await request(server).get(
        `${api}/entities/group/default/dept/findings?sort=check&cursor=${forged}`,
      );
      expect(bad.status).toBe(400);
      // { r: severity rank, i: id } continues the default order.
      const all = await get<Page<Finding>>(
        '/entities/group/default/dept/findings?limit=500',
      );
      const rank = ['critical', 'high', 'medium', 'low'].indexOf(
        all.items[1].severity,
      );
      const legacy = Buffer.from(
        JSON.stringify({ r: rank, i: Number(all.items[1].id) }),
      ).toString('base64url');
      const rest = await get<Page<Finding>>(
        `/entities/group/default/dept/findings?limit=500&cursor=${legacy}`,
      );
      expect(rest.items.map(f => f.id)).toEqual(
        all.items.slice(2).map(f => f.id),
      );
    });
  });
});
