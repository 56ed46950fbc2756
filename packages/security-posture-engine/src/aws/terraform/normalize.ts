import type {
  NormalizeError,
  NormalizeResult,
  Resource,
  ResourceSource,
} from '../../model/resource';
import { s3Exposure } from '../derive';
import { sanitize } from '../secrets';
import {
  KNOWN_AFTER_APPLY,
  type IamGroupAttributes,
  type IamPrincipalAttributes,
  type IamUserAttributes,
  type InlinePolicy,
  type KmsKeyAttributes,
  type LambdaAttributes,
  type ListenerAttributes,
  type ManagedPolicyRef,
  type RdsAttributes,
  type S3BucketAttributes,
  type SecurityGroupAttributes,
  type SecurityGroupRef,
} from '../types';
import { isObject, str, strings } from '../util';
import {
  PRIMARY_BUILDERS,
  managedPolicyRef,
  tfAcl,
  tfEncryption,
  tfLifecycleRules,
  tfLoadBalancer,
  tfLogging,
  tfOwnership,
  tfPolicy,
  tfPublicAccessBlock,
  tfSecurityGroupRule,
  tfVersioning,
  tfVpcSecurityGroupRule,
  valuesOf,
  type Draft,
} from './builders';
import { TerraformDocument, type TfInstance } from './document';

/** Values of a Terraform type that other resources use to refer to it. */
const VALUE_KEYS: Record<string, string[]> = {
  aws_s3_bucket: ['bucket', 'id', 'arn'],
  aws_iam_role: ['name', 'id', 'arn', 'unique_id'],
  aws_iam_user: ['name', 'id', 'arn', 'unique_id'],
  aws_iam_group: ['name', 'id', 'arn', 'unique_id'],
  aws_iam_policy: ['arn', 'id'],
  aws_security_group: ['id', 'arn'],
  aws_default_security_group: ['id', 'arn'],
  aws_lambda_function: ['function_name', 'arn', 'qualified_arn', 'id'],
  aws_kms_key: ['key_id', 'arn', 'id'],
  aws_lb: ['arn', 'id'],
  aws_alb: ['arn', 'id'],
  aws_rds_cluster: ['cluster_identifier', 'id', 'arn'],
};

const S3 = new Set(['aws_s3_bucket']);
const SG = new Set(['aws_security_group', 'aws_default_security_group']);
const ROLE = new Set(['aws_iam_role']);
const USER = new Set(['aws_iam_user']);
const GROUP = new Set(['aws_iam_group']);
const POLICY = new Set(['aws_iam_policy']);
const LAMBDA = new Set(['aws_lambda_function']);
const KMS = new Set(['aws_kms_key']);
const LB = new Set(['aws_lb', 'aws_alb']);
const CLUSTER = new Set(['aws_rds_cluster']);

/** Types that are joined onto a primary resource instead of becoming one. */
const JOINED_TYPES = new Set([
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_logging',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_acl',
  'aws_s3_bucket_ownership_controls',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_group_policy',
  'aws_iam_user_group_membership',
  'aws_iam_group_membership',
  'aws_iam_user_login_profile',
  'aws_iam_access_key',
  'aws_iam_virtual_mfa_device',
  'aws_lambda_function_url',
  'aws_kms_key_policy',
]);

/** Types read only as targets of other resources (the load balancer of a listener). */
const LOOKUP_TYPES = new Set(['aws_lb', 'aws_alb']);

class Normalizer {
  readonly drafts = new Map<string, Draft>();
  private readonly valueIndex = new Map<string, Map<string, TfInstance[]>>();
  private readonly unjoined: string[] = [];
  private readonly skipped = new Map<string, number>();

  constructor(
    readonly doc: TerraformDocument,
    readonly source: ResourceSource,
  ) {}

  uid(address: string): string {
    return this.source.location
      ? `tf:${this.source.location}/${address}`
      : `tf:${address}`;
  }

