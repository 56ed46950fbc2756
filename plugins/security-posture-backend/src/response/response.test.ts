import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  eventsServiceRef,
  type EventParams,
} from '@backstage/plugin-events-node';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import type {
  EntityPosture,
  ExemptionDebt,
  Finding,
  Leaderboard,
  Page,
  PostureChange,
  ResponseReport,
  TeamPosture,
  TeamResponse,
} from '@internal/backstage-plugin-security-posture-common';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import request from 'supertest';
import {
  bucket,
  FakeProvider,
  initialAnswers,
  TEST_CHECKS,
  testCatalog,
  workload,
} from '../__testUtils__/fixtures';
import { securityPosturePlugin } from '../plugin';
import { steeredPermissions } from '../__testUtils__/permissions';

jest.setTimeout(180_000);

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-12-01T10:00:00.000Z');
const api = '/api/security-posture';

/** Only `Date` is faked, so the backend's timers and I/O run normally. */
const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

const { policy, permissions } = steeredPermissions();

const EXEMPTIONS = `
- check: test-unused-expired
  reason: Legacy bucket, migration tracked in SEC-1
  approver: security@example.com
  expires: 2026-11-20
- check: test-unused-expiring
  reason: Vendor image, fix promised for December
  approver: ines.duarte@example.com
  ticket: SEC-2
  expires: 2026-12-08
- check: test-unused-active
  reason: Accepted risk
  approver: security@example.com
  expires: 2027-06-30
`;

function catalogWithExemptions() {
  return testCatalog().map(e =>
    e.metadata.name === 'b'
      ? {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: {
              ...e.metadata.annotations,
              'security-posture.backstage.io/exemptions': EXEMPTIONS,
            },
          },
        }
      : e,
  );
}

