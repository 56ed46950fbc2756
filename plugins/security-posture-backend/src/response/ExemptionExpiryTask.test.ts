import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readResponseConfig } from './config';
import { ExemptionDebtService } from './exemptionDebt';
import { ExemptionExpiryTask } from './ExemptionExpiryTask';
import { HierarchyCache, TeamSettingsResolver } from './teamSettings';
import { createStores, HIERARCHY } from './__testUtils__/stores';

jest.setTimeout(60_000);

const DAY = 24 * 60 * 60 * 1000;

function component(name: string, owner: string, exemptions: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'security-posture.backstage.io/exemptions': exemptions },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

describe('ExemptionExpiryTask', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  async function setup(
    databaseId: Parameters<typeof createStores>[1],
    options: { alerts?: JsonObject; files?: string[] } = {},
  ) {
    const { store, responseStore } = await createStores(databases, databaseId);
    const now = new Date('2026-12-01T10:00:00Z');
    await store.upsertCatalogEntities(HIERARCHY, now);
    const catalog = catalogServiceMock({
      entities: [
        component(
          'a',
          'leaf1',
          `
- check: k8s-image-digest
  reason: Signed tags until the registry supports digests
  approver: security@example.com
  expires: 2026-12-10
- check: k8s-run-as-non-root
  reason: Vendor image
  approver: security@example.com
  expires: 2027-12-31
- check: k8s-resource-limits
  reason: Load test
  approver: security@example.com
  expires: 2026-11-01
`,
        ),
      ],
    });
    const config = readResponseConfig(
      new ConfigReader({
        securityPosture: {
          alerts: options.alerts ?? {},
          exemptions: { expiry: { leadTime: { days: 14 } } },
        },
      }),
    );
    const sent: NotificationSendOptions[] = [];
    const published: unknown[] = [];
    const hierarchy = new HierarchyCache(store);
    const task = new ExemptionExpiryTask({
      debt: new ExemptionDebtService({
        catalog,
        logger: mockServices.logger.mock(),
        exemptionFiles: options.files ?? [],
        leadTimeMs: config.exemptionExpiry.leadTimeMs,
      }),
      store: responseStore,
      hierarchy,
      teamSettings: new TeamSettingsResolver(config, hierarchy),
      notifications: { send: async o => void sent.push(o) },
      events: {
        publish: async p => void published.push(p.eventPayload),
        subscribe: async () => {},
      },
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      config,
    });
    return { task, sent, published, now };
  }

  it.each(databases.eachSupportedId())(
    'tells the owning team once about exemptions expiring within the lead time on %p',
    async databaseId => {
      const { task, sent, published, now } = await setup(databaseId);
      const result = await task.run(now);
      expect(result).toEqual(new Map([['group:default/leaf1', 1]]));
      expect(sent).toHaveLength(1);
      expect(sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: 'group:default/leaf1',
      });
      expect(sent[0].payload).toMatchObject({
        title: '1 security posture exemption of Leaf one expires soon',
        link: '/catalog/default/group/leaf1/security-posture',
        topic: 'security-posture',
      });
      // Only the one expiring at the end of Dec 10 (9 whole days): not the active one, not the expired one.
      expect(sent[0].payload.description).toContain(
        'k8s-image-digest on component:default/a expires 2026-12-10 (9 days left; approved by security@example.com: Signed tags until the registry supports digests)',
      );
      expect(sent[0].payload.description).not.toContain('k8s-run-as-non-root');
      expect(sent[0].payload.description).not.toContain('k8s-resource-limits');
      expect(published).toEqual([
        expect.objectContaining({
          type: 'exemption.expiring',
          teamRef: 'group:default/leaf1',
        }),
      ]);

      // The next runs send nothing more, even closer to the expiry.
      await task.run(new Date(now.getTime() + DAY));
      await task.run(new Date(now.getTime() + 5 * DAY));
      expect(sent).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'covers central exemption files and honours team opt-outs on %p',
    async databaseId => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sp-exemptions-'));
      const file = path.join(dir, 'exemptions.yaml');
      await fs.writeFile(
        file,
        `exemptions:
  - check: aws-s3-logging
    entity: component:default/b
    reason: Logs shipped by the agent
    approver: ciso@example.com
    expires: 2026-12-03
`,
      );
      const optedOut = await setup(databaseId, {
        files: [file],
        alerts: { teams: [{ team: 'dept', exemptionExpiry: false }] },
      });
      expect(await optedOut.task.run(optedOut.now)).toEqual(new Map());
      expect(optedOut.sent).toEqual([]);

      const { task, sent, now } = await setup(databaseId, { files: [file] });
      await task.run(now);
      expect(sent).toHaveLength(1);
      expect(sent[0].payload.title).toBe(
        '2 security posture exemptions of Leaf one expire soon',
      );
      expect(sent[0].payload.description).toContain(
        'aws-s3-logging on component:default/b expires 2026-12-03',
      );
      await fs.rm(dir, { recursive: true, force: true });
    },
  );
});
