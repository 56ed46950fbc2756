import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RESULTS_PER_DOCUMENT, parseSarif } from './sarif';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe('parseSarif', () => {
  it('reads tfsec results with their rules, levels and regions', () => {
    const parsed = parseSarif(fixture('tfsec.sarif'));
    expect(parsed.error).toBeUndefined();
    expect(parsed.tools).toEqual(['tfsec']);
    expect(parsed.results).toHaveLength(6);
    expect(parsed.results[0]).toEqual({
      tool: 'tfsec',
      ruleId: 'aws-s3-enable-bucket-encryption',
      title: 'Unencrypted S3 bucket.',
      ruleText: 'aws-s3-enable-bucket-encryption \n Unencrypted S3 bucket.',
      helpUri:
        'https://aquasecurity.github.io/tfsec/v1.28.11/checks/aws/s3/enable-bucket-encryption/',
      tags: [],
      level: 'error',
      outcome: 'fail',
      message: 'Bucket does not have encryption enabled',
      uri: 'terraform/s3.tf',
      locations: [{ uri: 'terraform/s3.tf', startLine: 1, endLine: 4 }],
    });
    expect(parsed.results.map(r => r.level)).toContain('warning');
  });

  it('reads Trivy rule properties: tags, security-severity and the tool version', () => {
    const parsed = parseSarif(fixture('trivy.sarif'));
    expect(parsed.tools).toEqual(['Trivy 0.58.1']);
    expect(parsed.toolNames).toEqual(['Trivy']);
    const byId = new Map(parsed.results.map(r => [r.ruleId, r]));
    expect(byId.get('AVD-AWS-0107')).toMatchObject({
      tool: 'Trivy',
      toolVersion: '0.58.1',
      ruleName: 'Misconfiguration',
      title: 'An ingress security group rule allows traffic from /0.',
      tags: ['misconfiguration', 'security', 'CRITICAL'],
      securitySeverity: 9.5,
      helpUri: 'https://avd.aquasec.com/misconfig/avd-aws-0107',
      uri: 'terraform/sg.tf',
      locations: [{ uri: 'terraform/sg.tf', startLine: 9, endLine: 9 }],
    });
    expect(byId.get('aws-access-key-id')?.tags).toContain('secret');
    expect(byId.get('CVE-2024-4068')).toMatchObject({
      securitySeverity: 7.5,
      uri: 'package-lock.json',
    });
  });

  it('leaves out results Checkov reports as suppressed in source', () => {
    const parsed = parseSarif(fixture('checkov.sarif'));
    expect(parsed.tools).toEqual(['Checkov 3.2.334']);
    expect(parsed.results.map(r => r.ruleId)).toEqual([
      'CKV_AWS_19',
      'CKV_AWS_18',
      'CKV_K8S_16',
      'CKV_K8S_11',
      'CKV_K8S_21',
      'CKV_K8S_43',
    ]);
    expect(parsed.skipped.suppressed).toBe(1);
    expect(parsed.results[0].helpUri).toBe(
      'https://docs.prismacloud.io/en/enterprise-edition/policy-reference/aws-policies/s3-policies/s3-14-data-encrypted-at-rest',
    );
  });

  const log = (results: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'scanner',
              rules: [{ id: 'R1', defaultConfiguration: { level: 'note' } }],
            },
          },
          results,
          ...extra,
        },
      ],
    });

  it('imports kind pass as passing, skips other kinds, under-review suppressions stay', () => {
    const parsed = parseSarif(
      log([
        { ruleId: 'R1', kind: 'pass', message: { text: 'ok' } },
        { ruleId: 'R1', kind: 'informational', message: { text: 'fyi' } },
        { ruleId: 'R1', kind: 'notApplicable', message: { text: 'n/a' } },
        { ruleId: 'R1', baselineState: 'absent', message: { text: 'gone' } },
        {
          ruleId: 'R1',
          suppressions: [{ kind: 'external', status: 'underReview' }],
          message: { text: 'still counts' },
        },
      ]),
    );
    expect(parsed.results.map(r => [r.message, r.outcome, r.level])).toEqual([
      ['ok', 'pass', 'note'],
      ['still counts', 'fail', 'note'],
    ]);
    expect(parsed.skipped).toEqual({
      suppressed: 0,
      notFailures: 2,
      absent: 1,
    });
  });

  it('finds rules through rule.index and artifacts through artifactLocation.index', () => {
    const parsed = parseSarif(
      log(
        [
          {
            rule: { id: 'R1', index: 0 },
            message: { text: 'indexed' },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { index: 0 },
                  region: { startLine: 7 },
                },
              },
            ],
          },
        ],
        { artifacts: [{ location: { uri: 'src/app%20main.tf' } }] },
      ),
    );
    expect(parsed.results[0]).toMatchObject({
      ruleId: 'R1',
      level: 'note',
      uri: 'src/app main.tf',
      locations: [{ uri: 'src/app main.tf', startLine: 7 }],
    });
  });

  it('reports a run that did not complete', () => {
    const parsed = parseSarif(
      log([], {
        invocations: [
          {
            executionSuccessful: false,
            toolExecutionNotifications: [
              { message: { text: 'parse error in main.tf' } },
            ],
          },
        ],
      }),
    );
    expect(parsed.warnings).toEqual([
      'scanner (run 1) did not complete: parse error in main.tf',
    ]);
  });

  it.each([
    ['{ not json', /not valid JSON/],
    ['[]', /not a SARIF log/],
    ['{"version":"2.1.0"}', /not a SARIF log/],
    ['{"version":"1.0.0","runs":[]}', /version "1.0.0" is not supported/],
  ])('refuses %s', (content, error) => {
    expect(parseSarif(content).error).toMatch(error);
  });

  it('stops reading after the result limit and says so', () => {
    const many = Array.from(
      { length: MAX_RESULTS_PER_DOCUMENT + 5 },
      (_, i) => ({
        ruleId: 'R1',
        message: { text: `r${i}` },
      }),
    );
    const parsed = parseSarif(log(many));
    expect(parsed.results).toHaveLength(MAX_RESULTS_PER_DOCUMENT);
    expect(parsed.warnings[0]).toMatch(/more than 20000 results/);
  });
});
