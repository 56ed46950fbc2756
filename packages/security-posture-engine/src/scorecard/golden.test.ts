import { resolve } from 'node:path';
import { BUILTIN_CHECKS } from '../checks/builtin';
import type { Resource } from '../model/resource';
import { defaultNormalizers } from '../scan/normalizers';
import { scanPaths, type ScanError } from '../scan/scan';
import { createPostureEngine } from './engine';

const FIXTURE = resolve(__dirname, '__fixtures__/golden');
const NOW = new Date('2025-06-01T00:00:00Z');

async function scanFixture() {
  const resources: Resource[] = [];
  const errors: ScanError[] = [];
  for await (const file of scanPaths([FIXTURE], {
    normalizers: defaultNormalizers,
  })) {
    resources.push(...file.resources);
    errors.push(...file.errors);
  }
  return { resources, errors };
}

const ratios = (
  categories: Array<{ id: string; earned: number; possible: number }>,
) =>
  Object.fromEntries(categories.map(c => [c.id, `${c.earned}/${c.possible}`]));

/**
 * The seed scorecard (DESIGN §2), reproduced from real resources — a Terraform
 * state and Kubernetes manifests read by the real scanner and normalisers — with
 * the built-in checks, the default configuration and no exemption. Only egress
 * filtering and data classification fail.
 */
describe('golden scorecard', () => {
  it('reproduces 31/31, 26/32, 26/33, 31/31 = 114/127 (89.8%)', async () => {
    const { resources, errors } = await scanFixture();
    expect(errors).toEqual([]);
    const engine = createPostureEngine({ checks: BUILTIN_CHECKS });
    const { score, findings } = engine.assess(resources, { now: NOW });

    expect(ratios(score.categories)).toEqual({
      identity_and_access: '31/31',
      network: '26/32',
      data: '26/33',
      compute: '31/31',
    });
    expect(score.score).toEqual({ earned: 114, possible: 127, percent: 89.8 });
    // Nothing is exempted, so the adjusted score is the raw one.
    expect(score.adjustedScore).toEqual(score.score);
    expect(findings.filter(f => f.status === 'exempted')).toEqual([]);
    expect(score.coverage).toBe(1);
    // every control had evidence; exactly the two seed controls fail
    expect(score.controls.every(c => c.passed > 0 || c.failed > 0)).toBe(true);
    expect(
      score.controls.filter(c => c.status === 'fail').map(c => c.id),
    ).toEqual(['egress_filtered', 'sensitive_data_classified']);
    // The administrator (a human IAM user with AdministratorAccess and MFA) is
    // the evidence of mfa_enabled_all_admins.
    expect(
      score.controls.find(c => c.id === 'mfa_enabled_all_admins'),
    ).toMatchObject({ status: 'pass', passed: 1 });
    expect(score.pointsToGain.map(p => [p.control, p.points])).toEqual([
      ['sensitive_data_classified', 7],
      ['egress_filtered', 6],
    ]);
  });

  it('finds exactly the egress and classification gaps of the fixture', async () => {
    const { resources } = await scanFixture();
    const engine = createPostureEngine({ checks: BUILTIN_CHECKS });
    const { findings } = engine.assess(resources, { now: NOW });
    const failing = findings.filter(f => f.status === 'fail');
    expect(new Set(failing.map(f => f.control))).toEqual(
      new Set(['egress_filtered', 'sensitive_data_classified']),
    );
    expect(
      failing
        .filter(f => f.control === 'egress_filtered')
        .map(f => [f.checkId, f.resource.kind, f.resource.name])
        .sort(),
    ).toEqual([
      ['aws-ec2-sg-unrestricted-egress', 'aws_security_group', 'orders-db'],
      ['k8s-namespace-egress-restricted', 'Namespace', 'orders'],
    ]);
  });
});
