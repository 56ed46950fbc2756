import {
  compileExemption,
  globToRegExp,
  isExemptionActive,
  parseExemptions,
} from './exemptions';
import { testResource } from './__testUtils__/testChecks';

describe('parseExemptions', () => {
  it('reads the documented format', () => {
    const { exemptions, errors } = parseExemptions(
      `apiVersion: security-posture.backstage.io/v1alpha1
kind: Exemptions
exemptions:
  - check: k8s-egress-restricted
    entity: component:default/payments
    resource: "payments-*"
    reason: Egress proxy rollout
    approver: alice@example.com
    ticket: SEC-123
    expires: 2025-12-31
  - check: aws-s3-*
    reason: Legacy bucket, migration planned
    approver: bob
    expires: "2026-01-15T00:00:00Z"
`,
      'exemptions.yaml',
    );
    expect(errors).toEqual([]);
    expect(exemptions).toEqual([
      {
        check: 'k8s-egress-restricted',
        entity: 'component:default/payments',
        resource: 'payments-*',
        reason: 'Egress proxy rollout',
        approver: 'alice@example.com',
        ticket: 'SEC-123',
        expires: '2025-12-31',
      },
      {
        check: 'aws-s3-*',
        reason: 'Legacy bucket, migration planned',
        approver: 'bob',
        expires: '2026-01-15T00:00:00Z',
      },
    ]);
  });

  it('accepts a plain list', () => {
    const { exemptions, errors } = parseExemptions(
      '[{"check": "a", "reason": "r", "approver": "x", "expires": "2030-01-01"}]',
      'e.json',
    );
    expect(errors).toEqual([]);
    expect(exemptions).toHaveLength(1);
  });

  it('reports each invalid entry with its path and keeps the valid ones', () => {
    const { exemptions, errors } = parseExemptions(
      `exemptions:
  - check: ok
    reason: fine
    approver: alice
    expires: 2030-01-01
  - check: missing-approver
    reason: no approver
    expires: 2030-01-01
  - check: bad-date
    reason: r
    approver: a
    expires: next quarter
  - check: typo
    reason: r
    approver: a
    expires: 2030-02-30
    aprover: b
`,
      'ex.yaml',
    );
    expect(exemptions.map(e => e.check)).toEqual(['ok']);
    expect(errors).toEqual([
      { source: 'ex.yaml', message: 'exemptions[1].approver: is required' },
      {
        source: 'ex.yaml',
        message: expect.stringMatching(
          /^exemptions\[2\]\.expires: must be a date .*"next quarter"/,
        ),
      },
      {
        source: 'ex.yaml',
        message: expect.stringMatching(
          /^exemptions\[3\]\.aprover: unknown key/,
        ),
      },
      {
        source: 'ex.yaml',
        message: expect.stringMatching(
          /^exemptions\[3\]\.expires: must be a date/,
        ),
      },
    ]);
  });

  it('reports malformed YAML and wrong shapes instead of throwing', () => {
    expect(
      parseExemptions('exemptions: [', 'x.yaml').errors[0].message,
    ).toMatch(/invalid YAML/);
    expect(parseExemptions('kind: Deployment', 'x.yaml').errors).toEqual([
      {
        source: 'x.yaml',
        message: 'kind must be Exemptions, got "Deployment"',
      },
    ]);
    expect(
      parseExemptions('exemptions: 3', 'x.yaml').errors[0].message,
    ).toMatch(/expected a list under "exemptions"/);
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]`;
    expect(parseExemptions(bomb, 'bomb.yaml').errors).toHaveLength(1);
  });
});

describe('exemption matching', () => {
  const base = {
    check: 'k8s-*',
    reason: 'r',
    approver: 'a',
    expires: '2025-01-31',
  };

  it('matches checks by glob and treats regex characters literally', () => {
    const e = compileExemption(base);
    expect(e.matchesCheck('k8s-privileged')).toBe(true);
    expect(e.matchesCheck('aws-s3-public')).toBe(false);
    expect(globToRegExp('a.b(c)').test('a.b(c)')).toBe(true);
    expect(globToRegExp('a.b(c)').test('aXb(c)')).toBe(false);
  });

  it('matches resources by uid, name, namespace/name and address', () => {
    const r = testResource(
      'api',
      {},
      {
        address: 'module.app.aws_s3_bucket.logs',
      },
    );
    expect(
      compileExemption({ ...base, resource: r.uid }).matchesResource(r),
    ).toBe(true);
    expect(
      compileExemption({ ...base, resource: 'default/api' }).matchesResource(r),
    ).toBe(true);
    expect(
      compileExemption({ ...base, resource: 'module.app.*' }).matchesResource(
        r,
      ),
    ).toBe(true);
    expect(
      compileExemption({ ...base, resource: 'other' }).matchesResource(r),
    ).toBe(false);
  });

  it('is active through the end of its expiry day', () => {
    const e = compileExemption(base);
    expect(isExemptionActive(e, new Date('2025-01-31T23:59:59Z'))).toBe(true);
    expect(isExemptionActive(e, new Date('2025-02-01T00:00:00Z'))).toBe(false);
  });
});
