import type { ControlScore } from '@internal/backstage-plugin-security-posture-common';
import type { StoredCatalogEntity } from '../database/types';
import {
  evaluateTarget,
  findTarget,
  parseTargets,
  pointsToReach,
  summarizeTeamTargets,
} from './targets';

function entity(
  ref: string,
  extra: Partial<StoredCatalogEntity> = {},
): StoredCatalogEntity {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return { id: 1, ref, kind, namespace, name, scanned: true, ...extra };
}

function control(
  id: string,
  weight: number,
  pass: boolean,
  exempted = false,
): ControlScore {
  return {
    id,
    title: id,
    category: 'network',
    weight,
    status: pass ? 'pass' : 'fail',
    adjustedStatus: pass || exempted ? 'pass' : 'fail',
    earned: pass ? weight : 0,
    adjustedEarned: pass || exempted ? weight : 0,
    possible: weight,
    passed: pass ? 1 : 0,
    failed: pass ? 0 : 1,
    exempted: exempted ? 1 : 0,
    errors: 0,
  };
}

describe('parseTargets', () => {
  it('reads targets keyed on dotted catalog fields, values normalised', () => {
    const [production, owned] = parseTargets([
      {
        match: { 'spec.lifecycle': 'Production' },
        minPercent: 90,
        noCritical: true,
      },
      {
        name: 'payments',
        match: { 'spec.owner': ['payments-core', 'user:default/jo'] },
        minPercent: 80,
        score: 'raw',
      },
    ]);
    expect(production).toMatchObject({
      name: 'spec.lifecycle=production',
      match: [{ key: 'spec.lifecycle', values: ['production'] }],
      minPercent: 90,
      noCritical: true,
      basis: 'adjusted',
    });
    expect(owned).toMatchObject({
      name: 'payments',
      match: [
        {
          key: 'spec.owner',
          values: ['group:default/payments-core', 'user:default/jo'],
        },
      ],
      noCritical: false,
      basis: 'raw',
    });
  });

  it.each([
    [{}, 'it could never be missed'],
    [
      { match: { 'metadata.labels.tier': 'x' }, minPercent: 90 },
      'cannot match on "metadata.labels.tier"',
    ],
    [{ minPercent: 120 }, 'minPercent must be a number above 0'],
    [{ noCritical: 'yes' }, 'noCritical must be true or false'],
    [{ noCritical: true, score: 'best' }, 'score must be adjusted or raw'],
    [{ noCritical: true, match: { kind: [] } }, 'must be a non-empty string'],
    [{ noCritical: true, mnPercent: 90 }, 'mnPercent is not a target setting'],
  ])('refuses %j', (target, message) => {
    expect(() => parseTargets([target])).toThrow(message);
  });
});

describe('findTarget', () => {
  const targets = parseTargets([
    { name: 'prod', match: { 'spec.lifecycle': 'production' }, minPercent: 90 },
    { name: 'resources', match: { kind: 'Resource' }, noCritical: true },
    {
      name: 'shop services',
      match: { 'spec.system': 'shop', 'spec.type': ['service', 'website'] },
      minPercent: 70,
    },
  ]);

  it('takes the first target whose every condition holds', () => {
    expect(
      findTarget(
        targets,
        entity('component:default/a', {
          lifecycle: 'production',
          systemRef: 'system:default/shop',
          type: 'service',
        }),
      )?.name,
    ).toBe('prod');
    expect(
      findTarget(
        targets,
        entity('component:default/b', {
          lifecycle: 'experimental',
          systemRef: 'system:default/shop',
          type: 'website',
        }),
      )?.name,
    ).toBe('shop services');
    expect(findTarget(targets, entity('resource:default/c'))?.name).toBe(
      'resources',
    );
    expect(
      findTarget(
        targets,
        entity('component:default/d', {
          lifecycle: 'experimental',
          systemRef: 'system:default/shop',
        }),
      ),
    ).toBeUndefined();
  });
});

