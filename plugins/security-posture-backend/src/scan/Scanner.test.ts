import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  ListedResource,
  ProviderEntity,
  ResourceProviderContext,
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
import { ProviderListings } from './ProviderListings';
import { Scanner, type EntityScanEvent } from './Scanner';

jest.setTimeout(120_000);

describe('Scanner', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(
    databaseId: TestDatabaseId,
    options: {
      providers?: (fake: FakeProvider) => SecurityPostureResourceProvider[];
      entities?: ReturnType<typeof testCatalog>;
      /** More `securityPosture.scan` settings. */
      scan?: JsonObject;
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
        securityPosture: {
          scan: { quarantine: { releaseAfterScans: 2 }, ...options.scan },
        },
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
    const providers = options.providers ? options.providers(fake) : [fake];
    /** A backend replica: its own scanner and listings, the shared database. */
    const replica = () =>
      new Scanner({
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
        providers,
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
        listings: new ProviderListings(knex, { pollMs: 20 }),
      });
    const scanner = replica();
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
    return {
      knex,
      store,
      scanner,
      replica,
      fake,
      catalog,
      scan,
      audited,
      events,
    };
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
    'lists an inventory provider once per scan interval for shards on several replicas on %p',
    async databaseId => {
      const entities = testCatalog();
      const annotate = (name: string, key: string, value: string) => {
        entities.find(e => e.metadata.name === name)!.metadata.annotations![
          key
        ] = value;
      };
      annotate('a', 'backstage.io/kubernetes-id', 'shop-a');
      annotate('b', 'backstage.io/kubernetes-id', 'shop-b');
      annotate(
        'c',
        'security-posture.backstage.io/aws-arn',
        'arn:aws:s3:::c-*',
      );
      let extraEncrypted = false;
      const contexts: ResourceProviderContext[] = [];
      const inventory: SecurityPostureResourceProvider = {
        id: 'live',
        resourceTypes: ['test.workload', 'test.bucket'],
        async *listResources(context) {
          contexts.push(context);
          yield [
            {
              resource: workload('a-live', false),
              hints: { kubernetesId: 'shop-a' },
            },
            {
              resource: workload('b-live', true),
              hints: { kubernetesId: 'shop-b' },
            },
            {
              resource: bucket('c-extra', {
                encrypted: extraEncrypted,
                public: false,
              }),
              hints: { arns: ['arn:aws:s3:::c-extra'] },
            },
            {
              resource: bucket('stray', { encrypted: true, public: false }),
              hints: { ownerRef: 'leaf1' },
            },
          ];
        },
      };
      const { store, replica, scan } = await setup(databaseId, {
        entities,
        providers: fake => [fake, inventory],
        scan: { shards: 3, listingMaxAge: { seconds: 2 } },
      });
      // Three replicas, each running one shard task of the interval.
      const replicas = [replica(), replica(), replica()];
      const interval = () =>
        Promise.all(
          replicas.map((scanner, shard) =>
            scanner.scanShard({
              scanId: randomUUID(),
              shard,
              shards: 3,
              signal: new AbortController().signal,
            }),
          ),
        );

      const first = await interval();
      expect(first.map(o => o.status)).toEqual([
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
      expect(contexts).toHaveLength(1);
      // The provider saw every shard's entities, not only its own.
      expect(
        [...contexts[0].entities!.all()]
          .map((e: ProviderEntity) => e.ref)
          .sort(),
      ).toEqual([
        'component:default/a',
        'component:default/b',
        'component:default/unannotated',
        'resource:default/c',
      ]);
      // Each shard applied its own entities' part of the listing.
      expect(await store.getPosture('component:default/a')).toMatchObject({
        resourceCount: 3,
        percent: 100,
      });
      expect(await store.getPosture('component:default/b')).toMatchObject({
        resourceCount: 3,
        earned: 10,
      });
      // c: its public lake and the unencrypted extra bucket (claimed by ARN).
      expect(await store.getPosture('resource:default/c')).toMatchObject({
        resourceCount: 2,
        earned: 0,
        possible: 19,
      });
      const unowned = await store.listUnowned({ offset: 0, limit: 10 });
      expect(unowned.items.map(r => r.name)).toEqual(['stray']);
      expect((await store.unownedByTeam()).get('group:default/leaf1')).toBe(1);

      // The next interval lists again, once.
      extraEncrypted = true;
      await new Promise(r => setTimeout(r, 2100));
      await interval();
      expect(contexts).toHaveLength(2);
      expect(await store.getPosture('resource:default/c')).toMatchObject({
        earned: 9,
        possible: 19,
      });

      // A requested scan of everything lists afresh, once for all its shards.
      await scan();
      expect(contexts).toHaveLength(3);
      expect(
        (await store.listUnowned({ offset: 0, limit: 10 })).totalCount,
      ).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'resolves ARN hints against the provider ARN annotations or the default ones on %p',
    async databaseId => {
      const entities = testCatalog();
      const a = entities.find(e => e.metadata.name === 'a')!;
      const c = entities.find(e => e.metadata.name === 'c')!;
      const db = 'arn:aws:rds:eu-west-1:111122223333:db:c';
      a.metadata.annotations![
        'aws.amazon.com/arn'
      ] = `arn:aws:s3:::a-logs, ${db}`;
      c.metadata.annotations!['example.com/arn'] = db;
      const listing = (
        id: string,
        resource: ListedResource,
        arnAnnotations?: string[],
      ): SecurityPostureResourceProvider => ({
        id,
        resourceTypes: ['test.bucket'],
        ...(arnAnnotations ? { arnAnnotations } : {}),
        async *listResources() {
          yield [resource];
        },
      });
      const { store, scan } = await setup(databaseId, {
        entities,
        providers: fake => [
          fake,
          // Default annotations: a claims its logs bucket.
          listing('cloud', {
            resource: bucket('a-logs', { encrypted: false, public: false }),
            hints: { arns: ['arn:aws:s3:::a-logs'] },
          }),
          // Its own annotation only: c claims the database, a's claim is not read.
          listing(
            'other-cloud',
            {
              resource: bucket('c-db', { encrypted: true, public: false }),
              hints: { arns: [db] },
            },
            ['example.com/arn'],
          ),
        ],
      });
      await scan();
      expect(await store.getPosture('component:default/a')).toMatchObject({
        resourceCount: 3,
        earned: 19,
      });
      expect(await store.getPosture('resource:default/c')).toMatchObject({
        resourceCount: 2,
      });
      expect(
        (await store.listUnowned({ offset: 0, limit: 10 })).totalCount,
      ).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'applies shrinking results of providers that opt out of quarantine on %p',
    async databaseId => {
      const { store, scan, fake } = await setup(databaseId);
      fake.quarantine = 'never';
      await scan();
      const bId = (await store.getCatalogEntity('component:default/b'))!.id;
      // Everything fixed at once: the result is applied, not held back.
      fake.answers.set('component:default/b', []);
      const fixed = await scan();
      expect(await store.getPosture('component:default/b')).toMatchObject({
        status: 'ok',
        resourceCount: 0,
      });
      const findings = await store.listFindings([bId], { limit: 10 });
      expect(findings.items.map(f => f.status)).toEqual([
        'resolved',
        'resolved',
      ]);
      const run = await store.getScanRun(fixed.id);
      for (const f of findings.items) {
        expect(f.resolvedAt!.getTime()).toBeGreaterThanOrEqual(
          run!.startedAt!.getTime() - 1000,
        );
      }

      // when-empty: a result that shrank is applied, an empty one held back.
      fake.quarantine = 'when-empty';
      initialAnswers(fake);
      await scan();
      fake.answers.set('component:default/b', [workload('b', true)]);
      await scan();
      expect(await store.getPosture('component:default/b')).toMatchObject({
        status: 'ok',
        resourceCount: 1,
      });
      fake.answers.set('component:default/b', []);
      await scan();
      const held = await store.getPosture('component:default/b');
      expect(held).toMatchObject({ status: 'partial', resourceCount: 1 });
      expect(held?.statusReasons.join(' ')).toMatch(
        /returned 0 resources, nothing where there were the 1.*quarantined/,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    "counts entities owned by a user for their systems but not for the user's groups on %p",
    async databaseId => {
      const entities = testCatalog();
      entities.push(
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'jane', namespace: 'default' },
          spec: { memberOf: ['leaf1'] },
          relations: [{ type: 'memberOf', targetRef: 'group:default/leaf1' }],
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'side-project',
            namespace: 'default',
            annotations: { 'test/resources': 'yes' },
          },
          spec: {
            type: 'service',
            lifecycle: 'experimental',
            owner: 'user:default/jane',
            system: 'shop',
          },
          relations: [
            { type: 'ownedBy', targetRef: 'user:default/jane' },
            { type: 'partOf', targetRef: 'system:default/shop' },
          ],
        },
      );
      const { store, scan, fake } = await setup(databaseId, { entities });
      fake.answers.set('component:default/side-project', [
        workload('side-project', true),
      ]);
      await scan();
      expect(
        await store.getPosture('component:default/side-project'),
      ).toMatchObject({ earned: 0, possible: 9 });
      // Its system counts it…
      expect(await store.getPosture('system:default/shop')).toMatchObject({
        memberCount: 3,
        earned: 38,
        possible: 65,
      });
      // …the groups Jane is a member of do not (as the org plugin's ownership
      // card counts a group's entities).
      expect(await store.getPosture('group:default/leaf1')).toMatchObject({
        memberCount: 1,
        percent: 100,
      });
      expect(await store.getPosture('group:default/dept')).toMatchObject({
        memberCount: 3,
        earned: 47,
        possible: 75,
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
