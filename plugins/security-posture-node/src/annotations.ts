/**
 * Catalog annotations read by the Security Posture backend and its provider modules.
 */

/**
 * Comma-separated files or directories (Kubernetes YAML/JSON, Terraform plan/state
 * JSON, AWS Config items JSON; the format is detected), relative to the entity's
 * catalog file, or absolute URLs.
 * @public
 */
export const ANNOTATION_MANIFESTS = 'security-posture.backstage.io/manifests';

/**
 * Optional comma-separated Terraform address prefixes (`module.payments`,
 * `aws_s3_bucket.ledger`) restricting which resources of the manifests the entity
 * owns. Resources outside them are reported as unowned unless another entity
 * claims them.
 * @public
 */
export const ANNOTATION_TERRAFORM_ADDRESSES =
  'security-posture.backstage.io/terraform-addresses';

/**
 * Exemptions declared in the entity's own catalog data: a YAML or JSON list of
 * `{ check, resource?, reason, approver, ticket?, expires }` (or
 * `{ exemptions: [...] }`). They apply to the entity that declares them only.
 * @public
 */
export const ANNOTATION_EXEMPTIONS = 'security-posture.backstage.io/exemptions';

/** The Kubernetes plugin's id annotation (matches the `backstage.io/kubernetes-id` label). @public */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** The Kubernetes plugin's label selector annotation. @public */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';

/** The Kubernetes plugin's namespace annotation. @public */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/**
 * Comma-separated SARIF files or directories (tfsec, Trivy, Checkov reports),
 * relative to the entity's catalog file like {@link ANNOTATION_MANIFESTS}, or
 * absolute http(s) URLs. Read by the SARIF import module.
 * @public
 */
export const ANNOTATION_SARIF = 'security-posture.backstage.io/sarif';

/**
 * Comma-separated ARNs of the cloud resources the entity owns; `*` in an ARN
 * matches any characters (`arn:aws:s3:::acme-exports-*`). Matched against the
 * `arns` ownership hint of listed resources.
 * @public
 */
export const ANNOTATION_AWS_ARN = 'security-posture.backstage.io/aws-arn';

/**
 * The annotations an `arns` ownership hint is matched against unless the provider
 * names its own (`arnAnnotations` of the provider): ours, the
 * generic `aws.amazon.com/arn`, and the per-type ones Roadie's AWS catalog module
 * writes on the Resource entities it creates.
 * @public
 */
export const DEFAULT_ARN_ANNOTATIONS: readonly string[] = [
  ANNOTATION_AWS_ARN,
  'aws.amazon.com/arn',
  'amazon.com/s3-bucket-arn',
  'amazon.com/lambda-function-arn',
  'amazon.com/iam-role-arn',
  'amazon.com/iam-user-arn',
  'amazon.com/dynamo-db-table-arn',
  'amazon.com/eks-cluster-arn',
];

/** Where the catalog read the entity from (`url:…` or `file:…`). @public */
export const ANNOTATION_MANAGED_BY_LOCATION =
  'backstage.io/managed-by-location';

/** Where the entity's source code lives (`url:…`). @public */
export const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * Splits a comma-separated annotation value into trimmed, non-empty items.
 * @public
 */
export function splitAnnotationList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map(item => item.trim())
    .filter(item => item.length > 0);
}
