import * as engine from '@internal/security-posture-engine';
import type {
  NormalizeResult,
  Normalizers,
  ResourceSource,
} from '@internal/security-posture-engine';

type Normalize = (input: any, source: ResourceSource) => NormalizeResult;

/**
 * Looks a normaliser up on the engine by name. The Terraform and AWS Config
 * normalisers are being finished in the engine package; until the engine exports
 * them, documents of those formats are reported as unsupported rather than
 * breaking the build.
 */
function optionalNormalizer(name: string, format: string): Normalize {
  const fn = (engine as unknown as Record<string, unknown>)[name];
  if (typeof fn === 'function') return fn as Normalize;
  return () => ({
    resources: [],
    errors: [
      {
        message: `${format} documents are not supported by this engine build (${name} missing)`,
      },
    ],
  });
}

/** The engine's normalisers, as the file scanner wants them. */
export const engineNormalizers: Normalizers = {
  kubernetes: engine.normalizeKubernetesObjects,
  terraform: optionalNormalizer('normalizeTerraformJson', 'Terraform JSON'),
  awsConfig: optionalNormalizer('normalizeAwsConfigItems', 'AWS Config'),
};

/** Every canonical type the engine's normalisers produce. */
export const ALL_CANONICAL_TYPES: readonly string[] = [
  'k8s.workload',
  'k8s.namespace',
  'k8s.service',
  'k8s.ingress',
  'k8s.networkpolicy',
  'k8s.serviceaccount',
  'k8s.role',
  'k8s.rolebinding',
  'k8s.secret',
  'k8s.configmap',
  'aws.s3.bucket',
  'aws.rds.instance',
  'aws.rds.cluster',
  'aws.ec2.security_group',
  'aws.iam.policy',
  'aws.iam.role',
  'aws.iam.user',
  'aws.iam.group',
  'aws.elb.listener',
  'aws.cloudfront.distribution',
  'aws.lambda.function',
  'aws.ecs.task_definition',
  'aws.ebs.volume',
  'aws.efs.file_system',
  'aws.kms.key',
  'aws.cloudtrail.trail',
];
