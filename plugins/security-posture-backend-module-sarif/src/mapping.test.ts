import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  createPostureEngine,
  DEFAULT_CONTROLS,
  validateCatalog,
} from '@internal/security-posture-engine';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSarifProviderConfig } from './config';
import { createSarifChecks, mapFindings, SARIF_RESULT_TYPE } from './findings';
import { severityOf } from './mapping';
import { parseSarif, type SarifResultRecord } from './sarif';

const fixture = (name: string) =>
  parseSarif(readFileSync(join(__dirname, '__fixtures__', name), 'utf8'));

const config = (sarif: JsonObject = {}, scoring: JsonObject = {}) =>
  readSarifProviderConfig(
    new ConfigReader({
      securityPosture: { providers: { sarif }, scoring },
    }),
  );

function targets(file: string, sarif: JsonObject = {}) {
  const { mapping } = config(sarif);
  return Object.fromEntries(
    fixture(file).results.map(r => {
      const t = mapping.resolve(r);
      return [
        r.ruleId,
        typeof t === 'object' ? `${t.control}/${t.severity}` : t ?? 'unmapped',
      ];
    }),
  );
}

describe('default mapping', () => {
  it('maps tfsec results by the words of their rules, severity from the level', () => {
    expect(targets('tfsec.sarif')).toEqual({
      'aws-s3-enable-bucket-encryption': 'encryption_at_rest/high',
      'aws-s3-block-public-acls': 'no_public_databases/high',
      'aws-s3-enable-bucket-logging': 'service_accounts_audited/medium',
      'aws-ec2-no-public-ingress-sgr': 'deny_default_network_policies/high',
      'aws-ec2-no-public-egress-sgr': 'egress_filtered/high',
    });
  });

  it('maps Trivy misconfigurations, secrets and vulnerabilities, severity from security-severity', () => {
    expect(targets('trivy.sarif')).toEqual({
      'AVD-AWS-0086': 'no_public_databases/high',
      'AVD-AWS-0088': 'encryption_at_rest/high',
      'AVD-AWS-0107': 'deny_default_network_policies/critical',
      'AVD-KSV-0017': 'no_privileged_containers/high',
      'AVD-KSV-0011': 'resource_limits_enforced/low',
      'aws-access-key-id': 'sensitive_data_classified/critical',
      'CVE-2024-4068': 'images_scanned/high',
    });
  });

  it('maps Checkov results and leaves rules it cannot place unmapped', () => {
    expect(targets('checkov.sarif')).toEqual({
      CKV_AWS_19: 'encryption_at_rest/high',
      CKV_AWS_18: 'service_accounts_audited/high',
      CKV_K8S_16: 'no_privileged_containers/high',
      CKV_K8S_11: 'resource_limits_enforced/high',
      CKV_K8S_21: 'unmapped',
      CKV_K8S_43: 'images_scanned/high',
    });
  });
});

describe('the demo estate', () => {
  it('maps the ledger-service Checkov report as examples/resources/payments/ci-reports/README.md says', () => {
    const { mapping } = config();
    const report = parseSarif(
      readFileSync(
        join(
          __dirname,
          '../../../examples/resources/payments/ci-reports/ledger-service/checkov.sarif',
        ),
        'utf8',
      ),
    );
    expect(
      report.results.map(r => {
        const t = mapping.resolve(r);
        return [
          r.ruleId,
          typeof t === 'object' ? `${t.control}/${t.severity}` : 'unmapped',
        ];
      }),
    ).toEqual([
      ['CKV_K8S_11', 'resource_limits_enforced/medium'],
      ['CKV_K8S_43', 'images_scanned/medium'],
      ['CKV_K8S_15', 'images_scanned/low'],
      ['CKV_K8S_8', 'unmapped'],
    ]);
    expect(report.results[0].locations).toEqual([
      {
        uri: 'resources/payments/ledger-service/ledger-service.yaml',
        startLine: 44,
        endLine: 115,
      },
    ]);
  });
});