  run(): NormalizeResult {
    const managed = this.doc.instances.filter(i => i.mode === 'managed');
    for (const inst of managed) {
      const build = PRIMARY_BUILDERS[inst.type];
      if (build) this.drafts.set(inst.address, build(inst, this.doc));
      else if (!JOINED_TYPES.has(inst.type) && !LOOKUP_TYPES.has(inst.type)) {
        this.skipped.set(inst.type, (this.skipped.get(inst.type) ?? 0) + 1);
      }
    }
    for (const inst of managed) {
      if (JOINED_TYPES.has(inst.type)) this.join(inst);
    }
    this.resolveLinks();
    const errors: NormalizeError[] = [...this.doc.errors];
    if (this.skipped.size > 0) {
      const total = [...this.skipped.values()].reduce((a, b) => a + b, 0);
      const list = [...this.skipped.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, n]) => `${type} (${n})`)
        .join(', ');
      errors.push({
        message: `skipped ${total} resource${
          total === 1 ? '' : 's'
        } of unsupported types: ${list}`,
      });
    }
    if (this.unjoined.length > 0) {
      const shown = this.unjoined.slice(0, 5).join(', ');
      const more =
        this.unjoined.length > 5 ? ` and ${this.unjoined.length - 5} more` : '';
      errors.push({
        message: `${this.unjoined.length} resource${
          this.unjoined.length === 1 ? '' : 's'
        } could not be joined to the resource they configure: ${shown}${more}`,
      });
    }
    const resources: Resource[] = [];
    for (const d of this.drafts.values()) resources.push(this.emit(d));
    return { resources, errors };
  }

  // ------------------------------------------------------------ parent lookup

  private indexFor(type: string): Map<string, TfInstance[]> {
    let index = this.valueIndex.get(type);
    if (index) return index;
    index = new Map();
    const keys = VALUE_KEYS[type] ?? ['id', 'arn'];
    for (const inst of this.doc.instances) {
      if (inst.type !== type || inst.mode !== 'managed') continue;
      for (const key of keys) {
        const v = inst.values[key];
        if (typeof v !== 'string' || v === '') continue;
        const list = index.get(v) ?? [];
        if (!list.includes(inst)) list.push(inst);
        index.set(v, list);
      }
    }
    this.valueIndex.set(type, index);
    return index;
  }

  /** Instances of `types` that `inst.attribute` refers to: by configuration reference, else by value. */
  targets(
    inst: TfInstance,
    attribute: string,
    types: ReadonlySet<string>,
  ): TfInstance[] {
    const byRef = this.doc.resolve(inst, attribute, types);
    if (byRef.length > 0) return byRef;
    const found: TfInstance[] = [];
    for (const value of strings(inst.values[attribute])) {
      for (const type of types) {
        let hits = this.indexFor(type).get(value);
        if (
          !hits &&
          value.startsWith('arn:') &&
          type === 'aws_lambda_function'
        ) {
          hits = this.indexFor(type).get(value.replace(/:[^:]+$/, ''));
        }
        for (const hit of hits ?? []) if (!found.includes(hit)) found.push(hit);
      }
    }
    return found;
  }

  private parents(
    inst: TfInstance,
    attribute: string,
    types: ReadonlySet<string>,
  ): Draft[] {
    const out: Draft[] = [];
    for (const t of this.targets(inst, attribute, types)) {
      const d = this.drafts.get(t.address);
      if (d) out.push(d);
    }
    return out;
  }

  // ------------------------------------------------------------ joins

  private join(inst: TfInstance) {
    const v = valuesOf(inst);
    const address = inst.address;
    let joined = 0;
    const each = (
      attribute: string,
      types: ReadonlySet<string>,
      apply: (d: Draft) => void,
    ) => {
      for (const d of this.parents(inst, attribute, types)) {
        apply(d);
        joined++;
      }
    };
    const bucket = (key: keyof S3BucketAttributes, value: unknown) =>
      each('bucket', S3, d => {
        if (value === undefined) return;
        (d.attributes as Record<string, unknown>)[key] = value;
        d.origins[key] = address;
      });
    switch (inst.type) {
      case 'aws_s3_bucket_public_access_block':
        bucket('publicAccessBlock', tfPublicAccessBlock(v, address));
        break;
      case 'aws_s3_bucket_server_side_encryption_configuration':
        bucket(
          'encryption',
          tfEncryption(v, address) ?? {
            source: 'configured',
            origin: { address, path: '' },
          },
        );
        break;
      case 'aws_s3_bucket_logging':
        bucket('logging', tfLogging(v, address));
        break;
      case 'aws_s3_bucket_lifecycle_configuration':
        bucket('lifecycleRules', tfLifecycleRules(v, 'rule', address));
        break;
      case 'aws_s3_bucket_versioning':
        bucket('versioning', tfVersioning(v, address));
        break;
      case 'aws_s3_bucket_policy':
        bucket('policy', tfPolicy(v, 'policy', address));
        break;
      case 'aws_s3_bucket_acl':
        bucket('acl', tfAcl(v, address));
        break;
      case 'aws_s3_bucket_ownership_controls':
        bucket('ownershipControls', tfOwnership(v, address));
        break;
      case 'aws_security_group_rule': {
        const rule = tfSecurityGroupRule(v, address);
        if (rule) {
          each('security_group_id', SG, d =>
            (d.attributes as SecurityGroupAttributes)[rule.direction].push(
              rule,
            ),
          );
        } else joined = -1;
        break;
      }
      case 'aws_vpc_security_group_ingress_rule':
      case 'aws_vpc_security_group_egress_rule': {
        const direction = inst.type.endsWith('ingress_rule')
          ? 'ingress'
          : 'egress';
        const rule = tfVpcSecurityGroupRule(v, direction, address);
        each('security_group_id', SG, d =>
          (d.attributes as SecurityGroupAttributes)[direction].push(rule),
        );
        break;
      }
      case 'aws_iam_role_policy_attachment':
        each('role', ROLE, d => this.attachPolicy(d, inst));
        break;
      case 'aws_iam_user_policy_attachment':
        each('user', USER, d => this.attachPolicy(d, inst));
        break;
      case 'aws_iam_group_policy_attachment':
        each('group', GROUP, d => this.attachPolicy(d, inst));
        break;
      case 'aws_iam_policy_attachment':
        each('roles', ROLE, d => this.attachPolicy(d, inst));
        each('users', USER, d => this.attachPolicy(d, inst));
        each('groups', GROUP, d => this.attachPolicy(d, inst));
        break;
      case 'aws_iam_role_policy':
        each('role', ROLE, d => this.inlinePolicy(d, inst));
        break;
      case 'aws_iam_user_policy':
        each('user', USER, d => this.inlinePolicy(d, inst));
        break;
      case 'aws_iam_group_policy':
        each('group', GROUP, d => this.inlinePolicy(d, inst));
        break;
      case 'aws_iam_user_group_membership': {
        const groups = this.parents(inst, 'groups', GROUP);
        const names = v.strings('groups');
        each('user', USER, d => {
          const user = d.attributes as IamUserAttributes;
          for (const g of groups) this.addMembership(d, g);
          for (const n of names)
            if (!user.groups.includes(n)) user.groups.push(n);
        });
        break;
      }
      case 'aws_iam_group_membership': {
        const users = this.parents(inst, 'users', USER);
        each('group', GROUP, g => {
          for (const u of users) this.addMembership(u, g);
        });
        break;
      }
      case 'aws_iam_user_login_profile':
        each('user', USER, d => {
          (d.attributes as IamUserAttributes).loginProfile = true;
          d.origins.loginProfile = address;
        });
        break;
      case 'aws_iam_access_key':
        each('user', USER, d => {
          const user = d.attributes as IamUserAttributes;
          const status = v.str('status');
          const key: NonNullable<IamUserAttributes['accessKeys']>[number] = {
            status: status === 'Inactive' ? 'Inactive' : 'Active',
            origin: {
              address,
              path: '',
              fields: { createDate: 'create_date' },
            },
          };
          const created = v.str('create_date');
          if (created && created !== KNOWN_AFTER_APPLY)
            key.createDate = created;
          (user.accessKeys ??= []).push(key);
        });
        break;
      case 'aws_iam_virtual_mfa_device':
        each('user_name', USER, d => {
          const user = d.attributes as IamUserAttributes;
          (user.mfaDevices ??= []).push(v.str('arn') ?? address);
        });
        // An MFA device not (yet) associated with a user configures nothing.
        if (joined === 0) joined = -1;
        break;
      case 'aws_lambda_function_url':
        each('function_name', LAMBDA, d => {
          const fn = d.attributes as LambdaAttributes;
          fn.functionUrl = {
            origin: {
              address,
              path: '',
              fields: { authType: 'authorization_type' },
            },
          };
          const auth = v.str('authorization_type');
          if (auth) fn.functionUrl.authType = auth;
          d.origins.functionUrl = address;
        });
        break;
      case 'aws_kms_key_policy':
        each('key_id', KMS, d => {
          const policy = tfPolicy(v, 'policy', address);
          if (policy) (d.attributes as KmsKeyAttributes).policy = policy;
          d.origins.policy = address;
        });
        break;
      default:
        joined = -1;
    }
    if (joined === 0) this.unjoined.push(address);
  }

  private attachPolicy(d: Draft, inst: TfInstance) {
    const principal = d.attributes as IamPrincipalAttributes;
    const v = valuesOf(inst);
    const arn = v.str('policy_arn');
    const ref = managedPolicyRef(arn, {
      address: inst.address,
      path: 'policy_arn',
    });
    const policy = this.targets(inst, 'policy_arn', POLICY)[0];
    if (policy) ref.uid = this.uid(policy.address);
    // Also listed in the role's own `managed_policy_arns`: keep the attachment.
    const same = principal.managedPolicies.findIndex(
      m =>
        m.arn === ref.arn && m.arn !== KNOWN_AFTER_APPLY && !m.origin.address,
    );
    if (same >= 0) principal.managedPolicies.splice(same, 1);
    principal.managedPolicies.push(ref);
  }

  private inlinePolicy(d: Draft, inst: TfInstance) {
    const v = valuesOf(inst);
    const document = tfPolicy(v, 'policy', inst.address);
    if (!document) return;
    const p: InlinePolicy = { document };
    const name = v.str('name');
    if (name && name !== KNOWN_AFTER_APPLY) p.name = name;
    (d.attributes as IamPrincipalAttributes).inlinePolicies.push(p);
  }

  private addMembership(userDraft: Draft, groupDraft: Draft) {
    const user = userDraft.attributes as IamUserAttributes;
    const group = groupDraft.attributes as IamGroupAttributes;
    const uid = this.uid(groupDraft.inst.address);
    if (!user.groupUids.includes(uid)) user.groupUids.push(uid);
    if (!user.groups.includes(group.name)) user.groups.push(group.name);
    const members = (group.members ??= []);
    if (!members.includes(user.name)) members.push(user.name);
  }

  // ------------------------------------------------------------ links resolved after joins

  private resolveLinks() {
    const listenersByLb = new Map<string, Draft[]>();
    for (const d of this.drafts.values()) {
      switch (d.type) {
        case 'aws.rds.instance':
        case 'aws.rds.cluster':
          this.linkSecurityGroups(d);
          break;
        case 'aws.iam.role':
        case 'aws.iam.user':
        case 'aws.iam.group':
          this.linkManagedPolicies(d);
          break;
        case 'aws.elb.listener': {
          const lb = this.targets(d.inst, 'load_balancer_arn', LB)[0];
          const attrs = d.attributes as ListenerAttributes;
          if (lb) {
            attrs.loadBalancer = tfLoadBalancer(lb);
            d.origins.loadBalancer = lb.address;
          }
          const key = lb?.address ?? attrs.loadBalancer?.arn;
          if (key) {
            const list = listenersByLb.get(key) ?? [];
            list.push(d);
            listenersByLb.set(key, list);
          }
          break;
        }
        case 'aws.s3.bucket': {
          const attrs = d.attributes as S3BucketAttributes;
          attrs.exposure = s3Exposure(attrs);
          break;
        }
        default:
      }
    }
    // Cluster members listen on their cluster's port behind its security groups.
    for (const d of this.drafts.values()) {
      if (d.inst.type !== 'aws_rds_cluster_instance') continue;
      const cluster = this.targets(d.inst, 'cluster_identifier', CLUSTER)[0];
      const c = cluster && this.drafts.get(cluster.address);
      if (!c) continue;
      const member = d.attributes as RdsAttributes;
      const parent = c.attributes as RdsAttributes;
      if (member.securityGroups.length === 0) {
        member.securityGroups = parent.securityGroups;
      }
      if (parent.port !== undefined) member.port = parent.port;
    }
    for (const listeners of listenersByLb.values()) {
      listeners.sort((a, b) => a.inst.address.localeCompare(b.inst.address));
      listeners.forEach((l, i) => {
        (l.attributes as ListenerAttributes).reportsLoadBalancer = i === 0;
      });
    }
  }

  private linkSecurityGroups(d: Draft) {
    const attrs = d.attributes as RdsAttributes;
    const byRef = this.doc.resolve(d.inst, 'vpc_security_group_ids', SG);
    if (byRef.length > 0) {
      attrs.securityGroups = byRef.map((sg, i): SecurityGroupRef => {
        const ref: SecurityGroupRef = {
          id: str(sg.values.id) ?? KNOWN_AFTER_APPLY,
          uid: this.uid(sg.address),
          origin: { path: `vpc_security_group_ids[${i}]` },
        };
        return ref;
      });
      d.unknown = d.unknown.filter(u => u !== 'securityGroups');
      return;
    }
    for (const ref of attrs.securityGroups) {
      if (!ref.id) continue;
      for (const type of SG) {
        const hit = this.indexFor(type).get(ref.id)?.[0];
        if (hit) ref.uid = this.uid(hit.address);
      }
    }
  }

  private linkManagedPolicies(d: Draft) {
    const attrs = d.attributes as IamPrincipalAttributes;
    for (const ref of attrs.managedPolicies) {
      if (ref.uid || ref.arn === KNOWN_AFTER_APPLY) continue;
      const hit = this.indexFor('aws_iam_policy').get(ref.arn)?.[0];
      if (hit) ref.uid = this.uid(hit.address);
    }
    // `managed_policy_arns` on a role may reference policies created in the same plan.
    if (d.inst.type === 'aws_iam_role') {
      const refs = this.doc.resolve(d.inst, 'managed_policy_arns', POLICY);
      for (const p of refs) {
        const uid = this.uid(p.address);
        if (attrs.managedPolicies.some(m => m.uid === uid)) continue;
        const known = str(p.values.arn);
        const ref: ManagedPolicyRef = managedPolicyRef(known, {
          path: 'managed_policy_arns',
        });
        ref.uid = uid;
        attrs.managedPolicies.push(ref);
      }
    }
  }

  // ------------------------------------------------------------ output

  private emit(d: Draft): Resource {
    if (d.unknown.length > 0) d.attributes.unknown = d.unknown;
    const resource: Resource = {
      uid: this.uid(d.inst.address),
      type: d.type,
      kind: d.inst.type,
      name: d.name,
      address: d.inst.address,
      source: this.source,
      attributes: d.attributes,
      origins: d.origins,
      raw: sanitize(d.inst.values, d.inst.sensitive),
    };
    if (d.tags) resource.tags = d.tags;
    return resource;
  }
}

