import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  ListedResource,
  SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import { randomUUID } from 'node:crypto';
import {
  bucket,
  FakeProvider,
  initialAnswers,
  TEST_CHECKS,
  testCatalog,
  workload,
} from '../__testUtils__/fixtures';
import { CatalogReader } from '../catalog/CatalogReader';
import { CheckCatalogue } from '../checks/CheckCatalogue';
import { readSecurityPostureConfig } from '../config';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import { Scanner, type EntityScanEvent } from './Scanner';

jest.setTimeout(120_000);

describe('Scanner', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(
    databaseId: TestDatabaseId,
    options: {
      providers?: (fake: FakeProvider) => SecurityPostureResourceProvider[];
      entities?: ReturnType<typeof testCatalog>;
    } = {},
  ) {
    const knex = await databases.init(databaseId);
    const store = await SecurityPostureStore.create({
      database: {
        getClient: async () => knex,
        migrations: { skip: false },
      },
    });
    const catalog = catalogServiceMock({
      entities: options.entities ?? testCatalog(),
    });
    const logger = mockServices.logger.mock();
    const fake = new FakeProvider();
    initialAnswers(fake);
    const config = readSecurityPostureConfig(
      new ConfigReader({
        securityPosture: { scan: { quarantine: { releaseAfterScans: 2 } } },
      }),
    );
    const audited: Array<{ eventId: string; meta: unknown }> = [];
    const auditor = {
      createEvent: jest.fn(async (o: { eventId: string; meta?: unknown }) => {
        audited.push({ eventId: o.eventId, meta: o.meta });
        return {
          success: jest.fn(async () => {}),
          fail: jest.fn(async () => {}),
        };
      }),
    };
    const events: EntityScanEvent[] = [];
    const scanner = new Scanner({
      onEntityScanned: event => {
        events.push(event);
      },
      store,
      catalog: new CatalogReader({
        catalog,
        auth: mockServices.auth(),
        logger,
        scanKinds: ['component', 'resource'],
        // Several pages, so the cursor is followed.
        pageSize: 3,
      }),
      providers: options.providers ? options.providers(fake) : [fake],
      checks: new CheckCatalogue({
        logger,
        builtin: TEST_CHECKS,
        extra: [],
        sources: [],
        scoring: {},
      }),
      logger,
      auditor,
      config: config.scan,
      exemptionFiles: [],
    });
    const scan = async () => {
      const id = randomUUID();
      await store.createScanRun({ id, trigger: 'schedule', status: 'running' });
      const outcome = await scanner.scanAll({
        scanId: id,
        signal: new AbortController().signal,
      });
      await store.finishScanRun(id, outcome);
      return { id, outcome };
    };
    return { knex, store, scanner, fake, catalog, scan, audited, events };
  }

  const percent = async (store: SecurityPostureStore, ref: string) =>
    (await store.getPosture(ref))?.percent;

  it.each(databases.eachSupportedId())(
    'scores entities, systems, the domain and every level of the group hierarchy on %p',
    async databaseId => {
      const { store, scan, fake } = await setup(databaseId);
      const { outcome } = await scan();
      expect(outcome.status).toBe('succeeded');
      expect(outcome.counts).toMatchObject({ entities: 3, resources: 5 });
      // The unannotated component was not asked about.
      expect(fake.calls.sort()).toEqual([
        'component:default/a',
        'component:default/b',
        'resource:default/c',
      ]);

      // Entities: a 28/28, b 10/28 (privileged, unencrypted), c 9/19 (public).
      const a = await store.getPosture('component:default/a');
      expect(a).toMatchObject({
        earned: 28,
        possible: 28,
        percent: 100,
        status: 'ok',
      });
      const b = await store.getPosture('component:default/b');
      expect(b).toMatchObject({ earned: 10, possible: 28, percent: 35.7 });
      expect(b?.counts).toEqual({ critical: 1, high: 1, medium: 0, low: 0 });
      expect(b?.pointsToGain.map(p => [p.control, p.points])).toEqual([
        ['encryption_at_rest', 9],
        ['no_privileged_containers', 9],
      ]);
      expect(await store.getPosture('resource:default/c')).toMatchObject({
        earned: 9,
        possible: 19,
        percent: 47.4,
      });
      expect(
        await store.getPosture('component:default/unannotated'),
      ).toBeUndefined();

      // Systems and the domain.
      expect(await store.getPosture('system:default/shop')).toMatchObject({
        isRollup: true,
        earned: 38,
        possible: 56,
        percent: 67.9,
        memberCount: 2,
      });
      expect(await percent(store, 'system:default/data')).toBe(47.4);
      expect(await store.getPosture('domain:default/commerce')).toMatchObject({
        earned: 47,
        possible: 75,
        percent: 62.7,
        memberCount: 3,
      });

      // Teams: a leaf, the other leaf, the department (owns c, and its leaves'
      // entities), the organisation above it.
      expect(await percent(store, 'group:default/leaf1')).toBe(100);
      expect(await percent(store, 'group:default/leaf2')).toBe(35.7);
      const dept = await store.getPosture('group:default/dept');
      expect(dept).toMatchObject({
        earned: 47,
        possible: 75,
        percent: 62.7,
        memberCount: 3,
      });
      expect(dept?.counts).toEqual({ critical: 2, high: 1, medium: 0, low: 0 });
      expect(await store.getPosture('group:default/org')).toMatchObject({
        earned: 47,
        possible: 75,
        memberCount: 3,
      });
      // Category roll-up of the department: network 20/30, data 18/27, compute 9/18.
      expect(
        dept?.categories.raw.map(c => [c.id, c.earned, c.possible]),
      ).toEqual([
        ['identity_and_access', 0, 0],
        ['network', 20, 30],
        ['data', 18, 27],
        ['compute', 9, 18],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'records a history point per changed scan and resolves fixed findings on %p',
    async databaseId => {
      const { store, scan, fake, events } = await setup(databaseId);
      await scan();
      const bEvents = () =>
        events.filter(e => e.entityRef === 'component:default/b');
      expect(bEvents()).toEqual([
        expect.objectContaining({
          previous: undefined,
          current: { percent: 35.7, adjustedPercent: 35.7 },
          resolved: 0,
        }),
      ]);
      expect(
        bEvents()[0]
          .opened.map(f => f.checkId)
          .sort(),
      ).toEqual(['test-encrypted', 'test-no-privileged']);
      const bId = (await store.getCatalogEntity('component:default/b'))!.id;
      const before = await store.listFindings([bId], { limit: 10 });
      expect(before.items.map(f => [f.checkId, f.status])).toEqual([
        ['test-no-privileged', 'open'],
        ['test-encrypted', 'open'],
      ]);

      // The team fixes the privileged container.
      fake.answers.set('component:default/b', [
        workload('b', false),
        bucket('b-data', { encrypted: false, public: false }),
      ]);
      const second = await scan();
      expect(await percent(store, 'component:default/b')).toBe(67.9);
      // Regression alerts get the change: better score, one finding fixed.
      expect(bEvents()[1]).toMatchObject({
        previous: { percent: 35.7 },
        current: { percent: 67.9 },
        opened: [],
        resolved: 1,
      });
      expect(await percent(store, 'system:default/shop')).toBe(83.9);

      const history = await store.getHistory(
        bId,
        new Date(Date.now() - 60_000),
        new Date(Date.now() + 60_000),
      );
      expect(history.map(h => h.percent)).toEqual([35.7, 67.9]);
      const shopId = (await store.getCatalogEntity('system:default/shop'))!.id;
      expect(
        (
          await store.getHistory(
            shopId,
            new Date(Date.now() - 60_000),
            new Date(Date.now() + 60_000),
          )
        ).map(h => h.percent),
      ).toEqual([67.9, 83.9]);

      const after = await store.listFindings([bId], { limit: 10 });
      const fixed = after.items.find(f => f.checkId === 'test-no-privileged')!;
      expect(fixed.status).toBe('resolved');
      expect(fixed.resolvedAt).not.toBeNull();
      const run = await store.getScanRun(second.id);
      expect(fixed.resolvedAt!.getTime()).toBeGreaterThanOrEqual(
        run!.startedAt!.getTime() - 1000,
      );
      expect(
        after.items.find(f => f.checkId === 'test-encrypted')?.status,
      ).toBe('open');

      // An identical scan is not re-assessed and adds no history point.
      await scan();
      expect(bEvents()).toHaveLength(2);
      expect(
        (
          await store.getHistory(
            bId,
            new Date(Date.now() - 60_000),
            new Date(Date.now() + 60_000),
          )
        ).map(h => h.percent),
      ).toEqual([35.7, 67.9]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the last results of an entity whose provider fails, marked partial, on %p',
    async databaseId => {
      const { store, scan, fake } = await setup(databaseId);
      await scan();
      const bId = (await store.getCatalogEntity('component:default/b'))!.id;
      fake.answers.set(
        'component:default/b',
        new Error('cluster prod-eu unreachable'),
      );
      const failing = await scan();
      expect(failing.outcome.status).toBe('succeeded');
      const b = await store.getPosture('component:default/b');
      expect(b).toMatchObject({ percent: 35.7, earned: 10, status: 'partial' });
      expect(b?.staleSince).toBeInstanceOf(Date);
      expect(b?.statusReasons.join(' ')).toContain(
        'cluster prod-eu unreachable',
      );
      // Findings are neither resolved nor re-dated.
      const findings = await store.listFindings([bId], { limit: 10 });
      expect(findings.items.every(f => f.status === 'open')).toBe(true);
      // Roll-ups are unchanged, and say some members are partial.
      const leaf2 = await store.getPosture('group:default/leaf2');
      expect(leaf2).toMatchObject({ percent: 35.7, status: 'partial' });
      expect(await percent(store, 'group:default/dept')).toBe(62.7);

      // The provider recovers.
      initialAnswers(fake);
      await scan();
      expect(await store.getPosture('component:default/b')).toMatchObject({
        status: 'ok',
        staleSince: null,
        percent: 35.7,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'quarantines a result that suddenly shrinks, until it repeats, on %p',
    async databaseId => {
      const { store, scan, fake } = await setup(databaseId);
      await scan();
      const bId = (await store.getCatalogEntity('component:default/b'))!.id;
      fake.answers.set('component:default/b', []);
      await scan();
      const quarantined = await store.getPosture('component:default/b');
      expect(quarantined).toMatchObject({ percent: 35.7, status: 'partial' });
      expect(quarantined?.statusReasons.join(' ')).toMatch(
        /returned 0 resources.*quarantined/,
      );
      expect(await store.getEntityProviderStates(bId)).toEqual([
        expect.objectContaining({
          provider: 'fake',
          status: 'quarantined',
          resourceCount: 2,
          pendingCount: 0,
          pendingScans: 1,
        }),
      ]);
      expect(
        (await store.listFindings([bId], { limit: 10 })).items.map(
          f => f.status,
        ),
      ).toEqual(['open', 'open']);

      // Seen again (releaseAfterScans: 2): the empty result is accepted.
      await scan();
      const accepted = await store.getPosture('component:default/b');
      expect(accepted).toMatchObject({
        status: 'ok',
        resourceCount: 0,
        percent: null,
      });
      expect(
        (await store.listFindings([bId], { limit: 10 })).items.map(
          f => f.status,
        ),
      ).toEqual(['resolved', 'resolved']);
    },
  );

  it.each(databases.eachSupportedId())(
    'resolves listed resources through ownership hints and reports what nobody owns on %p',
    async databaseId => {
      const entities = testCatalog();
      const a = entities.find(e => e.metadata.name === 'a')!;
      a.metadata.annotations!['backstage.io/kubernetes-id'] = 'shop-a';
      const listing: ListedResource[] = [
        {
          resource: workload('a-live', true),
          hints: { kubernetesId: 'shop-a' },
        },
        {
          resource: bucket('stray', { encrypted: false, public: true }),
          hints: { ownerRef: 'leaf1' },
        },
        {
          resource: bucket('c-extra', { encrypted: true, public: false }),
          hints: { entityRefs: ['resource:default/c'] },
        },
      ];
      let failListing = false;
      const inventory: SecurityPostureResourceProvider = {
        id: 'live',
        resourceTypes: ['test.workload', 'test.bucket'],
        async *listResources() {
          if (failListing) throw new Error('403 Forbidden');
          yield listing;
        },
      };
      const { store, scan } = await setup(databaseId, {
        entities,
        providers: fake => [fake, inventory],
      });
      await scan();
      // a: its manifests pass, the live workload is privileged → compute fails.
      expect(await store.getPosture('component:default/a')).toMatchObject({
        earned: 19,
        possible: 28,
        resourceCount: 3,
      });
      expect(await store.getPosture('resource:default/c')).toMatchObject({
        earned: 9,
        possible: 19,
        resourceCount: 2,
      });
      const unowned = await store.listUnowned({ offset: 0, limit: 10 });
      expect(unowned.totalCount).toBe(1);
      expect(unowned.items[0]).toMatchObject({
        name: 'stray',
        provider: 'live',
      });
      expect((await store.unownedByTeam()).get('group:default/leaf1')).toBe(1);

      // The listing fails: only entities that had resources from it are partial.
      failListing = true;
      await scan();
      expect(await store.getPosture('component:default/a')).toMatchObject({
        earned: 19,
        status: 'partial',
      });
      expect(await store.getPosture('component:default/b')).toMatchObject({
        status: 'ok',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'drops entities that left the catalog from roll-ups on %p',
    async databaseId => {
      const { store, scan, catalog } = await setup(databaseId);
      await scan();
      await catalog.removeEntityByUid('uid-component-b');
      await scan();
      expect(await store.getPosture('component:default/b')).toBeUndefined();
      expect(await store.getPosture('system:default/shop')).toMatchObject({
        percent: 100,
        memberCount: 1,
      });
      expect(await percent(store, 'group:default/leaf2')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'honours its abort signal on %p',
    async databaseId => {
      const { store, scanner } = await setup(databaseId);
      const controller = new AbortController();
      controller.abort();
      const outcome = await scanner.scanAll({
        scanId: randomUUID(),
        signal: controller.signal,
      });
      expect(outcome.status).toBe('aborted');
      expect(await store.getPosture('component:default/a')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'scans one entity, or the members of a system, on request on %p',
    async databaseId => {
      const { store, scanner, fake } = await setup(databaseId);
      const outcome = await scanner.scanEntity({
        scanId: randomUUID(),
        entityRef: 'component:default/a',
        signal: new AbortController().signal,
      });
      expect(outcome.status).toBe('succeeded');
      expect(fake.calls).toEqual(['component:default/a']);
      expect(await percent(store, 'component:default/a')).toBe(100);
      expect(await store.getPosture('component:default/b')).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'applies exemptions declared in the entity and audits their use on %p',
    async databaseId => {
      const entities = testCatalog();
      const b = entities.find(e => e.metadata.name === 'b')!;
      b.metadata.annotations!['security-posture.backstage.io/exemptions'] = [
        '- check: test-encrypted',
        '  reason: Data is public by design',
        '  approver: security@example.com',
        '  ticket: SEC-42',
        '  expires: 2999-12-31',
        '- check: test-no-privileged',
        '  entity: component:default/a',
        '  reason: not mine to exempt',
        '  approver: someone',
        '  expires: 2999-12-31',
      ].join('\n');
      const { store, scan, audited } = await setup(databaseId, { entities });
      const { outcome } = await scan();
      const posture = await store.getPosture('component:default/b');
      // Raw score unchanged, adjusted score counts the exempted control.
      expect(posture).toMatchObject({ earned: 10, adjustedEarned: 19 });
      expect(posture?.exemptions).toEqual([
        expect.objectContaining({
          checkId: 'test-encrypted',
          approver: 'security@example.com',
        }),
      ]);
      expect(posture?.counts.high).toBe(0);
      // Another entity's exemption declared on b is refused.
      expect(outcome.errors.join(' ')).toContain(
        'entities exempt only themselves',
      );
      expect(await store.getPosture('component:default/a')).toMatchObject({
        adjustedEarned: 28,
      });
      expect(audited).toEqual([
        {
          eventId: 'exemption-use',
          meta: expect.objectContaining({ entityRef: 'component:default/b' }),
        },
      ]);
      // Using the same exemption again is not a new event.
      await scan();
      expect(audited).toHaveLength(1);
    },
  );
});