describe.each(
  TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] }).eachSupportedId(),
)('response and governance on %p', databaseId => {
  const databases = TestDatabases.create({ ids: [databaseId] });
  const fake = new FakeProvider();
  const sent: NotificationSendOptions[] = [];
  const published: EventParams[] = [];
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  const scan = async () => {
    const res = await request(server).post(`${api}/scans`).send({});
    expect(res.status).toBe(202);
    const run = await request(server).get(`${api}/scans/${res.body.scanId}`);
    expect(run.body.status).toBe('succeeded');
  };
  const get = async <T>(path: string): Promise<T> => {
    const res = await request(server).get(`${api}${path}`);
    expect(res.status).toBe(200);
    return res.body as T;
  };
  const invoke = (action: string, input: unknown) =>
    request(server)
      .post(
        `${api}/.backstage/actions/v1/actions/security-posture:${action}/invoke`,
      )
      .send(input as object);

  beforeAll(async () => {
    jest.useFakeTimers({ now: T0, doNotFake: [...REAL_TIMERS] });
    initialAnswers(fake);
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
        catalogServiceMock.factory({ entities: catalogWithExemptions() }),
        permissions.factory,
        mockServices.database.factory({ knex }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (options: NotificationSendOptions) => {
              sent.push(options);
            },
          }),
        }),
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (params: EventParams) => {
              published.push(params);
            },
            subscribe: async () => {},
          }),
        }),
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: { manifests: { enabled: false } },
              scan: {
                schedule: {
                  frequency: { hours: 6 },
                  timeout: { minutes: 5 },
                },
              },
              leaderboard: { groupTypes: [] },
              alerts: {
                scoreDrop: 5,
                teams: [{ team: 'group:default/leaf2', enabled: false }],
              },
              targets: [
                {
                  name: 'production',
                  match: { 'spec.lifecycle': 'production' },
                  minPercent: 90,
                  noCritical: true,
                },
                {
                  name: 'resources',
                  match: { kind: 'Resource' },
                  noCritical: true,
                },
              ],
              fixTemplates: {
                templates: [
                  {
                    check: 'test-encrypted',
                    template: 'template:default/encrypt-bucket',
                    title: 'Encrypt with the bucket template',
                    formData: {
                      bucket: '{{ resource.name }}',
                      entity: '{{ entity.ref }}',
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
  });

  afterAll(() => {
    jest.useRealTimers();
  });

  beforeEach(() => {
    policy.read = 'all';
  });

  it('answers 401 on the new routes without credentials', async () => {
    for (const path of [
      '/teams/default/leaf1/response',
      '/response',
      '/entities/component/default/a/changes',
      '/teams/default/leaf1/exemptions',
      '/exemptions',
    ]) {
      const res = await request(server)
        .get(`${api}${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect([path, res.status]).toEqual([path, 401]);
    }
  });

  it('treats the first scan as the baseline: no notification', async () => {
    expect(sent).toEqual([]);
    expect(
      await get<PostureChange[]>('/entities/component/default/a/changes'),
    ).toEqual([]);
  });

  it('flags the entities and teams out of target, with the points that would meet it', async () => {
    const b = await get<EntityPosture>('/entities/component/default/b');
    expect(b.target).toEqual({
      name: 'production',
      minPercent: 90,
      noCritical: true,
      basis: 'adjusted',
      met: false,
      reasons: [
        'The score with exemptions 35.7% is below the target of 90%',
        '1 open critical finding (the target allows none)',
      ],
      // 10/28: +9 → 19/28 = 67.9% is not enough; +9 more → 28/28.
      pointsToGain: [
        expect.objectContaining({ control: 'encryption_at_rest', points: 9 }),
        expect.objectContaining({
          control: 'no_privileged_containers',
          points: 9,
        }),
      ],
      criticalFindings: 1,
    });
    const a = await get<EntityPosture>('/entities/component/default/a');
    expect(a.target).toMatchObject({
      name: 'production',
      met: true,
      reasons: [],
    });
    // The resource matches the second target: its public bucket is critical.
    const c = await get<EntityPosture>('/entities/resource/default/c');
    expect(c.target).toMatchObject({ name: 'resources', met: false });
    // Systems have no lifecycle: no target.
    expect(
      (await get<EntityPosture>('/entities/system/default/shop')).target,
    ).toBeUndefined();

    const leaf2 = await get<TeamPosture>('/teams/default/leaf2');
    expect(leaf2.target).toEqual({
      evaluated: 1,
      missed: 1,
      missedEntities: ['component:default/b'],
      outOfTarget: true,
    });
    expect(leaf2.entities[0].target).toMatchObject({ met: false });
    expect(
      (await get<TeamPosture>('/teams/default/leaf1')).target,
    ).toMatchObject({
      missed: 0,
      outOfTarget: false,
    });
    const dept = await get<TeamPosture>('/teams/default/dept');
    expect(dept.target).toMatchObject({
      evaluated: 3,
      missed: 2,
      outOfTarget: true,
    });
    expect([...dept.target!.missedEntities!].sort()).toEqual([
      'component:default/b',
      'resource:default/c',
    ]);

    const board = await get<Leaderboard>('/leaderboard');
    const byTeam = new Map(board.teams.map(t => [t.entityRef, t.target]));
    expect(byTeam.get('group:default/leaf1')).toMatchObject({
      missed: 0,
      outOfTarget: false,
    });
    expect(byTeam.get('group:default/leaf2')).toMatchObject({
      missed: 1,
      outOfTarget: true,
    });
    expect(byTeam.get('group:default/dept')).toMatchObject({
      evaluated: 3,
      missed: 2,
    });
    expect(
      board.entities.find(e => e.entityRef === 'component:default/b')?.target
        ?.met,
    ).toBe(false);
  });

  it('offers the configured Software Template on the findings of its check', async () => {
    const page = await get<Page<Finding>>(
      '/entities/component/default/b/findings',
    );
    const encrypted = page.items.find(f => f.checkId === 'test-encrypted')!;
    expect(encrypted.fix).toMatchObject({
      templateRef: 'template:default/encrypt-bucket',
      title: 'Encrypt with the bucket template',
      formData: { bucket: 'b-data', entity: 'component:default/b' },
    });
    const url = new URL(encrypted.fix!.url, 'http://localhost:3000');
    expect(url.pathname).toBe('/create/templates/default/encrypt-bucket');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      bucket: 'b-data',
      entity: 'component:default/b',
    });
    expect(
      page.items.find(f => f.checkId === 'test-no-privileged')!.fix,
    ).toBeUndefined();
  });

  it('sends exactly one notification to the owning group when a scan worsens an entity', async () => {
    const before = await get<TeamResponse>(
      '/teams/default/leaf1/response?windowDays=30',
    );
    expect(before.timeToRemediate.count).toBe(0);

    jest.setSystemTime(new Date(T0.getTime() + DAY));
    // a's bucket becomes public: a new critical finding, 100% → 64.3%.
    fake.answers.set('component:default/a', [
      workload('a', false),
      bucket('a-data', { encrypted: true, public: true }),
    ]);
    // b's too, but its team (leaf2) opted out of alerts.
    fake.answers.set('component:default/b', [
      workload('b', true),
      bucket('b-data', { encrypted: false, public: true }),
    ]);
    await scan();

    expect(sent).toHaveLength(1);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/leaf1',
    });
    expect(sent[0].payload).toMatchObject({
      title: 'Security posture regression: A',
      link: '/catalog/default/component/a/security-posture',
      severity: 'critical',
      topic: 'security-posture',
    });
    expect(sent[0].payload.description).toContain(
      'dropped from 100.0% to 64.3%',
    );
    expect(sent[0].payload.description).toContain(
      'Now failing: [critical] Buckets are not public (aws_s3_bucket a-data)',
    );

    const [change] = await get<PostureChange[]>(
      '/entities/component/default/a/changes?regressions=true',
    );
    expect(change).toMatchObject({
      entityRef: 'component:default/a',
      previousPercent: 100,
      currentPercent: 64.3,
      reasons: ['score-drop', 'new-critical'],
      notification: 'sent',
      opened: [
        {
          checkId: 'test-not-public',
          severity: 'critical',
          resource: 'aws_s3_bucket a-data',
        },
      ],
    });
    const [bChange] = await get<PostureChange[]>(
      '/entities/component/default/b/changes',
    );
    expect(bChange).toMatchObject({
      regression: true,
      notification: 'opted-out',
    });
    // The system's changes are its members'.
    expect(
      (
        await get<PostureChange[]>(
          '/entities/system/default/shop/changes?regressions=true',
        )
      )
        .map(c => c.entityRef)
        .sort(),
    ).toEqual(['component:default/a', 'component:default/b']);

    const regressions = published.filter(
      p => (p.eventPayload as { type: string }).type === 'posture.regression',
    );
    expect(
      regressions
        .map(
          p => (p.eventPayload as { change: PostureChange }).change.entityRef,
        )
        .sort(),
    ).toEqual(['component:default/a', 'component:default/b']);
    expect(published.every(p => p.topic === 'security-posture')).toBe(true);
    expect(
      (await get<EntityPosture>('/entities/component/default/a')).target,
    ).toMatchObject({
      met: false,
    });
  });

  it('sends nothing for a second identical scan', async () => {
    await scan();
    expect(sent).toHaveLength(1);
    // Nor when something unrelated changes and the entity is re-assessed.
    fake.answers.set('component:default/a', [
      workload('a', false),
      bucket('a-data', { encrypted: true, public: true }),
      bucket('a-logs', { encrypted: true, public: false }),
    ]);
    await scan();
    expect(sent).toHaveLength(1);
  });

  it('records resolved_at for a fix and moves the team time-to-remediate', async () => {
    jest.setSystemTime(new Date(T0.getTime() + 4 * DAY));
    fake.answers.set('component:default/a', [
      workload('a', false),
      bucket('a-data', { encrypted: true, public: false }),
    ]);
    await scan();
    const resolved = await get<Page<Finding>>(
      '/entities/component/default/a/findings?status=resolved',
    );
    expect(resolved.items).toHaveLength(1);
    expect(resolved.items[0]).toMatchObject({
      checkId: 'test-not-public',
      firstSeen: new Date(T0.getTime() + DAY).toISOString(),
      resolvedAt: new Date(T0.getTime() + 4 * DAY).toISOString(),
    });

    const leaf1 = await get<TeamResponse>(
      '/teams/default/leaf1/response?windowDays=30',
    );
    expect(leaf1.window.days).toBe(30);
    expect(leaf1.timeToRemediate).toMatchObject({
      count: 1,
      medianHours: 72,
      p90Hours: 72,
    });
    expect(leaf1.timeToRemediate.bySeverity.critical).toEqual({
      count: 1,
      medianHours: 72,
      p90Hours: 72,
    });
    expect(leaf1.regressions.map(r => r.entityRef)).toEqual([
      'component:default/a',
    ]);
    // The department counts its sub-team's fix (a one-day window holds it).
    const dept = await get<TeamResponse>(
      '/teams/default/dept/response?windowDays=1',
    );
    expect(dept.timeToRemediate.count).toBe(1);
    // leaf2 still has b's findings open, first seen at T0 and T0 + 1 day.
    const leaf2 = await get<TeamResponse>('/teams/default/leaf2/response');
    expect(leaf2.timeToRemediate.count).toBe(0);
    expect(leaf2.openByAge.buckets[0]).toMatchObject({
      id: 'lt7d',
      total: 3,
      counts: { critical: 2, high: 1, medium: 0, low: 0 },
    });

    const report = await get<ResponseReport>('/response?windowDays=30');
    expect(report.timeToRemediate.count).toBe(1);
    const rows = new Map(report.teams.map(t => [t.entityRef, t]));
    expect(rows.get('group:default/leaf1')?.timeToRemediate.medianHours).toBe(
      72,
    );
    expect(rows.get('group:default/org')?.timeToRemediate.count).toBe(1);
    expect(rows.get('group:default/leaf2')?.openByAge.total).toBe(3);
    expect(rows.get('group:default/leaf2')?.regressions).toBe(1);
    // Slowest median first: leaf1 (72 h) before leaf2 (nothing resolved).
    expect(
      report.teams.map(t => t.entityRef).indexOf('group:default/leaf1'),
    ).toBeLessThan(
      report.teams.map(t => t.entityRef).indexOf('group:default/leaf2'),
    );
  });

  it('shows only what the caller may read', async () => {
    policy.read = 'none';
    expect(
      (await request(server).get(`${api}/teams/default/leaf1/response`)).status,
    ).toBe(403);
    expect(
      (await request(server).get(`${api}/entities/component/default/a/changes`))
        .status,
    ).toBe(403);
    const report = await get<ResponseReport>('/response');
    expect(report.teams).toEqual([]);
    expect(report.timeToRemediate.count).toBe(0);
    expect(report.regressions).toEqual([]);

    // The team, but only entity b of it.
    policy.read = new Set(['group:default/dept', 'component:default/b']);
    const dept = await get<TeamResponse>(
      '/teams/default/dept/response?windowDays=30',
    );
    expect(dept.timeToRemediate.count).toBe(0);
    expect(dept.regressions.map(r => r.entityRef)).toEqual([
      'component:default/b',
    ]);
  });

  it('lists exemption debt per team with reasons and approvers', async () => {
    // Now is T0 + 4 days (Dec 5): Dec 8 is within the 14-day lead time.
    const debt = await get<ExemptionDebt>('/teams/default/leaf2/exemptions');
    expect(debt.counts).toEqual({ active: 1, expiring: 1, expired: 1 });
    expect(debt.expiringWithinDays).toBe(14);
    expect(debt.items.map(i => [i.checkId, i.state, i.daysLeft])).toEqual([
      ['test-unused-expired', 'expired', -15],
      ['test-unused-expiring', 'expiring', 3],
      ['test-unused-active', 'active', 207],
    ]);
    expect(debt.items[1]).toMatchObject({
      reason: 'Vendor image, fix promised for December',
      approver: 'ines.duarte@example.com',
      ticket: 'SEC-2',
      entityRefs: ['component:default/b'],
      entityCount: 1,
    });
    expect(
      (await get<ExemptionDebt>('/teams/default/leaf1/exemptions')).counts,
    ).toEqual({
      active: 0,
      expiring: 0,
      expired: 0,
    });
    const all = await get<ExemptionDebt>('/exemptions');
    expect(all.counts).toEqual({ active: 1, expiring: 1, expired: 1 });
    expect(all.teams?.map(t => [t.entityRef, t.counts.expired])).toEqual([
      ['group:default/dept', 1],
      ['group:default/leaf2', 1],
      ['group:default/org', 1],
    ]);
    policy.read = new Set(['group:default/leaf2']);
    // The caller may read the team but not entity b: its exemptions are hidden.
    expect(
      (await get<ExemptionDebt>('/teams/default/leaf2/exemptions')).items,
    ).toEqual([]);
  });

  describe('actions', () => {
    it('are registered read-only', async () => {
      const res = await request(server).get(
        `${api}/.backstage/actions/v1/actions`,
      );
      expect(res.status).toBe(200);
      expect(
        res.body.actions.map((a: { id: string; attributes: object }) => [
          a.id,
          a.attributes,
        ]),
      ).toEqual([
        [
          'security-posture:get-security-posture',
          { destructive: false, idempotent: true, readOnly: true },
        ],
        [
          'security-posture:explain-security-score',
          { destructive: false, idempotent: true, readOnly: true },
        ],
        [
          'security-posture:list-findings',
          { destructive: false, idempotent: true, readOnly: true },
        ],
      ]);
    });

    it('return what the routes return', async () => {
      const entity = await invoke('get-security-posture', {
        entityRef: 'component:default/b',
      });
      expect(entity.status).toBe(200);
      expect(entity.body.output).toEqual({
        entityRef: 'component:default/b',
        type: 'entity',
        posture: await get<EntityPosture>('/entities/component/default/b'),
      });
      const team = await invoke('get-security-posture', {
        entityRef: 'group:default/leaf2',
      });
      expect(team.body.output).toEqual({
        entityRef: 'group:default/leaf2',
        type: 'team',
        posture: await get<TeamPosture>('/teams/default/leaf2'),
      });

      const findings = await invoke('list-findings', {
        entityRef: 'b',
        severity: ['critical'],
        limit: 1,
      });
      expect(findings.body.output).toEqual(
        await get<Page<Finding>>(
          '/entities/component/default/b/findings?severity=critical&limit=1',
        ),
      );
      expect(findings.body.output.totalCount).toBe(2);

      const explained = await invoke('explain-security-score', {
        entityRef: 'component:default/b',
      });
      expect(explained.status).toBe(200);
      const posture = await get<EntityPosture>('/entities/component/default/b');
      const out = explained.body.output;
      expect(out.score).toEqual(posture.score);
      expect(out.topPointsToGain).toEqual(posture.pointsToGain.slice(0, 5));
      expect(out.target).toEqual(posture.target);
      expect(out.recentRegressions).toEqual(
        await get<PostureChange[]>(
          '/entities/component/default/b/changes?regressions=true&limit=5',
        ),
      );
      expect(
        out.categories.map(
          (c: { id: string; earned: number; possible: number }) => [
            c.id,
            c.earned,
            c.possible,
          ],
        ),
      ).toEqual(posture.categories.map(c => [c.id, c.earned, c.possible]));
      expect(out.summary).toContain(
        `component:default/b scores ${posture.score.percent!.toFixed(1)}%`,
      );
      expect(out.summary).toContain('It misses its target "production"');
    });

    it('refuse callers without permission, as the routes do', async () => {
      policy.read = 'none';
      for (const [action, input] of [
        ['get-security-posture', { entityRef: 'component:default/a' }],
        ['get-security-posture', { entityRef: 'group:default/leaf1' }],
        ['explain-security-score', { entityRef: 'component:default/a' }],
        ['list-findings', { entityRef: 'component:default/a' }],
      ] as const) {
        const res = await invoke(action, input);
        expect([action, res.status]).toEqual([action, 403]);
        expect(res.body.error.name).toBe('NotAllowedError');
      }
      const anonymous = await request(server)
        .post(
          `${api}/.backstage/actions/v1/actions/security-posture:list-findings/invoke`,
        )
        .set('Authorization', mockCredentials.none.header())
        .send({ entityRef: 'component:default/a' });
      expect(anonymous.status).toBe(401);
    });

    it('explain bad references and unknown entities', async () => {
      const bad = await invoke('list-findings', {
        entityRef: 'component:default/',
      });
      expect(bad.status).toBe(400);
      const unknown = await invoke('explain-security-score', {
        entityRef: 'component:default/nope',
      });
      expect(unknown.status).toBe(404);
    });
  });
});