describe('configured mapping', () => {
  it('tries configured rules first: by tool and rule id, by tag, by level, or ignores', () => {
    expect(
      targets('checkov.sarif', {
        mapping: [
          {
            match: { tool: 'checkov', ruleId: 'CKV_K8S_21' },
            control: 'pod_security_standards',
            severity: 'low',
          },
          {
            match: { tool: 'check*', ruleId: ['CKV_AWS_17', 'CKV_AWS_18'] },
            ignore: true,
          },
        ],
      }),
    ).toMatchObject({
      CKV_K8S_21: 'pod_security_standards/low',
      CKV_AWS_18: 'ignored',
      CKV_AWS_19: 'encryption_at_rest/high',
    });
    expect(
      targets('trivy.sarif', {
        mapping: [
          {
            match: { tag: 'vulnerability', level: ['error'] },
            category: 'compute',
            severity: 'critical',
          },
        ],
      })['CVE-2024-4068'],
    ).toBe('pod_security_standards/critical');
  });

  it('sends a category-only rule to the category’s default control', () => {
    expect(
      targets('checkov.sarif', {
        mapping: [{ match: { ruleId: 'CKV_K8S_21' }, category: 'data' }],
      }).CKV_K8S_21,
    ).toBe('sensitive_data_classified/high');
  });

  it('can switch the defaults off', () => {
    expect(
      targets('tfsec.sarif', {
        useDefaultMapping: false,
        mapping: [
          { match: { ruleId: 'aws-s3-*' }, control: 'encryption_at_rest' },
        ],
      }),
    ).toEqual({
      'aws-s3-enable-bucket-encryption': 'encryption_at_rest/high',
      'aws-s3-block-public-acls': 'encryption_at_rest/high',
      'aws-s3-enable-bucket-logging': 'encryption_at_rest/medium',
      'aws-ec2-no-public-ingress-sgr': 'unmapped',
      'aws-ec2-no-public-egress-sgr': 'unmapped',
    });
  });

  it('feeds extra controls of the scoring configuration', () => {
    const { mapping } = readSarifProviderConfig(
      new ConfigReader({
        securityPosture: {
          scoring: {
            controls: {
              supply_chain: {
                category: 'compute',
                weight: 5,
                title: 'Supply chain',
              },
            },
          },
          providers: {
            sarif: {
              mapping: [
                { match: { tag: 'vulnerability' }, control: 'supply_chain' },
              ],
            },
          },
        },
      }),
    );
    const cve = fixture('trivy.sarif').results.find(
      r => r.ruleId === 'CVE-2024-4068',
    )!;
    expect(mapping.resolve(cve)).toEqual({
      control: 'supply_chain',
      category: 'compute',
      severity: 'high',
    });
  });

  it('skips the defaults feeding a control the scorecard disabled', () => {
    const { mapping, warnings } = config(
      {
        mapping: [
          {
            match: { tool: 'tfsec', text: 'logging' },
            control: 'service_accounts_audited',
          },
        ],
      },
      { controls: { service_accounts_audited: { enabled: false } } },
    );
    expect(warnings[0]).toMatch(/disabled in securityPosture.scoring/);
    const logging = fixture('tfsec.sarif').results.find(
      r => r.ruleId === 'aws-s3-enable-bucket-logging',
    )!;
    expect(mapping.resolve(logging)).toBeUndefined();
  });

  it.each([
    [
      { mapping: [{ control: 'encryption_at_rest' }] },
      /match matches every result/,
    ],
    [
      { mapping: [{ match: { tool: [] }, control: 'encryption_at_rest' }] },
      /a pattern or a list of patterns/,
    ],
    [{ mapping: [{ match: { tool: 'x' } }] }, /needs a control or a category/],
    [
      { mapping: [{ match: { tool: 'x' }, control: 'nope' }] },
      /"nope" is not a scorecard control/,
    ],
    [
      {
        mapping: [
          {
            match: { tool: 'x' },
            control: 'encryption_at_rest',
            category: 'network',
          },
        ],
      },
      /is in category data, not network/,
    ],
    [
      {
        mapping: [
          {
            match: { tool: 'x' },
            control: 'encryption_at_rest',
            severity: 'urgent',
          },
        ],
      },
      /"urgent" is not one of/,
    ],
    [
      {
        mapping: [
          {
            match: { tool: 'x', level: 'fatal' },
            control: 'encryption_at_rest',
          },
        ],
      },
      /"fatal" is not one of/,
    ],
    [
      { mapping: [{ match: { text: '(' }, control: 'encryption_at_rest' }] },
      /mapping\[0\]\.match\.text is not a valid regular expression/,
    ],
    [
      { remediationUrl: 'ftp://docs.example.com/scanners' },
      /must be an http\(s\) URL/,
    ],
  ])('rejects %j', (sarif, message) => {
    expect(() => config(sarif as JsonObject)).toThrow(message);
  });
});

describe('aggregation', () => {
  it('makes one finding per tool, control and file for vulnerability results, at the worst severity', () => {
    const sarif = config();
    const doc = JSON.parse(
      readFileSync(join(__dirname, '__fixtures__', 'trivy.sarif'), 'utf8'),
    );
    const run = doc.runs[0];
    const cve = run.rules ?? run.tool.driver.rules;
    const rule = cve.find((r: any) => r.id === 'CVE-2024-4068');
    cve.push({
      ...rule,
      id: 'CVE-2024-21538',
      properties: { ...rule.properties, 'security-severity': '9.8' },
    });
    const result = run.results.find((r: any) => r.ruleId === 'CVE-2024-4068');
    run.results.push({
      ...result,
      ruleId: 'CVE-2024-21538',
      ruleIndex: cve.length - 1,
    });
    const mapped = mapFindings(
      [{ file: 'trivy.sarif', parsed: parseSarif(JSON.stringify(doc)) }],
      sarif.mapping,
      'sarif',
    );
    const images = mapped.resources.filter(
      r => r.attributes.control === 'images_scanned',
    );
    expect(images).toHaveLength(1);
    expect(images[0].uid).toBe('sarif:trivy/images_scanned@package-lock.json');
    expect(images[0].attributes).toMatchObject({
      checkId: 'sarif-images_scanned-critical',
      severity: 'critical',
      resultCount: 2,
      rules: [
        { ruleId: 'CVE-2024-21538', severity: 'critical' },
        { ruleId: 'CVE-2024-4068', severity: 'high' },
      ],
      failMessage:
        'Trivy: 2 rule(s) failing on package-lock.json: CVE-2024-21538 (critical), CVE-2024-4068 (high)',
    });
  });
});

