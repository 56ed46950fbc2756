/**
 * The canonical resource model: every source (manifest files, Terraform plan/state,
 * AWS Config, live clusters) is normalised onto these types so one check serves all.
 */

/** Kubernetes canonical types. */
export type KubernetesResourceType =
  /** Anything that carries a pod spec: Pod and every pod controller. */
  | 'k8s.workload'
  | 'k8s.namespace'
  | 'k8s.service'
  | 'k8s.ingress'
  | 'k8s.networkpolicy'
  | 'k8s.serviceaccount'
  /** Role and ClusterRole */
  | 'k8s.role'
  /** RoleBinding and ClusterRoleBinding */
  | 'k8s.rolebinding'
  | 'k8s.secret'
  | 'k8s.configmap';

/** AWS canonical types (from Terraform plan/state or AWS Config). */
export type AwsResourceType =
  | 'aws.s3.bucket'
  | 'aws.rds.instance'
  | 'aws.rds.cluster'
  | 'aws.ec2.security_group'
  | 'aws.iam.policy'
  | 'aws.iam.role'
  | 'aws.iam.user'
  | 'aws.iam.group'
  | 'aws.elb.listener'
  | 'aws.cloudfront.distribution'
  | 'aws.lambda.function'
  | 'aws.ecs.task_definition'
  | 'aws.ebs.volume'
  | 'aws.efs.file_system'
  | 'aws.kms.key'
  | 'aws.cloudtrail.trail';

/** The canonical types the engine itself normalises to and checks. */
export type BuiltInCanonicalType = KubernetesResourceType | AwsResourceType;

/**
 * Every canonical type: the built-in ones, or a type added by an extension (for
 * example `import.policy-report` or `import.sarif`, the results other scanners
 * produced), named `<source>.<type>`. Any string is accepted, while editors still
 * suggest the built-in names.
 */
export type CanonicalType = BuiltInCanonicalType | (string & {});

/** The document format a resource was read from. */
export type SourceFormat =
  | 'kubernetes-yaml'
  | 'kubernetes-json'
  | 'kubernetes-live'
  | 'terraform-plan'
  | 'terraform-state'
  | 'aws-config'
  | 'policy-report'
  | 'sarif';

/** Where a resource came from. */
export interface ResourceSource {
  format: SourceFormat;
  /** File (path or URL) the document was read from, when it was a file. */
  file?: string;
  /** Provider id that produced it (`manifests`, `kubernetes`, `aws` …). */
  provider?: string;
  /** Cluster, account/region or other location inside the provider. */
  location?: string;
  /** Index of the document inside a multi-document file. */
  document?: number;
}

/**
 * One thing that can be misconfigured, normalised to a canonical type.
 *
 * `attributes` is typed per canonical type by the normaliser that produced it (see
 * `kubernetes/types.ts`, `aws/types.ts`). `raw` is the source document, sanitised
 * (Secret values removed), kept for evidence and for policy engines that evaluate
 * the original object (Kyverno, CEL).
 */
export interface Resource<A = unknown> {
  /**
   * Stable identity across scans, unique within a source, e.g.
   * `k8s:<location>/<apiVersion>/<Kind>/<namespace>/<name>`, `tf:<address>`, an ARN.
   */
  uid: string;
  type: CanonicalType;
  /** The original kind or resource type: `Deployment`, `aws_s3_bucket`, `AWS::S3::Bucket`. */
  kind: string;
  name: string;
  namespace?: string;
  /** Terraform address including the module path (`module.app.aws_s3_bucket.logs`). */
  address?: string;
  source: ResourceSource;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Cloud tags. */
  tags?: Record<string, string>;
  attributes: A;
  /**
   * Where canonical attributes came from, for evidence paths: attribute name →
   * path prefix in the source (e.g. `podSpec` → `spec.template.spec`, or
   * `publicAccessBlock` → `aws_s3_bucket_public_access_block.logs`).
   */
  origins?: Record<string, string>;
  raw?: unknown;
}

/** A document that could not be normalised (the rest of the file still is). */
export interface NormalizeError {
  message: string;
  /** Index of the document inside a multi-document file. */
  document?: number;
  /** Path inside the document, when known. */
  path?: string;
}

/** What a normaliser returns for one file or document set. */
export interface NormalizeResult {
  resources: Resource[];
  errors: NormalizeError[];
}
