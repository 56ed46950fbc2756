import type {
  CategoryId,
  Severity,
} from '@internal/backstage-plugin-security-posture-common';
import type { SarifResultRecord } from './sarif';

/**
 * Which results a mapping rule applies to. Each field is a pattern or a list of
 * patterns (any matches); absent fields match everything. Patterns are globs
 * (`*` any run of characters, `?` one), matched ignoring case; `text` holds
 * regular expressions instead.
 */
export interface MappingMatch {
  /** `tool.driver.name`: `tfsec`, `Trivy`, `Checkov` … */
  tool?: string | string[];
  /** The result's rule id: `AVD-AWS-*`, `CKV_K8S_*` … */
  ruleId?: string | string[];
  /** One of the rule's or result's `properties.tags`: `vulnerability`, `CWE-311` … */
  tag?: string | string[];
  /** SARIF level: `error`, `warning`, `note`, `none`. */
  level?: string | string[];
  /** Regular expressions (case-insensitive) on the rule's id, name and descriptions. */
  text?: string | string[];
}

/**
 * A rule of `securityPosture.providers.sarif.mapping`: the results it matches feed
 * `control` (or the default control of `category`). Rules are tried in order, the
 * configured ones before the built-in defaults; the first match wins. The same
 * shape as the PolicyReports module's mapping.
 */
export interface MappingRule {
  match: MappingMatch;
  /** Scorecard control the results feed. */
  control?: string;
  /** When no control is given: the category's default control. */
  category?: CategoryId;
  /** Severity of the findings; derived from the result when absent. */
  severity?: Severity;
  /** Weight of the generated check inside its control (informational for strict controls). */
  weight?: number;
  /** One finding per tool, control and file for every result this rule matches (vulnerability scans). */
  aggregate?: boolean;
  /** Drop the matching results instead of importing them. */
  ignore?: boolean;
}

/** Where a result goes. */
export interface MappingTarget {
  control: string;
  category: CategoryId;
  severity: Severity;
  weight?: number;
  aggregate?: boolean;
}

/** The control a `category`-only rule feeds (the same as for PolicyReports). */
export const CATEGORY_DEFAULT_CONTROLS: Record<CategoryId, string> = {
  identity_and_access: 'no_overprivileged_roles',
  network: 'deny_default_network_policies',
  data: 'sensitive_data_classified',
  compute: 'pod_security_standards',
};

/**
 * The built-in mapping, tried after the configured rules: scanner tags first
 * (Trivy's `vulnerability`/`secret`/`license`, Checkov's secrets), then CWE ids,
 * then keywords of the rule text, ordered from the most specific. Rule ids are
 * matched with `-`/`_` read as spaces, so `aws-s3-enable-bucket-encryption`
 * reads "aws s3 enable bucket encryption".
 */