describe('severityOf', () => {
  const record = (over: Partial<SarifResultRecord>): SarifResultRecord => ({
    tool: 't',
    ruleId: 'r',
    title: 'r',
    ruleText: 'r',
    tags: [],
    level: 'warning',
    outcome: 'fail',
    message: 'm',
    uri: 'f',
    locations: [],
    ...over,
  });

  it('uses security-severity bands, then severity tags, then the level', () => {
    expect(severityOf(record({ securitySeverity: 9.0 }))).toBe('critical');
    expect(severityOf(record({ securitySeverity: 8.9 }))).toBe('high');
    expect(severityOf(record({ securitySeverity: 6.9 }))).toBe('medium');
    expect(severityOf(record({ securitySeverity: 3.9 }))).toBe('low');
    expect(
      severityOf(record({ tags: ['security', 'MEDIUM'], level: 'error' })),
    ).toBe('medium');
    expect(severityOf(record({ level: 'error' }))).toBe('high');
    expect(severityOf(record({ level: 'note' }))).toBe('low');
  });
});

describe('generated checks', () => {
  it('are a valid catalogue: one per control and severity, in the control’s category', () => {
    const { mapping, controlTitles, remediationUrl } = config();
    const checks = createSarifChecks(mapping, {
      controlTitles,
      remediationUrl,
    });
    expect(validateCatalog(checks, DEFAULT_CONTROLS)).toEqual([]);
    expect(checks.map(c => c.id)).toContain('sarif-encryption_at_rest-high');
    expect(checks.map(c => c.id)).toContain('sarif-images_scanned-critical');
    for (const c of checks) {
      expect(c.appliesTo).toEqual([SARIF_RESULT_TYPE]);
      expect(c.origin).toBe('import');
    }
    expect(new Set(checks.map(c => c.control)).size).toBe(16);
  });

  it('score imported findings with the built-in scorecard', () => {
    const sarif = config();
    const checks = createSarifChecks(sarif.mapping, {
      controlTitles: sarif.controlTitles,
      remediationUrl: sarif.remediationUrl,
    });
    const mapped = mapFindings(
      [
        { file: 'reports/tfsec.sarif', parsed: fixture('tfsec.sarif') },
        { file: 'reports/checkov.sarif', parsed: fixture('checkov.sarif') },
      ],
      sarif.mapping,
      'sarif',
    );
    // tfsec: 5 rules (the two encryption results on one file are one finding).
    // Checkov: 5 mapped rules, CKV_K8S_21 unmapped.
    expect(mapped.resources).toHaveLength(10);
    expect(mapped.unmapped).toEqual(new Map([['Checkov CKV_K8S_21', 1]]));
    const encryption = mapped.resources.find(
      r =>
        r.uid === 'sarif:tfsec/aws-s3-enable-bucket-encryption@terraform/s3.tf',
    )!;
    expect(encryption.attributes).toMatchObject({
      resultCount: 2,
      severity: 'high',
      failMessage:
        'tfsec: aws-s3-enable-bucket-encryption on terraform/s3.tf — Unencrypted S3 bucket. (Bucket does not have encryption enabled) [2 results]',
    });
    expect(encryption.attributes.evidence).toEqual([
      {
        path: 'terraform/s3.tf:1-4',
        value:
          'aws-s3-enable-bucket-encryption: Bucket does not have encryption enabled',
      },
      {
        path: 'terraform/s3.tf:20-23',
        value:
          'aws-s3-enable-bucket-encryption: Bucket does not have encryption enabled',
      },
      {
        path: 'rule.helpUri',
        value:
          'https://aquasecurity.github.io/tfsec/v1.28.11/checks/aws/s3/enable-bucket-encryption/',
      },
    ]);

    const engine = createPostureEngine({ checks });
    const assessment = engine.assess(mapped.resources);
    const findings = assessment.findings;
    expect(findings).toHaveLength(10);
    expect(findings.find(f => f.resource.uid === encryption.uid)).toMatchObject(
      {
        checkId: 'sarif-encryption_at_rest-high',
        category: 'data',
        control: 'encryption_at_rest',
        severity: 'high',
        status: 'fail',
      },
    );
    const failed = assessment.score.controls
      .filter(c => c.status === 'fail')
      .map(c => c.id)
      .sort();
    expect(failed).toEqual(
      [
        'deny_default_network_policies',
        'egress_filtered',
        'encryption_at_rest',
        'images_scanned',
        'no_privileged_containers',
        'no_public_databases',
        'resource_limits_enforced',
        'service_accounts_audited',
      ].sort(),
    );
    // No evidence for the others: not applicable, never a pass by absence.
    expect(assessment.score.controls.filter(c => c.status === 'pass')).toEqual(
      [],
    );
  });
});
