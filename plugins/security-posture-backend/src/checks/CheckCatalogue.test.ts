import { mockServices } from '@backstage/backend-test-utils';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CHECKS } from '../__testUtils__/fixtures';
import { CheckCatalogue, policyDirectorySource } from './CheckCatalogue';

function customCheck(name: string, control = 'resource_limits_enforced') {
  return `apiVersion: security-posture.backstage.io/v1alpha1
kind: CustomCheck
metadata:
  name: ${name}
spec:
  title: Team label
  description: Workloads carry a team label.
  severity: low
  control: ${control}
  remediation:
    text: Add a team label.
    url: https://example.com/runbooks/labels
  match:
    kinds: [Deployment]
  validations:
    - expression: "'team' in object.metadata.labels"
      message: the team label is missing
`;
}

describe('CheckCatalogue', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'sp-policies-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('loads policy folders before every scan and leaves invalid checks out', async () => {
    await fs.writeFile(join(dir, 'labels.yaml'), customCheck('team-label'));
    await fs.writeFile(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    // Same id as a built-in check: left out, the built-in one stays.
    await fs.writeFile(
      join(dir, 'clash.yaml'),
      customCheck('test-no-privileged'),
    );
    const logger = mockServices.logger.mock();
    const catalogue = new CheckCatalogue({
      logger,
      builtin: TEST_CHECKS,
      extra: [],
      sources: [policyDirectorySource(dir)],
      scoring: {},
    });
    const engine = await catalogue.load();
    const ids = engine.checks.map(c => c.id);
    expect(ids).toEqual(
      expect.arrayContaining(['team-label', 'test-no-privileged']),
    );
    expect(engine.checks.find(c => c.id === 'test-no-privileged')?.origin).toBe(
      'builtin',
    );
    expect(engine.checks.find(c => c.id === 'team-label')?.origin).toBe('cel');
    expect(catalogue.problems.join(' ')).toContain(
      'Check test-no-privileged from policies:',
    );
    expect(
      (logger.warn as jest.Mock).mock.calls.map(c => c[0]).join(' '),
    ).toContain('broken.yaml');

    // A policy added later is picked up by the next load, and the model changes.
    await fs.writeFile(join(dir, 'more.yaml'), customCheck('team-label-2'));
    const reloaded = await catalogue.load();
    expect(reloaded.checks.map(c => c.id)).toContain('team-label-2');
    expect(reloaded.modelVersion).not.toBe(engine.modelVersion);
  });

  it('keeps the previous checks of a source that fails, and drops checks naming unknown controls', async () => {
    let fail = false;
    const catalogue = new CheckCatalogue({
      logger: mockServices.logger.mock(),
      builtin: TEST_CHECKS,
      extra: [{ ...TEST_CHECKS[0], id: 'bad-control', control: 'nope' }],
      sources: [
        {
          id: 'remote',
          async loadChecks() {
            if (fail) throw new Error('503 Service Unavailable');
            return [{ ...TEST_CHECKS[1], id: 'remote-encrypted' }];
          },
        },
      ],
      scoring: {},
    });
    expect((await catalogue.load()).checks.map(c => c.id)).toContain(
      'remote-encrypted',
    );
    fail = true;
    const engine = await catalogue.load();
    expect(engine.checks.map(c => c.id)).toContain('remote-encrypted');
    expect(engine.checks.map(c => c.id)).not.toContain('bad-control');
    expect(catalogue.problems.join(' ')).toMatch(
      /remote failed to load.*503.*Check bad-control left out: feeds unknown control/,
    );
  });

  it('applies scoring overrides: disabled checks and changed weights', async () => {
    const catalogue = new CheckCatalogue({
      logger: mockServices.logger.mock(),
      builtin: TEST_CHECKS,
      extra: [],
      sources: [],
      scoring: {
        checks: { 'test-encrypted': { enabled: false } },
        controls: { no_public_databases: { weight: 4 } },
      },
    });
    const engine = await catalogue.load();
    expect(engine.checks.map(c => c.id)).not.toContain('test-encrypted');
    expect(
      engine.controls.find(c => c.id === 'no_public_databases')?.weight,
    ).toBe(4);
  });
});
