import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS, SKIP, fail, type EvaluationContext } from '../../model/check';
import type { Resource } from '../../model/resource';
import { originEvidence } from '../evidence';
import { isParsedPolicy } from '../policy';
import type {
  IamGroupAttributes,
  IamPolicyAttributes,
  IamPrincipalAttributes,
  IamRoleAttributes,
  IamUserAttributes,
  LambdaAttributes,
  ManagedPolicyRef,
  PolicyDocument,
  PolicyDocumentValue,
} from '../types';
import { defineAwsCheck, isPending } from './define';

const IAM_DOCS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';

const PRINCIPAL_LABEL: Record<string, string> = {
  'aws.iam.role': 'Role',
  'aws.iam.user': 'User',
  'aws.iam.group': 'Group',
};

const NO_EVIDENCE: readonly Evidence[] = Object.freeze([]);

/** Maximum age of an active access key, in days. */
export const MAX_ACCESS_KEY_AGE_DAYS = 90;

function statementEvidence(doc: PolicyDocument, index: number): Evidence {
  const s = doc.statements[index];
  const path = doc.origin.path === '' ? s.path : `${doc.origin.path}.${s.path}`;
  const value: Record<string, unknown> = { Effect: s.effect };
  if (s.action) value.Action = s.action;
  if (s.notAction) value.NotAction = s.notAction;
  if (s.resource) value.Resource = s.resource;
  if (s.notResource) value.NotResource = s.notResource;
  return originEvidence({ ...doc.origin, path }, undefined, value);
}

function fullAdminEvidence(
  doc: PolicyDocumentValue | undefined,
): readonly Evidence[] {
  if (!isParsedPolicy(doc) || doc.analysis.fullAdmin.length === 0) {
    return NO_EVIDENCE;
  }
  return doc.analysis.fullAdmin.map(i => statementEvidence(doc, i));
}

/** The customer managed policy a reference points at, when it is in the resource set. */
function managedPolicy(
  ref: ManagedPolicyRef,
  ctx: EvaluationContext,
): Resource<IamPolicyAttributes> | undefined {
  if (ref.uid !== undefined) {
    const r = ctx.resources.byUid(ref.uid);
    if (r && r.type === 'aws.iam.policy')
      return r as Resource<IamPolicyAttributes>;
  }
  if (isPending(ref.arn)) return undefined;
  for (const p of ctx.resources.ofType<IamPolicyAttributes>('aws.iam.policy')) {
    if (p.attributes.arn === ref.arn) return p;
  }
  return undefined;
}

/** Evidence of every way a principal's own policies grant `*` on `*`. */
function principalAdminEvidence(
  a: IamPrincipalAttributes,
  ctx: EvaluationContext,
  includeAdministratorAccess = true,
): readonly Evidence[] {
  let out: Evidence[] | undefined;
  for (const p of a.inlinePolicies) {
    if (
      isParsedPolicy(p.document) &&
      p.document.analysis.fullAdmin.length > 0
    ) {
      (out ??= []).push(...fullAdminEvidence(p.document));
    }
  }
  for (const ref of a.managedPolicies) {
    if (ref.administratorAccess) {
      if (includeAdministratorAccess) {
        (out ??= []).push(originEvidence(ref.origin, undefined, ref.arn));
      }
      continue;
    }
    const policy = managedPolicy(ref, ctx);
    if (policy && isParsedPolicy(policy.attributes.document)) {
      const ev = fullAdminEvidence(policy.attributes.document);
      for (const e of ev) e.address ??= policy.address ?? policy.uid;
      if (ev.length > 0) (out ??= []).push(...ev);
    }
  }
  return out ?? NO_EVIDENCE;
}

function principalRequiresMfa(
  a: IamPrincipalAttributes,
  ctx: EvaluationContext,
): boolean {
  for (const p of a.inlinePolicies) {
    if (isParsedPolicy(p.document) && p.document.analysis.requiresMfa)
      return true;
  }
  for (const ref of a.managedPolicies) {
    const policy = managedPolicy(ref, ctx);
    const doc = policy?.attributes.document;
    if (isParsedPolicy(doc) && doc.analysis.requiresMfa) return true;
  }
  return false;
}

function quickAdmin(a: IamPrincipalAttributes): boolean {
  for (const p of a.inlinePolicies) {
    if (
      isParsedPolicy(p.document) &&
      p.document.analysis.fullAdmin.length > 0
    ) {
      return true;
    }
  }
  for (const ref of a.managedPolicies) {
    if (
      ref.administratorAccess ||
      ref.uid !== undefined ||
      !isPending(ref.arn)
    ) {
      return true;
    }
  }
  return false;
}

/** Policies granting `*` on `*`. */
export const iamWildcardAdmin = defineAwsCheck<
  IamPolicyAttributes | IamPrincipalAttributes
