import { KNOWN_AFTER_APPLY, REDACTED } from './types';
import { isObject, parseJson } from './util';

/**
 * Secret detection and redaction for AWS sources. Nothing here keeps a secret: the
 * functions answer "does this look like a secret" and return redacted copies.
 */

/** Name tokens that make a variable secret on their own. */
const SECRET_TOKENS = new Set([
  'PASSWORD',
  'PASSWD',
  'PWD',
  'PASS',
  'PASSPHRASE',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
  'SECRETKEY',
  'ACCESSKEY',
]);

/** `<first> KEY` pairs that are secret (`API_KEY`, `PRIVATE_KEY`, `SIGNING_KEY` …). */
const KEY_QUALIFIERS = new Set([
  'API',
  'PRIVATE',
  'SECRET',
  'ACCESS',
  'SIGNING',
  'ENCRYPTION',
  'MASTER',
  'AUTH',
  'HMAC',
  'WEBHOOK',
]);

/**
 * Last name tokens that make a variable a reference to a secret or a setting about
 * one (`DB_PASSWORD_SECRET_ARN`, `TOKEN_TTL`, `ACCESS_KEY_ID`), not a secret.
 */
const NON_SECRET_SUFFIXES = new Set([
  'ARN',
  'NAME',
  'ID',
  'IDS',
  'PATH',
  'FILE',
  'PARAM',
  'PARAMETER',
  'REF',
  'TTL',
  'EXPIRY',
  'EXPIRES',
  'LENGTH',
  'LEN',
  'TIMEOUT',
  'ENABLED',
  'DISABLED',
  'REGION',
  'HEADER',
  'TYPE',
  'URL',
  'URI',
  'ENDPOINT',
  'VERSION',
  'FIELD',
  'POLICY',
  'ROTATION',
]);

/**
 * Value shapes that are secrets whatever the variable is called, as one
 * alternation of literal-prefixed patterns (a single linear scan).
 */
const SECRET_VALUE = new RegExp(
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
    /\bgh[pousr]_[A-Za-z0-9]{30,}/,
    /\bgithub_pat_[A-Za-z0-9_]{30,}/,
    /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
    /\b[sr]k_live_[A-Za-z0-9]{16,}/,
    /\bglpat-[A-Za-z0-9_-]{20,}/,
    /\bAIza[0-9A-Za-z_-]{35}\b/,
    /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  ]
    .map(p => p.source)
    .join('|'),
);

/** A URL carrying a password: `scheme://user:password@host`. */
const URL_WITH_PASSWORD = /:\/\/[^\s:@/]+:[^\s@/]+@/;

/** Values that hold no secret even under a secret-looking name. */
function isReferenceOrSetting(value: string): boolean {
  const v = value.trim();
  if (v === '' || v === REDACTED || v === KNOWN_AFTER_APPLY) return true;
  const lower = v.toLowerCase();
  if (lower === 'true' || lower === 'false' || lower === 'null') return true;
  return (
    lower.startsWith('arn:aws') ||
    lower.startsWith('{{resolve:') ||
    lower.startsWith('ssm:') ||
    lower.startsWith('/aws/reference/') ||
    lower.startsWith('${')
  );
}

function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(t => t !== '')
    .map(t => t.toUpperCase());
}

/** The variable name says it holds a secret (`DB_PASSWORD`, `stripeApiKey`, `GITHUB_TOKEN`). */
export function isSecretName(name: string): boolean {
  const tokens = nameTokens(name);
  if (tokens.length === 0) return false;
  if (NON_SECRET_SUFFIXES.has(tokens[tokens.length - 1])) return false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (SECRET_TOKENS.has(t)) return true;
    if (t === 'KEY' && i > 0 && KEY_QUALIFIERS.has(tokens[i - 1])) return true;
  }
  return false;
}

/** The value has the shape of a credential (private key, cloud or SaaS token, URL with a password). */
export function isSecretValue(value: string): boolean {
  if (value.length < 8) return false;
  if (value.includes('://') && URL_WITH_PASSWORD.test(value)) return true;
  return SECRET_VALUE.test(value);
}

