import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parseAllDocuments, stringify } from 'yaml';
import { ConfigReader } from '@backstage/config';
import {
  mapFindings,
  parseSarif,
  readSarifProviderConfig,
} from '@internal/backstage-plugin-security-posture-backend-module-sarif';
import {
  DEFAULT_MAPPING,
  ResultMapping,
  readReport,
} from '@internal/backstage-plugin-security-posture-backend-module-policy-reports';
import { resolveControls } from '@internal/security-posture-engine';
import { runTarget } from './targets';

/**
 * A deterministic sweep next to the random fuzzing: in real documents (the
 * demo's manifests, plans, states, AWS Config items and policies, and the
 * fixtures) every value, one at a time, is replaced by a mapping whose
 * `toString`, `valueOf` and `toJSON` keys are plain strings, and by a list
 * holding that mapping. Parsed JSON and YAML can hold such a mapping anywhere,
 * and `String(value)` or a template literal throws on it ("Cannot convert
 * object to primitive value"); the random fuzzer found one such place in the
 * Kyverno matcher. Every reader must treat it as the wrong type it is.
 */

jest.setTimeout(600_000);

/** Variants read, by reader: the figures docs/reliability.md quotes. */
const counts = new Map<string, number>();
afterAll(() => {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const lines = [...counts].map(([name, n]) => `${name.padEnd(44)} ${n}`);
  process.stdout.write(
    `\npoisoned sweep: ${total} variants read\n${lines.join('\n')}\n`,
  );
});

const POISON = Object.freeze({
  toString: 'poison',
  valueOf: 'poison',
  toJSON: 'poison',
});

const EXAMPLES = resolvePackagePath(
  '@internal/security-posture-reliability',
  '..',
  '..',
  'examples',
);

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap(name => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return filesUnder(full, ext);
      return ext.test(name) ? [full] : [];
    });
}

function yamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map(d => ('toJS' in d ? d.toJS() : undefined))
    .filter(d => d !== null && d !== undefined);
}

type PathKey = string | number;

/** Every path to a value in a JSON document (the root included). */
function valuePaths(value: unknown, prefix: PathKey[] = []): PathKey[][] {
  const out: PathKey[][] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...valuePaths(v, [...prefix, i])));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(...valuePaths(v, [...prefix, k]));
    }
  }
  return out;
}

/** The mapping, or a list holding it (`${list}` joins its items as text). */
const POISONS: Array<() => unknown> = [
  () => ({ ...POISON }),
  () => [{ ...POISON }],
];

/** A copy of the document with the value at `at` replaced. */
function poisoned(doc: unknown, at: PathKey[], poison: unknown): unknown {
  if (at.length === 0) return poison;
  const copy = structuredClone(doc) as Record<PathKey, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as typeof node;
  node[at[at.length - 1]] = poison;
  return copy;
}

/** Every poisoned variant of a document. */
function* variants(doc: unknown): Generator<[string, unknown]> {
  for (const at of valuePaths(doc)) {
    for (const poison of POISONS) {
      yield [at.join('.'), poisoned(doc, at, poison())];
    }
  }
}

/**
 * Runs `read` on every poisoned variant of every document and expects none to
 * throw. `read` returns how much it produced; on the documents themselves that
 * must add up to something, so the sweep reaches the readers instead of an
 * early refusal.
 */
function expectSweepClean(
  docs: unknown[],
  read: (doc: unknown, index: number) => number,
) {
  // One line per distinct failure: the message and the first frame in our code.
  const failures = new Map<string, string>();
  let produced = 0;
  const name = (expect.getState().currentTestName ?? '').replace(
    /^.*poisoned (mapping|value) /,
    '',
  );
  docs.forEach((doc, index) => {
    produced += read(doc, index);
    for (const [at, variant] of variants(doc)) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      try {
        read(variant, index);
      } catch (e) {
        const text = e instanceof Error ? e.stack ?? e.message : String(e);
        const [message, ...frames] = text.split('\n');
        const frame = frames.find(f => !f.includes('<anonymous>')) ?? '';
        const key = `${message} ${frame.trim()}`;
        if (!failures.has(key)) failures.set(key, at || '(root)');
      }
    }
  });
  expect(produced).toBeGreaterThan(0);
  expect(
    [...failures].slice(0, 40).map(([key, at]) => `${key}, first at ${at}`),
  ).toEqual([]);
}