export const DEFAULT_MAPPING: readonly MappingRule[] = [
  { match: { tag: 'license' }, ignore: true },
  {
    match: { tag: 'vulnerability' },
    control: 'images_scanned',
    aggregate: true,
  },
  { match: { tag: 'secret' }, control: 'sensitive_data_classified' },
  { match: { ruleId: 'CKV_SECRET_*' }, control: 'sensitive_data_classified' },
  // CWE ids in tags (CodeQL style `external/cwe/cwe-311`, or `CWE-311`).
  { match: { tag: ['*cwe-311', '*cwe-312'] }, control: 'encryption_at_rest' },
  { match: { tag: '*cwe-319' }, control: 'encryption_in_transit' },
  { match: { tag: ['*cwe-326', '*cwe-327'] }, control: 'tls_1_2_minimum' },
  {
    match: { tag: ['*cwe-798', '*cwe-259'] },
    control: 'sensitive_data_classified',
  },
  { match: { tag: '*cwe-250' }, control: 'no_privileged_containers' },
  {
    match: { tag: ['*cwe-269', '*cwe-284', '*cwe-732'] },
    control: 'no_overprivileged_roles',
  },
  {
    match: { tag: ['*cwe-306', '*cwe-308'] },
    control: 'mfa_enabled_all_admins',
  },
  { match: { tag: '*cwe-778' }, control: 'service_accounts_audited' },
  {
    match: { tag: ['*cwe-400', '*cwe-770'] },
    control: 'resource_limits_enforced',
  },
  { match: { tag: '*cwe-1104' }, control: 'images_scanned' },
  // Keywords, most specific first.
  {
    match: {
      text: 'publicly accessible|public access|public (read|write|acl|bucket|snapshot|ip|endpoint)|block public|allusers|anonymous|public.{0,20}(db|database|rds|instance|cluster|storage)|(db|database|rds).{0,30}public',
    },
    control: 'no_public_databases',
  },
  {
    match: {
      text: 'mfa delete|versioning|backup|retention|deletion protection|point in time|lifecycle|replication|snapshot',
    },
    control: 'backup_tested',
  },
  {
    match: { text: '\\bmfa\\b|multi ?factor' },
    control: 'mfa_enabled_all_admins',
  },
  {
    match: {
      text: 'automount|service ?account tokens?|tokens? (are )?(only )?mounted',
    },
    control: 'service_accounts_audited',
  },
  {
    match: {
      text: 'privilege escalation|allowprivilegeescalation|elevate .*privilege|run(s|ning)? as root|root (user|container|group)|\\bgid\\b|non ?root|runasnonroot|high uid|\\buid\\b|read ?only (root )?file ?system|root file ?system|seccomp|apparmor|selinux|pod security',
    },
    control: 'pod_security_standards',
  },
  {
    match: {
      text: 'privileged|host ?(network|pid|ipc|path|port)|hostpath|capabilit|net_raw|sys_admin|docker\\.sock',
    },
    control: 'no_privileged_containers',
  },
  {
    match: {
      text: '(cpu|memory) (is )?(not )?(limit|request)|resource (limit|request)s?|limits? (should|must) be set',
    },
    control: 'resource_limits_enforced',
  },
  {
    match: {
      text: 'image tag|latest tag|:latest|image (should use )?digest|\\bdigest\\b|image pull policy|trusted registr|runtime .*(deprecated|end of life|eol|supported)|deprecated runtime',
    },
    control: 'images_scanned',
  },
  {
    match: {
      text: 'tls ?(v?1\\.[0-3]|version)|(tls|ssl|security) polic|minimum (tls|protocol)|protocol version|outdated (tls|ssl)|cipher',
    },
    control: 'tls_1_2_minimum',
  },
  {
    match: {
      text: 'in transit|secure transport|insecure transport|(enforce|require|use|redirect).{0,12}(https|tls|ssl)|(https|tls|ssl).{0,12}(only|required|enforced)|plain ?text|viewer protocol|unencrypted (http|traffic|connection)',
    },
    control: 'encryption_in_transit',
  },
  {
    match: {
      text: 'encrypt|\\bkms\\b|\\bcmk\\b|customer ?managed key|key rotation',
    },
    control: 'encryption_at_rest',
  },
  { match: { text: 'egress|outbound' }, control: 'egress_filtered' },
  {
    match: {
      text: 'ingress|inbound|security groups?|network ?polic|0\\.0\\.0\\.0|::/0|port (22|3389)|\\bssh\\b|\\brdp\\b|unrestricted|firewall',
    },
    control: 'deny_default_network_policies',
  },
  {
    match: {
      text: 'access keys?|unused credential|credentials? (not )?used|default (user ?name|username|password|credential|admin)|root (account|access key)|password polic',
    },
    control: 'unused_credentials_removed',
  },
  {
    match: {
      text: '\\blog(s|ging)?\\b|audit|cloudtrail|trail|flow logs?|monitor',
    },
    control: 'service_accounts_audited',
  },
  {
    match: {
      text: 'wildcard|\\*:\\*|administratoraccess|admin(istrator)? (access|privileges)|least privilege|overly permissive|cluster ?admin|\\brbac\\b|iam (policy|role|user)|permission',
    },
    control: 'no_overprivileged_roles',
  },
  {
    match: { text: 'secret|sensitive|\\btags?\\b|tagged|classif|\\bowner\\b' },
    control: 'sensitive_data_classified',
  },
];

/** A mapping rule with its patterns compiled. */
export interface CompiledRule {
  rule: MappingRule;
  /** Where the rule was declared (`mapping[2]`, `default[5]`), for messages. */
  origin: string;
  tool?: RegExp[];
  ruleId?: RegExp[];
  tag?: RegExp[];
  level?: RegExp[];
  text?: RegExp[];
}