/**
 * Normalises `terraform show -json` output, of a plan or of a state, onto the AWS
 * canonical types. Split resources (`aws_s3_bucket_public_access_block`,
 * `aws_security_group_rule`, `aws_iam_role_policy_attachment` …) are joined onto
 * the resource they configure, through the plan's configuration references
 * (module-aware, `count`/`for_each` paired by index) or, when those are missing,
 * by value. Unsupported resource types are skipped with one summarising error;
 * data sources are ignored; malformed documents give errors, never a throw.
 */
export function normalizeTerraformJson(
  doc: unknown,
  source: ResourceSource,
): NormalizeResult {
  if (!isObject(doc)) {
    return {
      resources: [],
      errors: [
        { message: 'not a Terraform JSON document (expected an object)' },
      ],
    };
  }
  if (
    !('planned_values' in doc) &&
    !('resource_changes' in doc) &&
    !('configuration' in doc) &&
    !('values' in doc)
  ) {
    return {
      resources: [],
      errors: [
        {
          message:
            'not `terraform show -json` output: no planned_values, resource_changes or values',
        },
      ],
    };
  }
  try {
    const document = new TerraformDocument(doc);
    const format =
      source.format === 'terraform-plan' || source.format === 'terraform-state'
        ? source
        : {
            ...source,
            format:
              document.kind === 'plan'
                ? ('terraform-plan' as const)
                : ('terraform-state' as const),
          };
    return new Normalizer(document, format).run();
  } catch (e) {
    return {
      resources: [],
      errors: [
        {
          message: `could not read the Terraform document: ${
            e instanceof Error ? e.message : String(e)
          }`,
        },
      ],
    };
  }
}