>({
  id: 'aws-iam-wildcard-admin-policy',
  title: 'IAM policies do not grant * on *',
  description:
    'An Allow statement with Action "*" (or NotAction) on Resource "*" grants full administrative access. Flagged on customer managed policies (as CIS AWS 1.16 and Security Hub IAM.1 audit them), on inline policies of roles, users and groups, on principals with such a policy attached, and on roles with the AWS managed AdministratorAccess policy. Human administrators (users and groups with AdministratorAccess) are expected to exist: they are held to MFA by aws-iam-admin-user-without-mfa instead.',
  severity: 'critical',
  control: 'no_overprivileged_roles',
  appliesTo: [
    'aws.iam.policy',
    'aws.iam.role',
    'aws.iam.user',
    'aws.iam.group',
  ],
  frameworks: {
    'cis-aws': ['1.16'],
    'nist-800-53': ['AC-6', 'AC-6(1)', 'AC-2'],
    soc2: ['CC6.1', 'CC6.3'],
    'pci-dss': ['7.2.1', '7.2.2'],
    'iso-27001': ['A.5.15', 'A.8.2'],
  },
  remediation: {
    text: 'Grant only the actions and resources the principal needs (use IAM Access Analyzer policy generation from CloudTrail activity); reserve administrator access for break-glass roles protected by MFA.',
    url: `${IAM_DOCS}/best-practices.html#grant-least-privilege`,
  },
  evaluate(resource, ctx) {
    if (resource.type === 'aws.iam.policy') {
      const doc = (resource.attributes as IamPolicyAttributes).document;
      if (!isParsedPolicy(doc) || doc.analysis.fullAdmin.length === 0)
        return PASS;
      return fail(
        `Policy ${resource.name} grants every action on every resource`,
        ...fullAdminEvidence(doc),
      );
    }
    const a = resource.attributes as IamPrincipalAttributes;
    if (!quickAdmin(a)) return PASS;
    const evidence = principalAdminEvidence(
      a,
      ctx,
      resource.type === 'aws.iam.role',
    );
    if (evidence.length === 0) return PASS;
    return fail(
      `${PRINCIPAL_LABEL[resource.type] ?? 'Principal'} ${
        resource.name
      } has administrator access (* on *)`,
      ...evidence,
    );
  },
});

/** Groups of a user in the resource set. */
function groupsOf(
  user: IamUserAttributes,
  ctx: EvaluationContext,
): Resource<IamGroupAttributes>[] {
  const out: Resource<IamGroupAttributes>[] = [];
  for (const uid of user.groupUids) {
    const g = ctx.resources.byUid(uid);
    if (g && g.type === 'aws.iam.group')
      out.push(g as Resource<IamGroupAttributes>);
  }
  if (user.groups.length > out.length) {
    for (const g of ctx.resources.ofType<IamGroupAttributes>('aws.iam.group')) {
      if (user.groups.includes(g.attributes.name) && !out.includes(g))
        out.push(g);
    }
  }
  return out;
}

/** Administrator users without MFA. */
export const iamAdminUserWithoutMfa = defineAwsCheck<IamUserAttributes>({
  id: 'aws-iam-admin-user-without-mfa',
  title: 'Administrator users have MFA',
  description:
    'A user with administrator access (AdministratorAccess or a "*" on "*" policy, directly or through a group) must have an MFA device or be covered by a policy that requires MFA (aws:MultiFactorAuthPresent). Users without administrator access are not applicable.',
  severity: 'high',
  control: 'mfa_enabled_all_admins',
  appliesTo: ['aws.iam.user'],
  frameworks: {
    'cis-aws': ['1.10'],
    'nist-800-53': ['IA-2(1)', 'IA-2(2)'],
    soc2: ['CC6.1'],
    'pci-dss': ['8.4.1', '8.4.2'],
    'iso-27001': ['A.8.5'],
  },
  remediation: {
    text: 'Assign an MFA device to the user and attach a policy that denies everything except MFA self-management when aws:MultiFactorAuthPresent is false; better, replace IAM users with IAM Identity Center and roles.',
    url: `${IAM_DOCS}/id_credentials_mfa_enable_virtual.html`,
  },
  evaluate(resource, ctx) {
    const a = resource.attributes;
    const groups = a.groups.length > 0 ? groupsOf(a, ctx) : [];
    let evidence: readonly Evidence[] = quickAdmin(a)
      ? principalAdminEvidence(a, ctx)
      : NO_EVIDENCE;
    for (const g of groups) {
      if (!quickAdmin(g.attributes)) continue;
      const ev = principalAdminEvidence(g.attributes, ctx);
      for (const e of ev) e.address ??= g.address ?? g.uid;
      evidence = evidence.concat(ev);
    }
    if (evidence.length === 0) return SKIP;
    if (a.mfaDevices !== undefined && a.mfaDevices.length > 0) return PASS;
    if (principalRequiresMfa(a, ctx)) return PASS;
    for (const g of groups)
      if (principalRequiresMfa(g.attributes, ctx)) return PASS;
    return fail(
      `User ${a.name} has administrator access without MFA`,
      ...evidence,
      {
        path: 'mfaDevices',
        value: a.mfaDevices === undefined ? 'no MFA device known' : [],
      },
    );
  },
});

