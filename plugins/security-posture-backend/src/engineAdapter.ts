import {
  normalizeAwsConfigItems,
  normalizeKubernetesObjects,
  normalizeTerraformJson,
  type Normalizers,
} from '@internal/security-posture-engine';

/** The engine's normalisers, as the file scanner wants them. */
export const engineNormalizers: Normalizers = {
  kubernetes: normalizeKubernetesObjects,
  terraform: normalizeTerraformJson,
  awsConfig: normalizeAwsConfigItems,
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
