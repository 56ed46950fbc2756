import { DEFAULT_CONTROLS } from './defaultScorecard';
import { createPostureEngine } from './engine';
import type { Exemption } from './exemptions';
import {
  TEST_CHECKS,
  allPassing,
  testCheck,
  testResource,
} from './__testUtils__/testChecks';

const NOW = new Date('2025-06-15T12:00:00Z');

function categories(assessment: { score: { categories: any[] } }) {
  return Object.fromEntries(
    assessment.score.categories.map(c => [c.id, `${c.earned}/${c.possible}`]),
  );
}

describe('createPostureEngine', () => {
  it('scores every control passing as 127/127 with full coverage', () => {
    const engine = createPostureEngine({ checks: TEST_CHECKS });
    const a = engine.assess([testResource('web', allPassing())], { now: NOW });
    expect(a.score.score).toEqual({ earned: 127, possible: 127, percent: 100 });
    expect(a.score.coverage).toBe(1);
    expect(a.findings).toEqual([]);
    expect(a.evaluations).toBe(16);
  });

  it('strict: one failing resource fails the whole control', () => {
    const engine = createPostureEngine({ checks: TEST_CHECKS });
    const a = engine.assess(
      [
        testResource('a', allPassing()),
        testResource('b', { ...allPassing(), egress_filtered: false }),
        testResource('c', allPassing()),
      ],
      { now: NOW },
    );
    const egress = a.score.controls.find(c => c.id === 'egress_filtered')!;
    expect(egress).toMatchObject({
      status: 'fail',
      earned: 0,
      possible: 6,
      passed: 2,
      failed: 1,
    });
    expect(categories(a).network).toBe('26/32');
    expect(a.findings).toHaveLength(1);
    expect(a.findings[0]).toMatchObject({
      checkId: 'test.egress_filtered',
      status: 'fail',
      control: 'egress_filtered',
      category: 'network',
      resource: { name: 'b', kind: 'Deployment', namespace: 'default' },
      evidence: [{ path: 'spec.egress_filtered', value: false }],
      remediation: { url: 'https://example.com/runbooks/egress_filtered' },
    });
    expect(a.score.pointsToGain).toEqual([
      expect.objectContaining({ control: 'egress_filtered', points: 6 }),
    ]);
  });

  it('counts passing results per check, leaving out checks that never passed', () => {
    const engine = createPostureEngine({ checks: TEST_CHECKS });
    const a = engine.assess(
      [
        testResource('a', allPassing()),
        testResource('b', { ...allPassing(), egress_filtered: false }),
      ],
      { now: NOW },
    );
    expect(a.passedByCheck?.get('test.egress_filtered')).toBe(1);
    expect(a.passedByCheck?.get('test.tls_1_2_minimum')).toBe(2);
    const none = engine.assess(
      [testResource('c', { ...allPassing(), egress_filtered: false })],
      { now: NOW },
    );
    expect(none.passedByCheck?.has('test.egress_filtered')).toBe(false);
  });

  it('proportional: weight × passed / evaluated', () => {
    const engine = createPostureEngine({
      checks: TEST_CHECKS,
      config: { controls: { egress_filtered: { mode: 'proportional' } } },
    });
    const a = engine.assess(
      [
        testResource('a', allPassing()),
        testResource('b', { ...allPassing(), egress_filtered: false }),
        testResource('c', allPassing()),
      ],
      { now: NOW },
    );
    const egress = a.score.controls.find(c => c.id === 'egress_filtered')!;
    expect(egress.earned).toBe(4);
    expect(categories(a).network).toBe('30/32');
  });

  it('reproduces the seed scorecard when egress and classification fail', () => {
    const engine = createPostureEngine({ checks: TEST_CHECKS });
    const a = engine.assess(
      [
        testResource('web', {
          ...allPassing(),
          egress_filtered: false,
          sensitive_data_classified: false,
        }),
      ],
      { now: NOW },
    );
    expect(categories(a)).toEqual({
      identity_and_access: '31/31',
      network: '26/32',
      data: '26/33',
      compute: '31/31',
    });
    expect(a.score.score).toEqual({
      earned: 114,
      possible: 127,
      percent: 89.8,
    });
  });

  it('separates not applicable from unknown', () => {
    const checks = [
      testCheck('no_public_databases', ['aws.rds.instance']),
      testCheck('no_privileged_containers', ['k8s.workload']),
    ];
    const engine = createPostureEngine({ checks });
    const resources = [testResource('w', { no_privileged_containers: true })];

    const na = engine.assess(resources, { now: NOW });
    const db = na.score.controls.find(c => c.id === 'no_public_databases')!;
    expect(db.status).toBe('not_applicable');
    expect(na.score.coverage).toBe(1);
    expect(na.score.score).toEqual({ earned: 9, possible: 9, percent: 100 });

    const unscanned = engine.assess(resources, {
      now: NOW,
      unscannedTypes: ['aws.rds.instance'],
    });
    expect(
      unscanned.score.controls.find(c => c.id === 'no_public_databases')!
        .status,
    ).toBe('unknown');
    // unknown is neither a pass nor a fail, but lowers coverage
    expect(unscanned.score.score).toEqual({
      earned: 9,
      possible: 9,
      percent: 100,
    });
    expect(unscanned.score.coverage).toBeCloseTo(9 / 19, 3);

    const failed = engine.assess(resources, { now: NOW, sourceFailed: true });
    const statuses = failed.score.controls.map(c => c.status);
    expect(statuses.filter(s => s === 'unknown')).toHaveLength(15);
    expect(statuses.filter(s => s === 'pass')).toHaveLength(1);
  });

  it('records a throwing check as an error, and a strict control with only errors as unknown', () => {
    const engine = createPostureEngine({ checks: TEST_CHECKS });
    const a = engine.assess(
      [testResource('w', { ...allPassing(), images_scanned: 'throw' })],
      { now: NOW },
    );
    const images = a.score.controls.find(c => c.id === 'images_scanned')!;
    expect(images).toMatchObject({ status: 'unknown', possible: 0, errors: 1 });
    expect(a.findings).toEqual([
      expect.objectContaining({
        checkId: 'test.images_scanned',
        status: 'error',
        message: expect.stringContaining('boom in images_scanned'),
      }),
    ]);
    expect(a.score.score.possible).toBe(119);
  });

  describe('exemptions', () => {
    const resources = [
      testResource('web', { ...allPassing(), egress_filtered: false }),
      testResource('worker', { ...allPassing(), egress_filtered: false }),
    ];
    const base: Exemption = {
      check: 'test.egress_filtered',
      reason: 'egress proxy rollout in Q3',
      approver: 'security@example.com',
      ticket: 'SEC-42',
      expires: '2025-09-30',
    };
    const engine = createPostureEngine({ checks: TEST_CHECKS });

    it('marks covered failures exempted; raw score keeps them, adjusted does not', () => {
      const a = engine.assess(resources, { now: NOW, exemptions: [base] });
      expect(a.findings.map(f => f.status)).toEqual(['exempted', 'exempted']);
      expect(a.findings[0].exemption).toEqual(base);
      expect(a.score.score.earned).toBe(121);
      expect(a.score.adjustedScore.earned).toBe(127);
      const egress = a.score.controls.find(c => c.id === 'egress_filtered')!;
      expect(egress).toMatchObject({
        status: 'fail',
        adjustedStatus: 'pass',
        exempted: 2,
        failed: 0,
      });
    });

    it('stops applying after the expiry day', () => {
      const lastDay = engine.assess(resources, {
        now: new Date('2025-09-30T23:00:00Z'),
        exemptions: [base],
      });
      expect(lastDay.score.adjustedScore.earned).toBe(127);
      const after = engine.assess(resources, {
        now: new Date('2025-10-01T00:00:01Z'),
        exemptions: [base],
      });
      expect(after.findings.map(f => f.status)).toEqual(['fail', 'fail']);
      expect(after.score.adjustedScore.earned).toBe(121);
    });

    it('can be scoped to one resource by name glob', () => {
      const a = engine.assess(resources, {
        now: NOW,
        exemptions: [{ ...base, resource: 'wor*' }],
      });
      const byName = Object.fromEntries(
        a.findings.map(f => [f.resource.name, f.status]),
      );
      expect(byName).toEqual({ web: 'fail', worker: 'exempted' });
      // strict: one unexempted failure still fails the control
      expect(a.score.adjustedScore.earned).toBe(121);
    });

    it('can be scoped to an entity', () => {
      const scoped = { ...base, entity: 'component:payments' };
      const other = engine.assess(resources, {
        now: NOW,
        entity: 'component:default/orders',
        exemptions: [scoped],
      });
      expect(other.findings.every(f => f.status === 'fail')).toBe(true);
      const mine = engine.assess(resources, {
        now: NOW,
        entity: 'Component:default/payments',
        exemptions: [scoped],
      });
      expect(mine.findings.every(f => f.status === 'exempted')).toBe(true);
      const none = engine.assess(resources, { now: NOW, exemptions: [scoped] });
      expect(none.findings.every(f => f.status === 'fail')).toBe(true);
    });
  });

  describe('configuration', () => {
    const resources = [
      testResource('web', { ...allPassing(), egress_filtered: false }),
    ];

    it('overrides weights and changes the model version', () => {
      const plain = createPostureEngine({ checks: TEST_CHECKS });
      const heavier = createPostureEngine({
        checks: TEST_CHECKS,
        config: { controls: { egress_filtered: { weight: 20 } } },
      });
      expect(heavier.assess(resources, { now: NOW }).score.score).toEqual({
        earned: 121,
        possible: 141,
        percent: 85.8,
      });
      expect(heavier.modelVersion).not.toBe(plain.modelVersion);
      expect(createPostureEngine({ checks: TEST_CHECKS }).modelVersion).toBe(
        plain.modelVersion,
      );
    });

    it('keeps the model version when only texts and severities change', () => {
      const plain = createPostureEngine({ checks: TEST_CHECKS });
      const retitled = createPostureEngine({
        checks: TEST_CHECKS,
        config: {
          checks: {
            'test.egress_filtered': {
              severity: 'low',
              remediationUrl: 'https://wiki.internal/egress',
            },
          },
        },
      });
      expect(retitled.modelVersion).toBe(plain.modelVersion);
      const finding = retitled.assess(resources, { now: NOW }).findings[0];
      expect(finding.severity).toBe('low');
      expect(finding.remediation.url).toBe('https://wiki.internal/egress');
    });

    it('disables checks, which changes the score and the model version', () => {
      const plain = createPostureEngine({ checks: TEST_CHECKS });
      const engine = createPostureEngine({
        checks: TEST_CHECKS,
        config: { checks: { 'test.egress_filtered': { enabled: false } } },
      });
      expect(engine.modelVersion).not.toBe(plain.modelVersion);
      const a = engine.assess(resources, { now: NOW });
      expect(a.findings).toEqual([]);
      expect(
        a.score.controls.find(c => c.id === 'egress_filtered')!.status,
      ).toBe('not_applicable');
      expect(a.score.score).toEqual({
        earned: 121,
        possible: 121,
        percent: 100,
      });
    });

    it('reassigns a check to another control of the same category', () => {
      const engine = createPostureEngine({
        checks: TEST_CHECKS,
        config: {
          checks: { 'test.egress_filtered': { control: 'tls_1_2_minimum' } },
        },
      });
      const a = engine.assess(resources, { now: NOW });
      const tls = a.score.controls.find(c => c.id === 'tls_1_2_minimum')!;
      expect(tls.status).toBe('fail');
      expect(
        a.score.controls.find(c => c.id === 'egress_filtered')!.status,
      ).toBe('not_applicable');
    });

    it('rejects a check moved to a control of another category', () => {
      expect(() =>
        createPostureEngine({
          checks: TEST_CHECKS,
          config: {
            checks: {
              'test.egress_filtered': { control: 'encryption_at_rest' },
            },
          },
        }),
      ).toThrow(
        /category network but its control encryption_at_rest is in data/,
      );
    });

    it('rejects invalid configuration with the path of the problem', () => {
      expect(() =>
        createPostureEngine({
          checks: TEST_CHECKS,
          config: { controls: { egress_filtered: { weight: -1 } } },
        }),
      ).toThrow(/controls.egress_filtered.weight/);
    });

    it('keeps the seed controls and weights by default', () => {
      const engine = createPostureEngine({ checks: TEST_CHECKS });
      expect(engine.controls.map(c => [c.id, c.weight, c.mode])).toEqual(
        DEFAULT_CONTROLS.map(c => [c.id, c.weight, 'strict']),
      );
    });
  });
});