/** A glob (`*` any characters, `?` one) as a case-insensitive, anchored RegExp. */
export function globRegExp(glob: string): RegExp {
  const source = glob
    .split('')
    .map(c => {
      if (c === '*') return '.*';
      if (c === '?') return '.';
      return c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}

/** Compiles mapping rules; throws with the rule's position on a bad pattern. */
export function compileRules(
  rules: readonly MappingRule[],
  prefix: string,
): CompiledRule[] {
  return rules.map((rule, i) => {
    const origin = `${prefix}[${i}]`;
    const compiled: CompiledRule = { rule, origin };
    const m = rule.match ?? {};
    for (const key of ['tool', 'ruleId', 'tag', 'level'] as const) {
      const patterns = list(m[key]);
      if (patterns) compiled[key] = patterns.map(globRegExp);
    }
    const texts = list(m.text);
    if (texts) {
      compiled.text = texts.map((t, j) => {
        try {
          return new RegExp(t, 'i');
        } catch (e) {
          throw new Error(
            `${origin}.match.text${
              texts.length > 1 ? `[${j}]` : ''
            } is not a valid regular expression: ${(e as Error).message}`,
          );
        }
      });
    }
    return compiled;
  });
}

/** The rule text as keywords are matched: lower case, `-`/`_` read as spaces. */
function searchable(record: SarifResultRecord): string {
  return record.ruleText.replace(/[-_]+/g, ' ').toLowerCase();
}

const any = (patterns: RegExp[], value: string) =>
  patterns.some(p => p.test(value));

function matches(
  c: CompiledRule,
  record: SarifResultRecord,
  haystack: () => string,
): boolean {
  if (c.tool && !any(c.tool, record.tool)) return false;
  if (c.ruleId && !any(c.ruleId, record.ruleId)) return false;
  if (c.tag && !record.tags.some(t => any(c.tag!, t))) return false;
  if (c.level && !any(c.level, record.level)) return false;
  if (c.text && !c.text.some(re => re.test(haystack()))) return false;
  return true;
}

const SEVERITY_TAGS: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
};

/**
 * The severity a result has on its own: its `security-severity` score (GitHub's
 * bands: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, else low), else a severity tag
 * (Trivy tags rules `HIGH`, `CRITICAL` …), else its level (`error` high, `warning`
 * medium, `note`/`none` low).
 */
export function severityOf(record: SarifResultRecord): Severity {
  const score = record.securitySeverity;
  if (score !== undefined) {
    if (score >= 9) return 'critical';
    if (score >= 7) return 'high';
    if (score >= 4) return 'medium';
    return 'low';
  }
  for (const tag of record.tags) {
    const s = SEVERITY_TAGS[tag.toLowerCase()];
    if (s) return s;
  }
  switch (record.level) {
    case 'error':
      return 'high';
    case 'warning':
      return 'medium';
    default:
      return 'low';
  }
}

/** Resolves mapping rules to controls; built by the module from configuration. */
export class SarifMapping {
  constructor(
    private readonly rules: readonly CompiledRule[],
    /** Control id → category, of the controls the scorecard has. */
    private readonly controls: ReadonlyMap<string, CategoryId>,
  ) {}

  private readonly memo = new Map<
    string,
    MappingTarget | 'ignored' | undefined
  >();

  /** Where a result goes; `undefined` when no rule matches, `'ignored'` when one drops it. */
  resolve(record: SarifResultRecord): MappingTarget | 'ignored' | undefined {
    // Results of one rule mostly differ only in where they are: resolve once.
    const key = `${record.tool}\u0000${record.ruleId}\u0000${
      record.level
    }\u0000${record.securitySeverity ?? ''}\u0000${record.tags.join(
      '\u0001',
    )}\u0000${record.ruleText}`;
    if (this.memo.has(key)) return this.memo.get(key);
    const target = this.resolveUncached(record);
    if (this.memo.size >= 10_000) this.memo.clear();
    this.memo.set(key, target);
    return target;
  }

  private resolveUncached(
    record: SarifResultRecord,
  ): MappingTarget | 'ignored' | undefined {
    let haystack: string | undefined;
    const lazy = () => (haystack ??= searchable(record));
    for (const c of this.rules) {
      if (!matches(c, record, lazy)) continue;
      if (c.rule.ignore) return 'ignored';
      const control =
        c.rule.control ??
        (c.rule.category
          ? CATEGORY_DEFAULT_CONTROLS[c.rule.category]
          : undefined);
      const category = control ? this.controls.get(control) : undefined;
      // A rule whose control is disabled in this scorecard does not claim the result.
      if (!control || !category) continue;
      const target: MappingTarget = {
        control,
        category,
        severity: c.rule.severity ?? severityOf(record),
      };
      if (c.rule.weight !== undefined) target.weight = c.rule.weight;
      if (c.rule.aggregate) target.aggregate = true;
      return target;
    }
    return undefined;
  }

  /**
   * Every (control, severity) a result can be mapped to, with the largest weight a
   * rule gives it: the checks to register.
   */
  targets(): Array<{
    control: string;
    category: CategoryId;
    severity: Severity;
    weight?: number;
  }> {
    const out = new Map<
      string,
      {
        control: string;
        category: CategoryId;
        severity: Severity;
        weight?: number;
      }
    >();
    const all: Severity[] = ['critical', 'high', 'medium', 'low'];
    for (const c of this.rules) {
      if (c.rule.ignore) continue;
      const control =
        c.rule.control ??
        (c.rule.category
          ? CATEGORY_DEFAULT_CONTROLS[c.rule.category]
          : undefined);
      const category = control ? this.controls.get(control) : undefined;
      if (!control || !category) continue;
      for (const severity of c.rule.severity ? [c.rule.severity] : all) {
        const key = `${control}\u0000${severity}`;
        const existing = out.get(key);
        const weight =
          c.rule.weight !== undefined
            ? Math.max(c.rule.weight, existing?.weight ?? 0)
            : existing?.weight;
        out.set(key, {
          control,
          category,
          severity,
          ...(weight !== undefined ? { weight } : {}),
        });
      }
    }
    return [...out.values()];
  }
}