/** The sweep through one fuzz target (its invariants included). */
function expectEveryVariantClean(
  target: string,
  docs: unknown[],
  input: (variant: unknown, index: number) => unknown,
): void {
  expectSweepClean(docs, (doc, index) => {
    const outcome = runTarget(target, input(doc, index));
    if (outcome.kind !== 'ok') throw new Error(outcome.message);
    return outcome.summary.produced;
  });
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The demo's resource files, read once. */
const resourceFiles = filesUnder(path.join(EXAMPLES, 'resources'), /./);
const resources = (pattern: RegExp) =>
  resourceFiles.filter(f => pattern.test(f));

const kubernetesDocs = [
  ...resources(/\.ya?ml$/).flatMap(yamlDocuments),
  ...resources(/kubectl-get\.json$/).map(readJson),
];
const terraformDocs = resources(/\/(plan|state)\.json$/).map(readJson);
/** AWS Config items of the demo and of the engine's fixtures, unwrapped. */
const awsConfigDocs = [
  ...resources(/aws-config\/.*\.json$/),
  ...filesUnder(
    resolvePackagePath(
      '@internal/security-posture-engine',
      'src/aws/__fixtures__/aws-config',
    ),
    /\.json$/,
  ),
].map(f => {
  const doc = readJson(f) as Record<string, unknown>;
  if (Array.isArray(doc.Results)) {
    return doc.Results.map(r => JSON.parse(r as string));
  }
  return doc.baseConfigurationItems ?? doc.configurationItems ?? doc;
});
const policyDocs = filesUnder(
  path.join(EXAMPLES, 'policies'),
  /\.ya?ml$/,
).flatMap(yamlDocuments);

/** A Kyverno policy with a selector, annotations and the podSecurity subrule. */
const KYVERNO_POLICY = {
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: {
    name: 'poison-sweep',
    annotations: {
      'policies.kyverno.io/title': 'Sweep',
      'policies.kyverno.io/category': 'Pod Security Standards (Restricted)',
      'policies.kyverno.io/severity': 'high',
      'policies.kyverno.io/description': 'Exercises every reader.',
    },
  },
  spec: {
    validationFailureAction: 'Audit',
    rules: [
      {
        name: 'restricted',
        match: {
          any: [
            {
              resources: {
                kinds: ['Pod'],
                selector: { matchLabels: { app: '*' } },
                annotations: { 'team/*': '?*' },
              },
            },
          ],
        },
        exclude: { any: [{ resources: { namespaces: ['kube-system'] } }] },
        validate: {
          podSecurity: {
            level: 'restricted',
            version: 'latest',
            exclude: [{ controlName: 'Capabilities', images: ['nginx*'] }],
          },
        },
      },
      {
        name: 'limits',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        preconditions: {
          all: [
            {
              key: '{{ request.object.metadata.labels.tier || "" }}',
              operator: 'AnyIn',
              value: ['web', 'api'],
            },
          ],
        },
        validate: {
          message: 'containers of {{ request.object.metadata.name }}',
          foreach: [
            {
              list: 'request.object.spec.containers',
              deny: {
                conditions: {
                  any: [
                    {
                      key: '{{ element.resources.limits.memory || "" }}',
                      operator: 'Equals',
                      value: '',
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    ],
  },
};

/** The demo's policies and the one above. */
const policies = [...policyDocs, KYVERNO_POLICY];

/** An exemptions file as documented (docs and the exemptions parser's tests). */
const EXEMPTIONS = {
  apiVersion: 'security-posture.backstage.io/v1alpha1',
  kind: 'Exemptions',
  exemptions: [
    {
      check: 'k8s-egress-restricted',
      entity: 'component:default/payments',
      resource: 'payments-*',
      reason: 'Egress proxy rollout',
      approver: 'alice@example.com',
      ticket: 'SEC-123',
      expires: '2025-12-31',
    },
  ],
};

/** A scoring file with every section. */
const SCORING = {
  mode: 'strict',
  controls: {
    egress_filtered: { weight: 8, mode: 'proportional', enabled: true },
    sbom_published: {
      title: 'SBOM published',
      category: 'data',
      weight: 2,
      description: 'A new control.',
    },
  },
  checks: {
    'k8s-privileged-container': {
      enabled: true,
      severity: 'critical',
      control: 'egress_filtered',
      weight: 2,
      remediationUrl: 'https://example.com/fix',
      remediationText: 'Drop privileged.',
    },
  },
};

describe('every value of real documents replaced by a poisoned mapping', () => {
  it('has documents to sweep', () => {
    expect(kubernetesDocs.length).toBeGreaterThan(10);
    expect(terraformDocs.length).toBeGreaterThan(3);
    expect(awsConfigDocs.length).toBeGreaterThan(0);
    expect(policyDocs.length).toBeGreaterThan(1);
  });

  it('Kubernetes normaliser', () => {
    expectEveryVariantClean('kubernetes', kubernetesDocs, v => [v]);
  });

  it('assessed with every built-in check', () => {
    expectEveryVariantClean('assess', kubernetesDocs, v => ({
      objects: [v],
      expression: 'object.kind != ""',
      variable: 'object.metadata.name',
    }));
  });

  it('Terraform normaliser', () => {
    expectEveryVariantClean('terraform', terraformDocs, v => v);
  });

  it('AWS Config normaliser', () => {
    expectEveryVariantClean('aws-config', awsConfigDocs, v => v);
  });

  it('Kyverno and CEL policy loaders', () => {
    expectEveryVariantClean('kyverno-load', policies, v => stringify(v));
    expectEveryVariantClean('policy-load', policies, v => stringify(v));
  });

  it('exemption and scoring files', () => {
    expectEveryVariantClean('exemptions', [EXEMPTIONS], v => stringify(v));
    expectEveryVariantClean('scoring', [SCORING], v => stringify(v));
  });

  it('Kyverno evaluation: poisoned policies on real objects', () => {
    const pods = kubernetesDocs.filter(
      d => (d as { kind?: unknown }).kind === 'Deployment',
    );
    expect(pods.length).toBeGreaterThan(0);
    expectEveryVariantClean('kyverno-eval', policies, v => ({
      policy: stringify(v),
      objects: pods.slice(0, 2),
    }));
  });

  it('Kyverno evaluation: real policies on poisoned objects', () => {
    const policy = policies.map(p => stringify(p)).join('---\n');
    expectEveryVariantClean('kyverno-eval', kubernetesDocs, v => ({
      policy,
      objects: [v],
    }));
  });
});

describe("other scanners' reports with a poisoned value", () => {
  it('SARIF documents, parsed and mapped onto the scorecard', () => {
    const files = [
      ...resources(/\.sarif$/),
      ...filesUnder(
        resolvePackagePath(
          '@internal/backstage-plugin-security-posture-backend-module-sarif',
          'src/__fixtures__',
        ),
        /\.sarif$/,
      ),
    ];
    expect(files.length).toBeGreaterThan(1);
    const { mapping } = readSarifProviderConfig(new ConfigReader({}));
    expectSweepClean(files.map(readJson), doc => {
      const parsed = parseSarif(JSON.stringify(doc));
      const mapped = mapFindings(
        [{ file: 'x.sarif', parsed }],
        mapping,
        'sarif',
      );
      JSON.stringify(mapped);
      return parsed.results.length;
    });
  });

  it('PolicyReports of Kyverno and Kubescape, read and mapped', () => {
    const mapping = new ResultMapping(DEFAULT_MAPPING, resolveControls(), {
      warnAs: 'fail',
      userRules: 0,
    });
    const reports = readJson(
      path.join(__dirname, '__fixtures__', 'policy-reports.json'),
    ) as unknown[];
    expectSweepClean(reports, report => {
      const { entries } = readReport(report as Record<string, unknown>);
      const mapped = entries.map(e => mapping.map(e));
      JSON.stringify(mapped);
      return mapped.filter(Boolean).length;
    });
  });
});