describe('evaluateTarget', () => {
  const [target] = parseTargets([
    { name: 'prod', minPercent: 90, noCritical: true },
  ]);

  it('explains a miss and names the fewest controls that reach the target', () => {
    // 40 possible: 10 + 8 pass (18/40 = 45%); failing 9, 7, 4, 2.
    const controls = [
      control('a', 10, true),
      control('b', 8, true),
      control('c', 9, false),
      control('d', 7, false),
      control('e', 4, false),
      control('f', 2, false),
    ];
    const status = evaluateTarget(target, {
      earned: 18,
      adjustedEarned: 18,
      possible: 40,
      counts: { critical: 2, high: 0, medium: 0, low: 0 },
      controls,
    });
    expect(status.met).toBe(false);
    expect(status.reasons).toEqual([
      'The score with exemptions 45.0% is below the target of 90%',
      '2 open critical findings (the target allows none)',
    ]);
    // 18 + 9 + 7 + 4 = 38/40 = 95% ≥ 90%; 18 + 9 + 7 = 34/40 = 85% is not.
    expect(
      status.pointsToGain.map(p => [p.control, p.points, p.percentGain]),
    ).toEqual([
      ['c', 9, 22.5],
      ['d', 7, 17.5],
      ['e', 4, 10],
    ]);
    expect(status.criticalFindings).toBe(2);
  });

  it('measures the exemption-adjusted score unless the target says raw', () => {
    const controls = [control('a', 10, true), control('b', 10, false, true)];
    const input = {
      earned: 10,
      adjustedEarned: 20,
      possible: 20,
      counts: { critical: 0, high: 0, medium: 0, low: 0 },
      controls,
    };
    expect(evaluateTarget(target, input)).toMatchObject({
      met: true,
      reasons: [],
      pointsToGain: [],
    });
    const [raw] = parseTargets([{ minPercent: 90, score: 'raw' }]);
    const missed = evaluateTarget(raw, input);
    expect(missed.met).toBe(false);
    expect(missed.pointsToGain.map(p => p.control)).toEqual(['b']);
  });

  it('does not call a posture without evidence met', () => {
    const status = evaluateTarget(target, {
      earned: 0,
      adjustedEarned: 0,
      possible: 0,
      counts: { critical: 0, high: 0, medium: 0, low: 0 },
    });
    expect(status.met).toBe(false);
    expect(status.reasons[0]).toContain('nothing was evaluated');
  });

  it('compares as the score is shown (one decimal)', () => {
    // 899/1000 = 89.9% misses 90%; 8995/10000 rounds to 90.0% and meets it.
    const one = [control('x', 1, false)];
    expect(
      pointsToReach(90, 899, 1000, one, false).map(p => p.control),
    ).toEqual(['x']);
    expect(pointsToReach(90, 8995, 10000, one, false)).toEqual([]);
    expect(
      evaluateTarget(target, {
        earned: 8995,
        adjustedEarned: 8995,
        possible: 10000,
        counts: { critical: 0, high: 0, medium: 0, low: 0 },
      }).met,
    ).toBe(true);
  });
});

describe('summarizeTeamTargets', () => {
  it('counts the entities that miss their target and flags the team', () => {
    const met = {
      name: 't',
      noCritical: true,
      basis: 'adjusted' as const,
      met: true,
      reasons: [],
      pointsToGain: [],
      criticalFindings: 0,
    };
    const missed = { ...met, met: false, reasons: ['x'] };
    expect(
      summarizeTeamTargets([
        { entityRef: 'component:default/a', target: met },
        { entityRef: 'component:default/b', target: missed },
        { entityRef: 'component:default/c' },
      ]),
    ).toEqual({
      evaluated: 2,
      missed: 1,
      missedEntities: ['component:default/b'],
      outOfTarget: true,
    });
    expect(
      summarizeTeamTargets([{ entityRef: 'component:default/a', target: met }]),
    ).toMatchObject({ missed: 0, outOfTarget: false });
    expect(
      summarizeTeamTargets([{ entityRef: 'component:default/c' }]),
    ).toBeUndefined();
    expect(summarizeTeamTargets([], missed, false)).toEqual({
      evaluated: 0,
      missed: 0,
      own: missed,
      outOfTarget: true,
    });
  });
});
