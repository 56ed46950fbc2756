/**
 * Detection of credentials written in plain text (environment variables, ConfigMap
 * data) and the redaction marker that replaces them everywhere the engine reports.
 */

/** The text that replaces a secret value in `raw` and in evidence. */
export function redactionMarker(value: string): string {
  return `<redacted: ${value.length} characters>`;
}

/** Name parts that, on their own, say "this is a credential". */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'credential',
  'credentials',
  'creds',
  'dsn',
]);

/** Run-together words ending in a credential word: `PGPASSWORD`, `apitoken`. */
const SECRET_SUFFIX =
  /.(password|passwd|passphrase|secret|token|apikey|credentials?)$/;

/** Pairs of adjacent name parts that say "this is a credential" (`API_KEY`). */
const SECRET_PAIRS = new Set([
  'api key',
  'access key',
  'private key',
  'secret key',
  'signing key',
  'encryption key',
  'auth key',
  'master key',
  'client secret',
  'connection string',
  'conn str',
]);

/**
 * Last name parts of variables that *refer to* a credential rather than hold one:
 * `SECRET_NAME`, `TOKEN_FILE`, `PASSWORD_PATH`, `TOKEN_URL`, `ACCESS_KEY_ID` …
 */
const REFERENCE_WORDS = new Set([
  'file',
  'path',
  'dir',
  'url',
  'uri',
  'endpoint',
  'host',
  'name',
  'ref',
  'id',
  'ttl',
  'timeout',
  'expiry',
  'expires',
  'expiration',
  'lifetime',
  'enabled',
  'disabled',
  'enable',
  'header',
  'length',
  'size',
  'type',
  'mode',
  'version',
  'prefix',
  'format',
  'algorithm',
  'issuer',
  'audience',
  'scope',
  'scopes',
  'policy',
  'rotation',
  'interval',
  'count',
  'kind',
  'field',
  'location',
  'provider',
  'store',
  'vault',
  'min',
  'max',
]);

/** Values that cannot be a credential: references, placeholders, booleans. */
const NON_SECRET_VALUE =
  /^(|true|false|yes|no|on|off|null|none|nil|\$\([A-Za-z0-9_.-]+\)|\$\{[^}]*\}|\{\{[^}]*\}\})$/i;

/** The marker this module writes: a redacted value was a secret. */
const REDACTED = /^<redacted: \d+ characters>$/;

/** Well-known credential formats, checked on any value whatever its name. */
const CREDENTIAL_FORMATS: ReadonlyArray<[RegExp, string]> = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}/, 'GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}/, 'GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20}/, 'GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}/, 'Google API key'],
  [/\b[sr]k_live_[0-9A-Za-z]{16,}/, 'Stripe key'],
  [/\bnpm_[A-Za-z0-9]{36}/, 'npm token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./, 'JSON Web Token'],
  [
    /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]+:[^\s/@]+@[^\s/]/,
    'URL with password',
  ],
];

/** Values longer than this are not searched for credential formats. */
const MAX_SCANNED_LENGTH = 64 * 1024;

/**
 * Whether a variable or key name says it holds a credential.
 * `DB_PASSWORD`, `githubToken`, `stripe-api-key` → true;
 * `DB_PASSWORD_FILE`, `SECRET_NAME`, `TOKENIZER_MODEL` → false.
 */
export function isSecretLikeName(name: string): boolean {
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (parts.length === 0 || REFERENCE_WORDS.has(parts[parts.length - 1])) {
    return false;
  }
  // `DB_PASS`, `SMTP_PASS` (but not `PASS_THROUGH`).
  if (parts.length > 1 && parts[parts.length - 1] === 'pass') return true;
  for (let i = 0; i < parts.length; i++) {
    if (SECRET_WORDS.has(parts[i]) || SECRET_SUFFIX.test(parts[i])) return true;
    if (i > 0 && SECRET_PAIRS.has(`${parts[i - 1]} ${parts[i]}`)) return true;
  }
  return false;
}

/** The credential format a value matches (`'AWS access key id'`), if any. */
export function credentialFormat(value: string): string | undefined {
  if (value.length < 16) return undefined;
  const text =
    value.length > MAX_SCANNED_LENGTH
      ? value.slice(0, MAX_SCANNED_LENGTH)
      : value;
  for (const [pattern, label] of CREDENTIAL_FORMATS) {
    if (pattern.test(text)) return label;
  }
  return undefined;
}

/**
 * Why a name/value pair looks like a plain-text credential, or undefined when it
 * does not: either the value matches a well-known credential format, or the name
 * says it is a credential and the value is not an obvious placeholder.
 */
export function secretReason(name: string, value: string): string | undefined {
  if (REDACTED.test(value)) return 'value was redacted as a secret';
  const format = credentialFormat(value);
  if (format) return `value looks like a ${format}`;
  if (isSecretLikeName(name) && !NON_SECRET_VALUE.test(value.trim())) {
    return `name ${name} suggests a credential`;
  }
  return undefined;
}
