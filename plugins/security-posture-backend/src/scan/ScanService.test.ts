import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readSecurityPostureConfig } from '../config';
import { SecurityPostureStore } from '../database/SecurityPostureStore';
import type { ScanOutcome, Scanner } from './Scanner';
import { REQUESTS_TASK_ID, ScanService, shardTaskId } from './ScanService';

jest.setTimeout(60_000);

const done: ScanOutcome = {
  status: 'succeeded',
  counts: { entities: 2, resources: 5, findings: 1, errors: 0 },
  errors: [],
};

describe('ScanService', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  async function setup(scanConfig: object = {}) {
    const knex = await databases.init('SQLITE_3');
    const store = await SecurityPostureStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const scanner = {
      scanShard: jest.fn(async () => done),
      scanAll: jest.fn(async () => done),
      scanEntity: jest.fn(async () => done),
    };
    const scheduler = mockServices.scheduler.mock();
    const config = readSecurityPostureConfig(
      new ConfigReader({ securityPosture: { scan: scanConfig } }),
    ).scan;
    const service = new ScanService({
      scheduler,
      scanner: scanner as unknown as Scanner,
      store,
      logger: mockServices.logger.mock(),
      config,
    });
    return { store, scanner, scheduler, service };
  }

  it('schedules one global task per shard, with the configured schedule, and the request queue', async () => {
    const { scheduler, service } = await setup({
      shards: 3,
      schedule: {
        frequency: { hours: 2 },
        timeout: { minutes: 20 },
        initialDelay: { seconds: 15 },
      },
    });
    await service.start();
    const calls = scheduler.scheduleTask.mock.calls.map(([task]) => task);
    expect(calls.map(t => t.id)).toEqual([
      'security-posture-scan-shard-1-of-3',
      'security-posture-scan-shard-2-of-3',
      'security-posture-scan-shard-3-of-3',
      REQUESTS_TASK_ID,
    ]);
    for (const task of calls.slice(0, 3)) {
      expect(task).toMatchObject({
        frequency: { hours: 2 },
        timeout: { minutes: 20 },
        initialDelay: { seconds: 15 },
        scope: 'global',
      });
    }
    expect(calls[3]).toMatchObject({ scope: 'global' });
    expect(shardTaskId(0, 1)).toBe('security-posture-scan');
  });

  it('records each scheduled shard run with its counts', async () => {
    const { store, scanner, service } = await setup({ shards: 2 });
    const signal = new AbortController().signal;
    await service.runShard(1, 2, signal);
    expect(scanner.scanShard).toHaveBeenCalledWith(
      expect.objectContaining({ shard: 1, shards: 2, signal }),
    );
    const [run] = await store.listScanRuns(5);
    // The very first scan of an installation is labelled as the start-up scan.
    expect(run).toMatchObject({
      trigger: 'startup',
      shard: '2/2',
      status: 'succeeded',
      counts: { entities: 2, resources: 5, findings: 1 },
    });
    await service.runShard(0, 2, signal);
    expect((await store.listScanRuns(1))[0].trigger).toBe('schedule');
  });

  it('queues requests once, triggers the queue task and runs each request exactly once', async () => {
    const { store, scanner, scheduler, service } = await setup();
    const first = await service.requestScan({
      scope: 'component:default/a',
      requestedBy: 'user:default/guest',
    });
    expect(first.reused).toBe(false);
    expect(scheduler.triggerTask).toHaveBeenCalledWith(REQUESTS_TASK_ID);
    // The same request while the first waits is not queued twice.
    const again = await service.requestScan({ scope: 'component:default/a' });
    expect(again).toMatchObject({ reused: true, run: { id: first.run.id } });
    const all = await service.requestScan({ scope: null });
    expect(all.reused).toBe(false);

    await service.drainRequests(new AbortController().signal);
    expect(scanner.scanEntity).toHaveBeenCalledTimes(1);
    expect(scanner.scanEntity).toHaveBeenCalledWith(
      expect.objectContaining({
        scanId: first.run.id,
        entityRef: 'component:default/a',
      }),
    );
    expect(scanner.scanAll).toHaveBeenCalledTimes(1);
    expect(await store.getScanRun(first.run.id)).toMatchObject({
      status: 'succeeded',
      requestedBy: 'user:default/guest',
    });
    // A second drain finds nothing to do.
    await service.drainRequests(new AbortController().signal);
    expect(scanner.scanEntity).toHaveBeenCalledTimes(1);
    expect(scanner.scanAll).toHaveBeenCalledTimes(1);
  });

  it('closes runs left running by a replica that died', async () => {
    const { store, service } = await setup({
      schedule: { frequency: { hours: 6 }, timeout: { minutes: 10 } },
    });
    await store.createScanRun({
      id: '11111111-1111-4111-8111-111111111111',
      trigger: 'schedule',
      status: 'running',
      createdAt: new Date(Date.now() - 60 * 60 * 1000),
    });
    await store.createScanRun({
      id: '22222222-2222-4222-8222-222222222222',
      trigger: 'schedule',
      status: 'running',
    });
    await service.drainRequests(new AbortController().signal);
    expect(
      (await store.getScanRun('11111111-1111-4111-8111-111111111111'))?.status,
    ).toBe('aborted');
    expect(
      (await store.getScanRun('22222222-2222-4222-8222-222222222222'))?.status,
    ).toBe('running');
  });

  it('aborts the run a dead replica left behind when the next run of its shard starts', async () => {
    const { store, service } = await setup({ shards: 2 });
    for (const [id, shard] of [
      ['33333333-3333-4333-8333-333333333333', '1/2'],
      ['44444444-4444-4444-8444-444444444444', '2/2'],
    ]) {
      await store.createScanRun({
        id,
        trigger: 'schedule',
        status: 'running',
        shard,
      });
    }
    await service.runShard(0, 2, new AbortController().signal);
    expect(
      await store.getScanRun('33333333-3333-4333-8333-333333333333'),
    ).toMatchObject({
      status: 'aborted',
      error: expect.stringMatching(/took the shard over/),
    });
    // Another shard's run may be alive on another replica.
    expect(
      (await store.getScanRun('44444444-4444-4444-8444-444444444444'))?.status,
    ).toBe('running');
    const [latest] = await store.listScanRuns(1);
    expect(latest).toMatchObject({ shard: '1/2', status: 'succeeded' });
  });

  it('leaves other runs alone when every replica schedules its own scans (scope local)', async () => {
    const { store, service } = await setup({
      schedule: {
        frequency: { hours: 6 },
        timeout: { minutes: 10 },
        scope: 'local',
      },
    });
    await store.createScanRun({
      id: '55555555-5555-4555-8555-555555555555',
      trigger: 'schedule',
      status: 'running',
      shard: '1/1',
    });
    await service.runShard(0, 1, new AbortController().signal);
    expect(
      (await store.getScanRun('55555555-5555-4555-8555-555555555555'))?.status,
    ).toBe('running');
  });

  it('skips the catch-up run the scheduler starts right after an interval that ended late', async () => {
    const { store, scanner, service } = await setup({
      schedule: { frequency: { seconds: 2 }, timeout: { seconds: 1 } },
    });
    const signal = new AbortController().signal;
    expect(await service.runShard(0, 1, signal)).toMatchObject({
      status: 'succeeded',
    });
    // Due again at once: the interval was just scanned.
    expect(await service.runShard(0, 1, signal)).toBeUndefined();
    expect(scanner.scanShard).toHaveBeenCalledTimes(1);
    expect(await store.listScanRuns(10)).toHaveLength(1);
    // Half a period later it is a new interval.
    await new Promise(resolve => setTimeout(resolve, 1100));
    expect(await service.runShard(0, 1, signal)).toMatchObject({
      status: 'succeeded',
    });
    expect(scanner.scanShard).toHaveBeenCalledTimes(2);
  });

  it('never skips a run of a cron schedule', async () => {
    const { scanner, service } = await setup({
      schedule: { frequency: { cron: '*/5 * * * *' }, timeout: { minutes: 1 } },
    });
    const signal = new AbortController().signal;
    await service.runShard(0, 1, signal);
    await service.runShard(0, 1, signal);
    expect(scanner.scanShard).toHaveBeenCalledTimes(2);
  });
});