/**
 * Classifies a plain environment variable: `'value'` when its value looks like a
 * credential, `'name'` when its name does and it holds a literal (not a reference
 * to Secrets Manager or Parameter Store), otherwise `undefined`.
 */
export function classifyEnvironmentVariable(
  name: string,
  value: string,
): 'name' | 'value' | undefined {
  if (isSecretValue(value)) return 'value';
  if (isReferenceOrSetting(value)) return undefined;
  return isSecretName(name) ? 'name' : undefined;
}

/** Attribute names whose values are always secret in Terraform AWS resources. */
const SECRET_ATTRIBUTE =
  /(^|_)(password|passwd|secret|private_key|token|passphrase|credentials?)(_|$)|^(password_wo|master_password_wo|encrypted_secret|encrypted_password|ses_smtp_password_v4|auth_token)$/i;

/** Terraform/AWS attribute names that carry no secret despite the pattern above. */
const NOT_SECRET_ATTRIBUTE =
  /^(manage_master_user_password|master_user_secret|master_user_secret_kms_key_id|password_reset_required|password_length|secret_arn|secrets|secret_string_wo_version|password_wo_version|master_password_wo_version|token_key|kms_key_id)$/i;

/** A Terraform attribute name whose value must never be copied (`password`, `master_password`, `secret`). */
export function isSecretAttribute(name: string): boolean {
  return SECRET_ATTRIBUTE.test(name) && !NOT_SECRET_ATTRIBUTE.test(name);
}

const MAX_DEPTH = 64;
const TRUNCATED = '[TRUNCATED]';

/** JSON text with an object key that may hold a secret or environment variables. */
const SECRET_KEY_IN_JSON =
  /"[^"\\]*(?:pass|secret|token|key|credential|environment|variables)[^"\\]*"\s*:/i;

const attributeCache = new Map<string, boolean>();

function secretAttribute(name: string): boolean {
  let known = attributeCache.get(name);
  if (known === undefined) {
    known = isSecretAttribute(name);
    if (attributeCache.size < 10_000) attributeCache.set(name, known);
  }
  return known;
}

/**
 * Copy of an untrusted value for `raw`, with secrets redacted:
 * - positions marked `true` in a Terraform `sensitive_values` mask,
 * - attributes named like secrets ({@link isSecretAttribute}),
 * - environment variable maps and lists (`variables`, `environment`) whose entries
 *   look secret ({@link classifyEnvironmentVariable}),
 * - any string with the shape of a credential ({@link isSecretValue}),
 * - JSON strings that may hold secrets (ECS `container_definitions`) are
 *   sanitised inside.
 * Nesting deeper than 64 levels is cut with a marker. Copy-on-write: parts that
 * need no change are shared with the input (which is never modified), so a
 * document without secrets costs no allocation.
 */
export function sanitize(value: unknown, sensitive?: unknown): unknown {
  return copy(value, sensitive, 0, undefined);
}

function copyString(value: string, depth: number, key: string | undefined) {
  if (isSecretValue(value)) return REDACTED;
  const c = value.charCodeAt(0);
  // `[` or `{`: a JSON document in a string (container definitions, policies)
  if (
    (c === 91 || c === 123) &&
    value.length > 1 &&
    SECRET_KEY_IN_JSON.test(value)
  ) {
    const parsed = parseJson(value);
    if (parsed !== null && typeof parsed === 'object') {
      const cleaned = copy(parsed, undefined, depth + 1, key);
      return cleaned === parsed ? value : JSON.stringify(cleaned);
    }
  }
  return value;
}

function copy(
  value: unknown,
  mask: unknown,
  depth: number,
  key: string | undefined,
): unknown {
  if (mask === true) {
    return value === null || value === undefined ? value : REDACTED;
  }
  if (depth > MAX_DEPTH) return TRUNCATED;
  if (typeof value === 'string') return copyString(value, depth, key);
  if (Array.isArray(value)) {
    const maskList = Array.isArray(mask) ? mask : undefined;
    const envList = key !== undefined && key.toLowerCase() === 'environment';
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const next =
        envList && isObject(item)
          ? copyEnvEntry(item, depth + 1)
          : copy(item, maskList?.[i], depth + 1, key);
      if (out === undefined && next !== item) out = value.slice(0, i);
      if (out !== undefined) out.push(next);
    }
    return out ?? value;
  }
  if (isObject(value)) {
    const maskObj = isObject(mask) ? mask : undefined;
    const envMap = key !== undefined && key.toLowerCase() === 'variables';
    const keys = Object.keys(value);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = value[k];
      let next: unknown;
      if (envMap && typeof v === 'string') {
        next = classifyEnvironmentVariable(k, v) ? REDACTED : v;
      } else if (
        v !== null &&
        v !== '' &&
        typeof v !== 'boolean' &&
        secretAttribute(k)
      ) {
        next = REDACTED;
      } else {
        next = copy(v, maskObj?.[k], depth + 1, k);
      }
      if (out === undefined && next !== v) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]] = value[keys[j]];
      }
      if (out !== undefined) out[k] = next;
    }
    return out ?? value;
  }
  return value;
}

