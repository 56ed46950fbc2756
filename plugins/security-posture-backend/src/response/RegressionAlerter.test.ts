import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { EntityScanEvent } from '../scan/Scanner';
import { readResponseConfig } from './config';
import { RegressionAlerter, SECURITY_POSTURE_TOPIC } from './RegressionAlerter';
import { HierarchyCache, TeamSettingsResolver } from './teamSettings';
import {
  applyResult,
  createStores,
  finding,
  HIERARCHY,
} from './__testUtils__/stores';

jest.setTimeout(60_000);

describe('RegressionAlerter', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(
    databaseId: Parameters<typeof createStores>[1],
    alerts: JsonObject = {},
    send?: (o: NotificationSendOptions) => Promise<void>,
  ) {
    const { store, responseStore } = await createStores(databases, databaseId);
    const t0 = new Date('2026-12-01T10:00:00Z');
    const ids = await store.upsertCatalogEntities(HIERARCHY, t0);
    const config = readResponseConfig(
      new ConfigReader({ securityPosture: { alerts } }),
    );
    const sent: NotificationSendOptions[] = [];
    const published: unknown[] = [];
    const alerter = new RegressionAlerter({
      store: responseStore,
      notifications: {
        send: async o => {
          if (send) await send(o);
          sent.push(o);
        },
      },
      events: {
        publish: async p => {
          expect(p.topic).toBe(SECURITY_POSTURE_TOPIC);
          published.push(p.eventPayload);
        },
        subscribe: async () => {},
      },
      logger: mockServices.logger.mock(),
      config,
      teamSettings: new TeamSettingsResolver(config, new HierarchyCache(store)),
    });
    // The baseline: entity a at 100% with no findings.
    await applyResult(store, ids, {
      ref: 'component:default/a',
      scanId: 's0',
      at: t0,
      earned: 28,
      possible: 28,
      findings: [],
    });
    /** Applies a worse result as a scan would, and tells the alerter. */
    const worsen = async (scanId: string, at: Date) => {
      const critical = finding('test-public', 'a-data', 'critical');
      const outcome = await applyResult(store, ids, {
        ref: 'component:default/a',
        scanId,
        at,
        earned: 18,
        possible: 28,
        findings: [critical],
      });
      const event: EntityScanEvent = {
        scanId,
        entityRef: 'component:default/a',
        previous: { percent: 100, adjustedPercent: 100 },
        current: { percent: 64.3, adjustedPercent: 64.3 },
        modelVersions: { previous: 'sp1-test', current: 'sp1-test' },
        at,
        opened: outcome.opened,
        resolved: outcome.resolved,
      };
      return event;
    };
    return { store, responseStore, ids, alerter, sent, published, worsen, t0 };
  }

  it.each(databases.eachSupportedId())(
    'notifies the owning group once of a regression, naming the entity, the findings and the tab, on %p',
    async databaseId => {
      const { alerter, sent, published, worsen, responseStore, t0 } =
        await setup(databaseId);
      const event = await worsen('s1', new Date(t0.getTime() + 60_000));
      expect(event.opened).toHaveLength(1);
      await alerter.onEntityScanned(event);

      expect(sent).toHaveLength(1);
      expect(sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/leaf1',
      });
      expect(sent[0].payload).toMatchObject({
        title: 'Security posture regression: A service',
        link: '/catalog/default/component/a/security-posture',
        severity: 'critical',
        topic: 'security-posture',
      });
      expect(sent[0].payload.description).toContain(
        'The score with exemptions of component:default/a dropped from 100.0% to 64.3%.',
      );
      expect(sent[0].payload.description).toContain(
        'Now failing: [critical] test-public title (Deployment default/a-data)',
      );

      const [change] = await responseStore.listChanges({ limit: 5 });
      expect(change).toMatchObject({
        entityRef: 'component:default/a',
        regression: true,
        reasons: ['score-drop', 'new-critical'],
        notification: 'sent',
        openedCount: 1,
        resolvedCount: 0,
      });
      expect(published.map(p => (p as { type: string }).type)).toEqual([
        'posture.changed',
        'posture.regression',
      ]);

      // The same scan reported twice changes nothing.
      await alerter.onEntityScanned(event);
      expect(sent).toHaveLength(1);
      // Another scan that (in a replay or race) reports the same occurrence as
      // new again: already notified, nobody hears of it twice.
      await alerter.onEntityScanned({ ...event, scanId: 's2' });
      expect(sent).toHaveLength(1);
      const replay = (await responseStore.listChanges({ limit: 5 }))[0];
      expect(replay).toMatchObject({
        scanId: 's2',
        notification: 'already-notified',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'does not alert on a first scan, on a change below the threshold, or on a scoring model change on %p',
    async databaseId => {
      const { alerter, sent, responseStore, worsen, t0 } = await setup(
        databaseId,
        { scoreDrop: 40, newCritical: false },
      );
      const event = await worsen('s1', new Date(t0.getTime() + 60_000));
      await alerter.onEntityScanned({ ...event, previous: undefined });
      expect(await responseStore.listChanges({ limit: 5 })).toEqual([]);

      // 35.7 points is below the 40-point threshold; new criticals are off.
      await alerter.onEntityScanned(event);
      expect(sent).toEqual([]);
      const [change] = await responseStore.listChanges({ limit: 5 });
      expect(change).toMatchObject({
        regression: false,
        notification: null,
        openedCount: 1,
      });

      // A bigger drop that comes with new rules is not the team's regression.
      await alerter.onEntityScanned({
        ...event,
        scanId: 's2',
        current: { percent: 10, adjustedPercent: 10 },
        modelVersions: { previous: 'sp1-old', current: 'sp1-test' },
      });
      expect(sent).toEqual([]);
      expect((await responseStore.listChanges({ limit: 1 }))[0]).toMatchObject({
        modelChanged: true,
        regression: false,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'honours a team opt-out inherited from a parent group, and a sub-team opting back in, on %p',
    async databaseId => {
      const optedOut = await setup(databaseId, {
        teams: [{ team: 'dept', enabled: false }],
      });
      await optedOut.alerter.onEntityScanned(
        await optedOut.worsen('s1', new Date(optedOut.t0.getTime() + 60_000)),
      );
      expect(optedOut.sent).toEqual([]);
      expect(
        (await optedOut.responseStore.listChanges({ limit: 1 }))[0],
      ).toMatchObject({
        regression: true,
        notification: 'opted-out',
      });

      const back = await setup(databaseId, {
        teams: [
          { team: 'group:default/dept', enabled: false },
          {
            team: 'group:default/leaf1',
            enabled: true,
            scoreDrop: 50,
            newCritical: false,
          },
        ],
      });
      await back.alerter.onEntityScanned(
        await back.worsen('s1', new Date(back.t0.getTime() + 60_000)),
      );
      // Enabled again, but its own thresholds (50 points, no criticals) are not met.
      expect(back.sent).toEqual([]);
      expect(
        (await back.responseStore.listChanges({ limit: 1 }))[0],
      ).toMatchObject({
        regression: false,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'records a failed notification and releases its claims for a later one on %p',
    async databaseId => {
      let fail = true;
      const { alerter, sent, responseStore, worsen, t0 } = await setup(
        databaseId,
        {},
        async () => {
          if (fail) throw new Error('notifications backend unavailable');
        },
      );
      const event = await worsen('s1', new Date(t0.getTime() + 60_000));
      await alerter.onEntityScanned(event);
      expect(sent).toEqual([]);
      expect(
        (await responseStore.listChanges({ limit: 1 }))[0].notification,
      ).toBe('failed');
      fail = false;
      await alerter.onEntityScanned({ ...event, scanId: 's2' });
      expect(sent).toHaveLength(1);
    },
  );
});
