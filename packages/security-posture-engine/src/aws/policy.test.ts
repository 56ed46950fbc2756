import { isParsedPolicy, parsePolicyDocument } from './policy';
import type { PolicyDocument } from './types';

const origin = { path: 'policy' };

function parse(doc: unknown): PolicyDocument {
  const parsed = parsePolicyDocument(doc, origin);
  if (!isParsedPolicy(parsed)) throw new Error(JSON.stringify(parsed));
  return parsed;
}

const stmt = (s: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [s],
});

describe('parsePolicyDocument', () => {
  it('reads objects, JSON strings and URL-encoded JSON alike', () => {
    const doc = stmt({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    });
    const fromObject = parse(doc);
    expect(parse(JSON.stringify(doc))).toEqual(fromObject);
    expect(parse(encodeURIComponent(JSON.stringify(doc)))).toEqual(fromObject);
    expect(fromObject).toEqual({
      version: '2012-10-17',
      statements: [
        {
          effect: 'Allow',
          action: ['s3:GetObject'],
          resource: ['arn:aws:s3:::b/*'],
          path: 'Statement[0]',
        },
      ],
      analysis: {
        fullAdmin: [],
        publicAllow: [],
        deniesInsecureTransport: false,
        requiresMfa: false,
      },
      origin,
    });
  });

  it('normalises a single statement object, principals and conditions to arrays', () => {
    const doc = parse({
      Statement: {
        Sid: 'one',
        Effect: 'Deny',
        NotAction: 'iam:*',
        NotResource: ['arn:aws:iam::*:role/break-glass'],
        Principal: {
          AWS: 'arn:aws:iam::111122223333:root',
          service: ['ec2.amazonaws.com'],
        },
        Condition: {
          NumericLessThan: { 's3:TlsVersion': 1.2 },
          Bool: { 'aws:ViaAWSService': false },
        },
      },
    });
    expect(doc.statements).toEqual([
      {
        sid: 'one',
        effect: 'Deny',
        notAction: ['iam:*'],
        notResource: ['arn:aws:iam::*:role/break-glass'],
        principal: {
          AWS: ['arn:aws:iam::111122223333:root'],
          Service: ['ec2.amazonaws.com'],
        },
        condition: {
          NumericLessThan: { 's3:TlsVersion': ['1.2'] },
          Bool: { 'aws:ViaAWSService': ['false'] },
        },
        path: 'Statement',
      },
    ]);
    expect(
      parse(stmt({ Effect: 'Allow', Principal: '*', Action: '*' }))
        .statements[0].principal,
    ).toEqual({ '*': ['*'] });
  });

  it('finds statements that grant everything: * on *, *:* and NotAction', () => {
    const doc = parse({
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Allow', Action: ['*:*'], Resource: ['*'] },
        { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' },
        { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::one-bucket' },
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      ],
    });
    expect(doc.analysis.fullAdmin).toEqual([0, 1, 2]);
  });

  it('calls a policy public only when nothing pins its wildcard principal', () => {
    const doc = parse({
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject' },
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:GetObject',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        },
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
        },
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
        },
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        },
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-123' } },
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 's3:GetObject',
        },
        { Effect: 'Deny', Principal: '*', Action: 's3:*' },
      ],
    });
    expect(doc.analysis.publicAllow).toEqual([0, 1, 3, 5]);
  });

  it('recognises a deny of insecure transport', () => {
    const deny = (condition: unknown, action: unknown = 's3:*') =>
      parse(
        stmt({
          Effect: 'Deny',
          Principal: '*',
          Action: action,
          Resource: '*',
          Condition: condition,
        }),
      ).analysis.deniesInsecureTransport;
    expect(deny({ Bool: { 'aws:SecureTransport': 'false' } })).toBe(true);
    expect(deny({ Bool: { 'aws:SecureTransport': false } })).toBe(true);
    expect(deny({ Bool: { 'aws:SecureTransport': 'true' } })).toBe(false);
    expect(
      deny({ Bool: { 'aws:SecureTransport': 'false' } }, 's3:GetObject'),
    ).toBe(false);
    expect(deny({ NumericLessThan: { 's3:TlsVersion': '1.2' } })).toBe(false);
  });

  it('recognises policies that require MFA', () => {
    const mfa = (s: Record<string, unknown>) =>
      parse(stmt(s)).analysis.requiresMfa;
    expect(
      mfa({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    ).toBe(true);
    expect(
      mfa({
        Effect: 'Deny',
        NotAction: 'iam:*',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      }),
    ).toBe(true);
    expect(
      mfa({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
      }),
    ).toBe(true);
    expect(mfa({ Effect: 'Allow', Action: '*', Resource: '*' })).toBe(false);
    expect(
      mfa({
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      }),
    ).toBe(false);
  });

  it('marks what is not a policy document as invalid', () => {
    for (const value of [
      undefined,
      5,
      'not json',
      '{"Statement": ',
      ['x'],
      '%7Bbroken',
    ]) {
      const parsed = parsePolicyDocument(value, origin);
      expect(isParsedPolicy(parsed)).toBe(false);
      expect(parsed).toEqual({ invalid: expect.any(String), origin });
    }
    // statements with an unknown effect or of the wrong type are dropped
    expect(
      parse({
        Statement: [
          null,
          'x',
          { Effect: 'Maybe' },
          { Effect: 'Allow', Action: 5 },
        ],
      }).statements,
    ).toEqual([{ effect: 'Allow', action: [], path: 'Statement[3]' }]);
  });
});
