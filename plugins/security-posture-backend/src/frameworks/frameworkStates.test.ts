import {
  entityFrameworkStates,
  mappedControlCounts,
  mergeFrameworkStates,
  parseFrameworkStates,
  summarizeFrameworks,
  type FrameworkMappedCheck,
} from './frameworkStates';

/**
 * Three checks share NIST AC-6; the privileged check also evidences CIS
 * Kubernetes 5.2.1 and the encryption check NIST SC-28 and PCI DSS 3.5.1.
 */
const CHECKS: FrameworkMappedCheck[] = [
  {
    id: 'privileged',
    frameworks: { 'nist-800-53': ['AC-6'], 'cis-kubernetes': ['5.2.1'] },
  },
  { id: 'cluster-admin', frameworks: { 'nist-800-53': ['AC-6', 'AC-2'] } },
  {
    id: 'encrypted',
    frameworks: { 'nist-800-53': ['SC-28'], 'pci-dss': ['3.5.1'] },
  },
  { id: 'unmapped', frameworks: {} },
];

const passed = (...ids: string[]) => new Map(ids.map(id => [id, 1]));

function nist(summary: ReturnType<typeof summarizeFrameworks>) {
  return summary.find(f => f.id === 'nist-800-53')!;
}

describe('framework compliance', () => {
  const mapped = mappedControlCounts(CHECKS);

  it('counts the controls each framework maps, in framework order', () => {
    expect([...mapped]).toEqual([
      ['cis-kubernetes', 1],
      ['nist-800-53', 3],
      ['pci-dss', 1],
    ]);
  });

  it('passes a control only when every check mapped onto it passes', () => {
    // cluster-admin fails: AC-6 and AC-2 fail although privileged passes on AC-6.
    const states = entityFrameworkStates(
      CHECKS,
      passed('privileged', 'encrypted'),
      [{ checkId: 'cluster-admin', status: 'open' }],
    );
    const summary = summarizeFrameworks(states, mapped, { details: true });
    expect(nist(summary)).toMatchObject({
      title: 'NIST SP 800-53',
      mapped: 3,
      evaluated: 3,
      passing: 1,
      failing: 2,
      unknown: 0,
      percent: 33.3,
      adjustedPassing: 1,
      failingControls: [
        { id: 'AC-2', checks: ['cluster-admin'], exempted: false },
        { id: 'AC-6', checks: ['cluster-admin'], exempted: false },
      ],
    });
    expect(summary.find(f => f.id === 'cis-kubernetes')).toMatchObject({
      evaluated: 1,
      passing: 1,
      percent: 100,
    });
  });

  it('leaves out controls no check evaluated, and frameworks with none as null', () => {
    // Only the encryption check ran (no workload, no cluster role).
    const states = entityFrameworkStates(CHECKS, passed('encrypted'), []);
    const summary = summarizeFrameworks(states, mapped);
    expect(nist(summary)).toMatchObject({
      evaluated: 1,
      passing: 1,
      percent: 100,
    });
    expect(summary.find(f => f.id === 'cis-kubernetes')).toMatchObject({
      mapped: 1,
      evaluated: 0,
      percent: null,
      adjustedPercent: null,
    });
    expect(nist(summary).failingControls).toBeUndefined();
  });

  it('counts an exempted failure as failing raw and passing with exemptions', () => {
    const states = entityFrameworkStates(CHECKS, passed('privileged'), [
      { checkId: 'encrypted', status: 'exempted' },
    ]);
    const summary = summarizeFrameworks(states, mapped, { details: true });
    expect(summary.find(f => f.id === 'pci-dss')).toMatchObject({
      evaluated: 1,
      passing: 0,
      failing: 1,
      percent: 0,
      adjustedPassing: 1,
      adjustedPercent: 100,
      failingControls: [{ id: '3.5.1', checks: ['encrypted'], exempted: true }],
    });
  });

  it('keeps a control whose checks only errored out of the share, as unknown', () => {
    const states = entityFrameworkStates(CHECKS, passed('encrypted'), [
      { checkId: 'privileged', status: 'error' },
    ]);
    const summary = summarizeFrameworks(states, mapped);
    expect(summary.find(f => f.id === 'cis-kubernetes')).toMatchObject({
      evaluated: 0,
      unknown: 1,
      percent: null,
    });
    // AC-6: privileged errored, cluster-admin never ran → unknown.
    expect(nist(summary)).toMatchObject({
      evaluated: 1,
      unknown: 1,
      passing: 1,
    });
  });

  it('fails a team control when it fails on any member, and passes it when it passes wherever evaluated', () => {
    const clean = entityFrameworkStates(
      CHECKS,
      passed('privileged', 'cluster-admin', 'encrypted'),
      [],
    );
    const leaky = entityFrameworkStates(CHECKS, passed('privileged'), [
      { checkId: 'encrypted', status: 'open' },
    ]);
    const bucketOnly = entityFrameworkStates(CHECKS, passed('encrypted'), []);
    const alone = nist(summarizeFrameworks(clean, mapped));
    expect(alone.percent).toBe(100);
    const team = mergeFrameworkStates([clean, null, leaky, bucketOnly]);
    const summary = nist(summarizeFrameworks(team, mapped, { details: true }));
    expect(summary).toMatchObject({
      evaluated: 3,
      passing: 2,
      failing: 1,
      percent: 66.7,
      failingControls: [
        { id: 'SC-28', checks: ['encrypted'], exempted: false },
      ],
    });
    // Merging does not change the members' states.
    expect(nist(summarizeFrameworks(clean, mapped)).percent).toBe(100);
    expect(mergeFrameworkStates([null, undefined])).toBeNull();
  });

  it('unites the failing checks of a control over members, and stays exempted only if every failure is', () => {
    const a = entityFrameworkStates(CHECKS, undefined, [
      { checkId: 'privileged', status: 'exempted' },
    ]);
    const b = entityFrameworkStates(CHECKS, undefined, [
      { checkId: 'cluster-admin', status: 'exempted' },
    ]);
    const c = entityFrameworkStates(CHECKS, undefined, [
      { checkId: 'cluster-admin', status: 'open' },
    ]);
    const exemptedOnly = nist(
      summarizeFrameworks(mergeFrameworkStates([a, b]), mapped, {
        details: true,
      }),
    );
    expect(exemptedOnly.failingControls).toContainEqual({
      id: 'AC-6',
      checks: ['cluster-admin', 'privileged'],
      exempted: true,
    });
    const mixed = nist(
      summarizeFrameworks(mergeFrameworkStates([a, c]), mapped, {
        details: true,
      }),
    );
    expect(mixed.failingControls).toContainEqual({
      id: 'AC-6',
      checks: ['cluster-admin', 'privileged'],
      exempted: false,
    });
    expect(mixed.adjustedPassing).toBe(0);
  });

  it('sorts failing controls naturally and round-trips through storage', () => {
    const many: FrameworkMappedCheck[] = ['AC-10', 'AC-2', 'AC-1'].map(id => ({
      id: `check-${id}`,
      frameworks: { 'nist-800-53': [id] },
    }));
    const states = entityFrameworkStates(
      many,
      undefined,
      many.map(c => ({ checkId: c.id, status: 'open' as const })),
    );
    const stored = parseFrameworkStates(JSON.stringify(states));
    expect(stored).toEqual(states);
    const summary = summarizeFrameworks(stored, mappedControlCounts(many), {
      details: true,
    });
    expect(summary[0].failingControls!.map(c => c.id)).toEqual([
      'AC-1',
      'AC-2',
      'AC-10',
    ]);
  });

  it('reads broken or foreign stored values as nothing', () => {
    expect(parseFrameworkStates(null)).toBeNull();
    expect(parseFrameworkStates('not json')).toBeNull();
    expect(parseFrameworkStates('[1,2]')).toBeNull();
    expect(
      parseFrameworkStates(
        JSON.stringify({
          'nist-800-53': { 'AC-6': { s: 'x' }, 'AC-2': { s: 2, c: ['a', 3] } },
          'made-up': { X: { s: 1 } },
        }),
      ),
    ).toEqual({ 'nist-800-53': { 'AC-2': { s: 2, c: ['a'] } } });
  });
});
