import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import {
  BUILTIN_CHECKS,
  resolveControls,
} from '@internal/security-posture-engine';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckCatalogue, policyDirectorySource } from './checks/CheckCatalogue';
import { readSecurityPostureConfig } from './config';

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-readiness-probes
  annotations:
    policies.kyverno.io/title: Require readiness probes
    policies.kyverno.io/category: Team Standards
    policies.kyverno.io/severity: medium
spec:
  rules:
    - name: require-readiness-probe
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: Every container needs a readinessProbe.
        pattern:
          spec:
            containers:
              - readinessProbe:
                  periodSeconds: '>0'
`;

function config(kyvernoMapping: JsonValue | undefined) {
  return new ConfigReader({
    securityPosture: {
      policies: {
        directories: [],
        ...(kyvernoMapping === undefined ? {} : { kyvernoMapping }),
      },
    },
  });
}

describe('securityPosture.policies.kyvernoMapping', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'sp-kyverno-mapping-'));
    await fs.writeFile(join(dir, 'probes.yaml'), POLICY);
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function controlsOfPolicyChecks(kyvernoMapping: JsonValue | undefined) {
    const parsed = readSecurityPostureConfig(config(kyvernoMapping));
    const catalogue = new CheckCatalogue({
      logger: mockServices.logger.mock(),
      builtin: BUILTIN_CHECKS,
      extra: [],
      sources: [
        policyDirectorySource(
          dir,
          resolveControls(parsed.scoring),
          parsed.policies.kyvernoMapping,
        ),
      ],
      scoring: parsed.scoring,
    });
    const engine = await catalogue.load();
    return engine.checks
      .filter(c => c.origin === 'kyverno')
      .map(c => [c.id, c.category, c.control, c.weight]);
  }

  it('puts a policy named in the mapping into its control, with its weight', async () => {
    expect(
      await controlsOfPolicyChecks({
        policies: {
          'require-readiness-probes': {
            category: 'compute',
            control: 'resource_limits_enforced',
            weight: 4,
          },
        },
      }),
    ).toEqual([
      [
        'kyverno:require-readiness-probes/require-readiness-probe',
        'compute',
        'resource_limits_enforced',
        4,
      ],
      [
        'kyverno:require-readiness-probes/autogen-require-readiness-probe',
        'compute',
        'resource_limits_enforced',
        4,
      ],
      [
        'kyverno:require-readiness-probes/autogen-cronjob-require-readiness-probe',
        'compute',
        'resource_limits_enforced',
        4,
      ],
    ]);
  });

  it('matches rules over the category annotation before the defaults', async () => {
    const checks = await controlsOfPolicyChecks({
      rules: [
        {
          categoryPattern: '^team',
          category: 'identity_and_access',
          control: 'service_accounts_audited',
        },
      ],
    });
    expect(new Set(checks.map(c => c[2]))).toEqual(
      new Set(['service_accounts_audited']),
    );
  });

  it('falls back to the built-in default mapping without configuration', async () => {
    const checks = await controlsOfPolicyChecks(undefined);
    expect(new Set(checks.map(c => c[2]))).toEqual(
      new Set(['pod_security_standards']),
    );
  });

  it('refuses unknown controls, controls of another category and bad patterns', () => {
    expect(() =>
      readSecurityPostureConfig(
        config({
          policies: { p: { category: 'compute', control: 'no_such_control' } },
        }),
      ),
    ).toThrow(
      "securityPosture.policies.kyvernoMapping.policies.p.control 'no_such_control' is not a scorecard control",
    );
    expect(() =>
      readSecurityPostureConfig(
        config({
          policies: {
            p: { category: 'network', control: 'pod_security_standards' },
          },
        }),
      ),
    ).toThrow("control 'pod_security_standards' belongs to category 'compute'");
    expect(() =>
      readSecurityPostureConfig(
        config({
          rules: [
            { match: '(', category: 'compute', control: 'images_scanned' },
          ],
        }),
      ),
    ).toThrow('rules[0].match is not a valid regular expression');
    expect(() =>
      readSecurityPostureConfig(
        config({ rules: [{ category: 'compute', control: 'images_scanned' }] }),
      ),
    ).toThrow('rules[0] needs categoryPattern or match');
  });
});

describe('securityPosture.providers.manifests.readCacheEntries', () => {
  const read = (readCacheEntries?: number) =>
    readSecurityPostureConfig(
      new ConfigReader({
        securityPosture: {
          providers: {
            manifests:
              readCacheEntries === undefined ? {} : { readCacheEntries },
          },
        },
      }),
    ).providers.manifests.readCacheEntries;

  it('defaults to 1,000 remembered reads, and 0 turns the cache off', () => {
    expect(read()).toBe(1000);
    expect(read(0)).toBe(0);
    expect(read(25)).toBe(25);
  });

  it('refuses a negative or fractional size with the key in the message', () => {
    expect(() => read(-1)).toThrow(
      'securityPosture: readCacheEntries must be a whole number >= 0, got -1',
    );
    expect(() => read(1.5)).toThrow(/readCacheEntries must be a whole number/);
  });
});