/** `{name, value}` entry of an ECS environment list (any key case). */
function copyEnvEntry(entry: Record<string, unknown>, depth: number): unknown {
  const cleaned = copy(entry, undefined, depth, undefined) as Record<
    string,
    unknown
  >;
  let nameKey: string | undefined;
  let valueKey: string | undefined;
  for (const k of Object.keys(entry)) {
    const lower = k.toLowerCase();
    if (lower === 'name') nameKey = k;
    else if (lower === 'value') valueKey = k;
  }
  if (nameKey === undefined || valueKey === undefined) return cleaned;
  const name = entry[nameKey];
  const v = entry[valueKey];
  if (
    typeof name !== 'string' ||
    typeof v !== 'string' ||
    cleaned[valueKey] === REDACTED ||
    !classifyEnvironmentVariable(name, v)
  ) {
    return cleaned;
  }
  return { ...cleaned, [valueKey]: REDACTED };
}

/**
 * User names that managed databases are commonly created with: the console or
 * engine defaults (`admin`, `postgres`, `sa`, `root`) and generic administrator
 * names.
 */
export const DEFAULT_DATABASE_USERNAMES: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'root',
  'postgres',
  'sa',
  'master',
  'mysql',
  'mariadb',
  'dbadmin',
  'dba',
  'awsuser',
  'sysadmin',
  'system',
  'oracle',
  'user',
  'test',
]);

/**
 * Well-known default, documentation-example or trivial passwords, compared
 * case-insensitively. A password equal to the user name counts as well.
 */
const WELL_KNOWN_PASSWORDS: ReadonlySet<string> = new Set([
  'password',
  'password1',
  'password123',
  'password123!',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'admin',
  'admin123',
  'admin1234',
  'administrator',
  'root',
  'toor',
  'postgres',
  'mysql',
  'changeme',
  'change_me',
  'changeme123',
  'changeme123!',
  'changeit',
  'secret',
  'letmein',
  '123456',
  '12345678',
  '123456789',
  '1234567890',
  'qwerty',
  'qwerty123',
  'default',
  'master',
  'test',
  'test1234',
  'welcome',
  'welcome1',
  'abc123',
  'mypassword',
  'dbpassword',
  'foobarbaz',
  'must_be_eight_characters',
  'mustbeeightcharaters',
  'yourpassword',
  'supersecret',
]);

/** The password is a well-known default, a documentation example, trivial, or the user name. */
export function isWellKnownPassword(
  password: string,
  username?: string,
): boolean {
  const p = password.toLowerCase();
  if (WELL_KNOWN_PASSWORDS.has(p)) return true;
  return username !== undefined && p === username.toLowerCase();
}
