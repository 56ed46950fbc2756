import {
  classifyEnvironmentVariable,
  isSecretAttribute,
  isSecretName,
  isSecretValue,
  isWellKnownPassword,
  sanitize,
} from './secrets';
import { REDACTED } from './types';

describe('secret detection', () => {
  it.each([
    'DB_PASSWORD',
    'db_pass',
    'stripeApiKey',
    'GITHUB_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'PRIVATE_KEY',
    'client_secret',
    'JWT_SIGNING_KEY',
    'smtpCredentials',
  ])('%s is a secret name', name => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'DB_PASSWORD_SECRET_ARN',
    'TOKEN_TTL',
    'AWS_ACCESS_KEY_ID',
    'PASSWORD_MIN_LENGTH',
    'LOG_LEVEL',
    'KEY_ALIAS',
    'PASSPORT_SERVICE_URL',
    'TOKEN_ENDPOINT',
  ])('%s is not a secret name', name => {
    expect(isSecretName(name)).toBe(false);
  });

  it.each([
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow...'],
    ['AKIAIOSFODNN7EXAMPLE'],
    ['ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'],
    ['xoxb-123456789012-abcdefghijkl'],
    ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['postgres://app:s3cr3t@db.internal:5432/app'],
    [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
  ])('%s has the shape of a credential', value => {
    expect(isSecretValue(value)).toBe(true);
  });

  it.each([
    ['https://api.example.com/v1'],
    ['eu-west-1'],
    ['true'],
    ['arn:aws:secretsmanager:eu-west-1:1:secret:x'],
  ])('%s is not a credential', value => {
    expect(isSecretValue(value)).toBe(false);
  });

  it('classifies environment variables by value shape, then by name unless they reference a secret store', () => {
    expect(classifyEnvironmentVariable('DB_PASSWORD', 'hunter2')).toBe('name');
    expect(
      classifyEnvironmentVariable('SENTRY', 'https://k:p@sentry.io/1'),
    ).toBe('value');
    expect(
      classifyEnvironmentVariable(
        'DB_PASSWORD',
        'arn:aws:secretsmanager:eu-west-1:1:secret:db',
      ),
    ).toBeUndefined();
    expect(
      classifyEnvironmentVariable(
        'DB_PASSWORD',
        '{{resolve:secretsmanager:db}}',
      ),
    ).toBeUndefined();
    expect(classifyEnvironmentVariable('USE_TOKEN', 'true')).toBeUndefined();
    expect(classifyEnvironmentVariable('DB_PASSWORD', '')).toBeUndefined();
    expect(classifyEnvironmentVariable('REGION', 'eu-west-1')).toBeUndefined();
  });

  it('knows which Terraform attributes hold secrets', () => {
    for (const a of [
      'password',
      'master_password',
      'secret',
      'ses_smtp_password_v4',
      'encrypted_secret',
      'auth_token',
      'private_key',
    ]) {
      expect([a, isSecretAttribute(a)]).toEqual([a, true]);
    }
    for (const a of [
      'manage_master_user_password',
      'password_reset_required',
      'password_length',
      'secrets',
      'kms_key_id',
      'username',
    ]) {
      expect([a, isSecretAttribute(a)]).toEqual([a, false]);
    }
  });

  it('knows well-known and trivial passwords', () => {
    expect(isWellKnownPassword('Password')).toBe(true);
    expect(isWellKnownPassword('foobarbaz')).toBe(true);
    expect(isWellKnownPassword('orders_owner', 'orders_owner')).toBe(true);
    expect(isWellKnownPassword('v9#Lq2!xR7')).toBe(false);
  });
});

describe('sanitize', () => {
  it('redacts masked, secret-named, secret-shaped and secret environment values, and nothing else', () => {
    const raw = {
      username: 'app',
      password: 'hunter2',
      note: 'AKIAIOSFODNN7EXAMPLE',
      custom: 'visible',
      masked: 'hidden by mask',
      environment: [{ variables: { DB_PASSWORD: 'x1', LEVEL: 'debug' } }],
      container_definitions: JSON.stringify([
        {
          name: 'app',
          environment: [
            { name: 'API_TOKEN', value: 't0k3n' },
            { name: 'PORT', value: '80' },
          ],
        },
      ]),
      tags: { owner: 'me' },
    };
    const out = sanitize(raw, { masked: true, tags: {} }) as Record<
      string,
      any
    >;
    expect(out).toEqual({
      username: 'app',
      password: REDACTED,
      note: REDACTED,
      custom: 'visible',
      masked: REDACTED,
      environment: [{ variables: { DB_PASSWORD: REDACTED, LEVEL: 'debug' } }],
      container_definitions: JSON.stringify([
        {
          name: 'app',
          environment: [
            { name: 'API_TOKEN', value: REDACTED },
            { name: 'PORT', value: '80' },
          ],
        },
      ]),
      tags: { owner: 'me' },
    });
    // the input is not modified
    expect(raw.password).toBe('hunter2');
  });

  it('cuts nesting deeper than 64 levels', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 1000; i++) deep = { n: deep };
    const text = JSON.stringify(sanitize(deep));
    expect(text).toContain('[TRUNCATED]');
    expect(text).not.toContain('leaf');
  });
});