/** Trust policy open to anyone. */
export const iamRoleTrustAnyone = defineAwsCheck<IamRoleAttributes>({
  id: 'aws-iam-role-trust-anyone',
  title: 'IAM role cannot be assumed by anyone',
  description:
    'A trust policy that allows Principal "*" (any AWS account) to call sts:AssumeRole without a condition on the caller lets anyone in any account use the role.',
  severity: 'critical',
  control: 'no_overprivileged_roles',
  appliesTo: ['aws.iam.role'],
  frameworks: {
    'nist-800-53': ['AC-3', 'AC-6'],
    soc2: ['CC6.1', 'CC6.3'],
    'pci-dss': ['7.2.1'],
    'iso-27001': ['A.5.15', 'A.8.2'],
  },
  remediation: {
    text: 'Name the accounts, roles or services that may assume the role in the trust policy, or add conditions on aws:PrincipalOrgID / sts:ExternalId.',
    url: `${IAM_DOCS}/id_roles_terms-and-concepts.html#iam-term-trust-policy`,
  },
  evaluate(resource) {
    const trust = resource.attributes.assumeRolePolicy;
    if (!isParsedPolicy(trust) || trust.analysis.publicAllow.length === 0) {
      return PASS;
    }
    return fail(
      `Role ${resource.name} can be assumed by any AWS principal`,
      ...trust.analysis.publicAllow.map(i => {
        const s = trust.statements[i];
        return originEvidence(
          { ...trust.origin, path: `${trust.origin.path}.${s.path}` },
          'Principal',
          s.principal,
        );
      }),
    );
  },
});

const NO_KEYS = Object.freeze({
  status: 'skip' as const,
  reason: 'no active access keys known',
});
const DAY_MS = 24 * 60 * 60 * 1000;

/** Old access keys. */
export const iamAccessKeyRotation = defineAwsCheck<IamUserAttributes>({
  id: 'aws-iam-access-key-rotation',
  title: `Access keys are rotated within ${MAX_ACCESS_KEY_AGE_DAYS} days`,
  description: `Long-lived access keys leak through laptops, CI logs and repositories; active keys older than ${MAX_ACCESS_KEY_AGE_DAYS} days should be rotated or replaced by roles.`,
  severity: 'medium',
  control: 'unused_credentials_removed',
  appliesTo: ['aws.iam.user'],
  frameworks: {
    'cis-aws': ['1.14'],
    'nist-800-53': ['IA-5(1)', 'AC-2(3)'],
    soc2: ['CC6.1'],
    'pci-dss': ['8.3.9', '8.6.3'],
    'iso-27001': ['A.5.17'],
  },
  remediation: {
    text: 'Create a new key, move consumers to it, deactivate and delete the old one; prefer IAM roles (OIDC federation for CI) over access keys.',
    url: `${IAM_DOCS}/id_credentials_access-keys.html#rotating_access_keys_console`,
  },
  evaluate(resource, ctx) {
    const keys = resource.attributes.accessKeys;
    if (!keys) return NO_KEYS;
    let active = false;
    let old: Evidence[] | undefined;
    const now = ctx.now.getTime();
    for (const k of keys) {
      if (k.status !== 'Active') continue;
      active = true;
      if (k.createDate === undefined) continue;
      const created = Date.parse(k.createDate);
      if (Number.isNaN(created)) continue;
      const days = Math.floor((now - created) / DAY_MS);
      if (days > MAX_ACCESS_KEY_AGE_DAYS) {
        (old ??= []).push(originEvidence(k.origin, 'createDate', k.createDate));
      }
    }
    if (!active) return NO_KEYS;
    if (!old) return PASS;
    return fail(
      `User ${resource.name} has ${old.length} active access key${
        old.length === 1 ? '' : 's'
      } older than ${MAX_ACCESS_KEY_AGE_DAYS} days`,
      ...old,
    );
  },
});

/** Function URL without authentication. */
export const lambdaFunctionUrlPublic = defineAwsCheck<LambdaAttributes>({
  id: 'aws-lambda-function-url-public',
  title: 'Lambda function URL requires authentication',
  description:
    'A function URL with authorization type NONE lets anyone on the internet invoke the function, bypassing IAM.',
  severity: 'high',
  control: 'no_overprivileged_roles',
  appliesTo: ['aws.lambda.function'],
  frameworks: {
    'nist-800-53': ['AC-3', 'AC-14'],
    soc2: ['CC6.1', 'CC6.6'],
    'pci-dss': ['7.2.1'],
    'iso-27001': ['A.5.15', 'A.8.26'],
  },
  remediation: {
    text: 'Set authorization_type = "AWS_IAM" on the function URL, or put the function behind API Gateway or CloudFront with authentication.',
    url: 'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
  },
  evaluate(resource) {
    const url = resource.attributes.functionUrl;
    if (!url) return SKIP;
    if (url.authType !== 'NONE') return PASS;
    return fail(
      `Function ${resource.attributes.name} has a public function URL (authorization type NONE)`,
      originEvidence(url.origin, 'authType', 'NONE'),
    );
  },
});

/** The IAM checks. */
export const IAM_CHECKS = [
  iamWildcardAdmin,
  iamAdminUserWithoutMfa,
  iamRoleTrustAnyone,
  iamAccessKeyRotation,
  lambdaFunctionUrlPublic,
];
