import {
  credentialFormat,
  isSecretLikeName,
  redactionMarker,
  secretReason,
} from './secrets';

describe('plain-text credential detection', () => {
  it.each([
    'DB_PASSWORD',
    'POSTGRES_PASSWORD',
    'PGPASSWORD',
    'MYSQL_ROOT_PASSWORD',
    'SMTP_PASS',
    'JWT_SECRET',
    'AWS_SECRET_ACCESS_KEY',
    'GITHUB_TOKEN',
    'githubToken',
    'accessToken',
    'stripe-api-key',
    'STRIPE_API_KEY',
    'SENDGRID_APIKEY',
    'PRIVATE_KEY',
    'GOOGLE_APPLICATION_CREDENTIALS_JSON',
    'OAUTH_CLIENT_SECRET',
    'SECRET_KEY_BASE',
    'db.password',
    'SENTRY_DSN',
    'AZURE_STORAGE_CONNECTION_STRING',
  ])('%s names a credential', name => {
    expect(isSecretLikeName(name)).toBe(true);
  });

  it.each([
    'DB_PASSWORD_FILE',
    'SECRET_NAME',
    'TOKEN_URL',
    'OIDC_TOKEN_ENDPOINT',
    'AWS_ACCESS_KEY_ID',
    'PASSWORD_MIN_LENGTH',
    'AUTH_ENABLED',
    'TOKENIZER_MODEL',
    'PASS_THROUGH',
    'LOG_LEVEL',
    'DB_HOST',
    'SECRETS_DIR',
    'TOKEN_TTL',
    'KEY',
    '',
  ])('%s does not name a credential', name => {
    expect(isSecretLikeName(name)).toBe(false);
  });

  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'AWS access key id'],
    ['ASIAY34FZKBOKMUTVV7A', 'AWS access key id'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow...', 'private key'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl...', 'private key'],
    ['ghp_0123456789abcdefghijABCDEFGHIJ456789', 'GitHub token'],
    ['glpat-abcdefghij0123456789', 'GitLab token'],
    ['xoxb-1234567890-abcdefghij', 'Slack token'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'Google API key'],
    ['sk_live_0123456789abcdefABCD', 'Stripe key'],
    [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'JSON Web Token',
    ],
    ['postgres://app:hunter2@db:5432/app', 'URL with password'],
  ])('recognises %j as a %s', (value, format) => {
    expect(credentialFormat(value)).toBe(format);
  });

  it.each([
    'https://example.com/path',
    'postgres://db:5432/app',
    'eu-west-1',
    'production',
    'AKIA-not-a-key',
    '-----BEGIN CERTIFICATE-----',
  ])('does not take %s for a credential', value => {
    expect(credentialFormat(value)).toBeUndefined();
  });

  it('explains why a name/value pair looks like a credential', () => {
    expect(secretReason('DB_PASSWORD', 'hunter2')).toBe(
      'name DB_PASSWORD suggests a credential',
    );
    expect(secretReason('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE')).toBe(
      'value looks like a AWS access key id',
    );
    expect(secretReason('NOTES', 'just a note')).toBeUndefined();
  });

  it('ignores placeholders and references in credential-named variables', () => {
    for (const value of [
      '',
      'true',
      '$(DB_PASSWORD)',
      '${DB_PASSWORD}',
      '{{ .Values.password }}',
    ]) {
      expect(secretReason('DB_PASSWORD', value)).toBeUndefined();
    }
    // A default value is still a credential.
    expect(secretReason('ADMIN_PASSWORD', 'changeme')).toBeDefined();
  });

  it('treats its own redaction marker as a credential, so re-normalising is stable', () => {
    const marker = redactionMarker('hunter2');
    expect(marker).toBe('<redacted: 7 characters>');
    expect(secretReason('ANY', marker)).toBe('value was redacted as a secret');
  });

  it('scans huge values in linear time', () => {
    const start = Date.now();
    credentialFormat('eyJ'.repeat(500_000));
    credentialFormat(`a://${'b'.repeat(2_000_000)}`);
    credentialFormat('A'.repeat(5_000_000));
    // A hang guard (backtracking would take minutes), not a speed test.
    expect(Date.now() - start).toBeLessThan(10_000);
  });
});
