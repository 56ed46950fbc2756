import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import { PASS, SKIP, fail } from '../../model/check';
import { attributeEvidence, originEvidence } from '../evidence';
import type {
  EcsTaskDefinitionAttributes,
  EnvironmentVariable,
  LambdaAttributes,
} from '../types';
import { defineAwsCheck, skip } from './define';

const LAMBDA_DOCS = 'https://docs.aws.amazon.com/lambda/latest/dg';
const ECS_DOCS = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide';

/**
 * Lambda runtimes and the date AWS deprecated them (no more security patches), per
 * the Lambda runtime deprecation policy.
 */
export const LAMBDA_RUNTIME_DEPRECATION: Readonly<Record<string, string>> = {
  nodejs: '2016-10-31',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2019-04-30',
  'nodejs6.10': '2019-08-12',
  'nodejs8.10': '2020-03-06',
  'nodejs10.x': '2021-07-30',
  'nodejs12.x': '2023-03-31',
  'nodejs14.x': '2023-12-04',
  'nodejs16.x': '2024-06-12',
  'nodejs18.x': '2025-09-01',
  'python2.7': '2021-07-15',
  'python3.6': '2022-07-18',
  'python3.7': '2023-12-04',
  'python3.8': '2024-10-14',
  'python3.9': '2025-12-15',
  java8: '2024-01-08',
  'dotnetcore1.0': '2019-07-30',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore3.1': '2023-04-03',
  'dotnet5.0': '2022-05-10',
  dotnet6: '2024-12-20',
  dotnet7: '2024-05-14',
  'ruby2.5': '2021-07-30',
  'ruby2.7': '2023-12-07',
  'go1.x': '2024-01-08',
  provided: '2024-01-08',
};

const RUNTIME_DEPRECATION_MS = new Map(
  Object.entries(LAMBDA_RUNTIME_DEPRECATION).map(([r, d]) => [
    r,
    Date.parse(d),
  ]),
);

function secretEvidence(env: EnvironmentVariable[]): Evidence[] | undefined {
  let out: Evidence[] | undefined;
  for (const v of env) {
    if (v.secret !== undefined) {
      (out ??= []).push(originEvidence(v.origin, undefined, v.value));
    }
  }
  return out;
}

/** Secrets in Lambda environment variables. */
export const lambdaPlaintextSecrets = defineAwsCheck<LambdaAttributes>({
  id: 'aws-lambda-plaintext-secrets',
  title: 'Lambda environment variables hold no secrets',
  description:
    'Passwords, tokens and keys in plain environment variables are visible to everyone who can read the function configuration (and in Terraform state and CI logs). Secret-looking values are detected by name (DB_PASSWORD, API_KEY …) or by shape (private keys, AWS keys, tokens, URLs with passwords) and are redacted in findings.',
  severity: 'critical',
  control: 'sensitive_data_classified',
  appliesTo: ['aws.lambda.function'],
  frameworks: {
    'nist-800-53': ['IA-5(7)', 'SC-28'],
    soc2: ['CC6.1'],
    'pci-dss': ['8.6.2'],
    'iso-27001': ['A.5.17', 'A.8.12'],
  },
  remediation: {
    text: 'Store the secret in AWS Secrets Manager or SSM Parameter Store (SecureString), pass its ARN in the environment and read it at start-up (the Parameters and Secrets Lambda extension caches it); rotate the exposed value.',
    url: `${LAMBDA_DOCS}/configuration-envvars.html#configuration-envvars-encryption`,
  },
  evaluate(resource) {
    const env = resource.attributes.environment;
    if (env === undefined)
      return skip('the source does not record environment variables');
    const evidence = secretEvidence(env);
    if (!evidence) return PASS;
    return fail(
      `Function ${resource.attributes.name} has ${
        evidence.length
      } secret-looking environment variable${
        evidence.length === 1 ? '' : 's'
      } in plain text`,
      ...evidence,
    );
  },
});

const NO_RUNTIME = Object.freeze(
  skip('container image function or runtime not known'),
);

/** Deprecated runtime. */
export const lambdaDeprecatedRuntime = defineAwsCheck<LambdaAttributes>({
  id: 'aws-lambda-deprecated-runtime',
  title: 'Lambda function uses a supported runtime',
  description:
    'Deprecated runtimes no longer receive security patches from AWS and eventually cannot be updated.',
  severity: 'medium',
  control: 'images_scanned',
  appliesTo: ['aws.lambda.function'],
  frameworks: {
    'nist-800-53': ['SI-2', 'SA-22'],
    soc2: ['CC7.1'],
    'pci-dss': ['6.3.3'],
    'iso-27001': ['A.8.8'],
  },
  remediation: {
    text: 'Move the function to a supported runtime (for example nodejs22.x, python3.13, java21) and redeploy.',
    url: `${LAMBDA_DOCS}/lambda-runtimes.html`,
  },
  evaluate(resource, ctx) {
    const runtime = resource.attributes.runtime;
    if (runtime === undefined) return NO_RUNTIME;
    const deprecated = RUNTIME_DEPRECATION_MS.get(runtime);
    if (deprecated === undefined || ctx.now.getTime() < deprecated) return PASS;
    return fail(
      `Function ${resource.attributes.name} runs on ${runtime}, deprecated since ${LAMBDA_RUNTIME_DEPRECATION[runtime]}`,
      attributeEvidence(resource, 'runtime', runtime),
    );
  },
});

/** Customer managed key for environment variables. */
export const lambdaEnvironmentKms = defineAwsCheck<LambdaAttributes>({
  id: 'aws-lambda-environment-kms',
  title: 'Lambda environment variables use a customer managed key',
  description:
    'Environment variables are encrypted at rest with an AWS managed key by default; a customer managed KMS key lets you control and audit who can decrypt them.',
  severity: 'low',
  control: 'encryption_at_rest',
  appliesTo: ['aws.lambda.function'],
  frameworks: {
    'nist-800-53': ['SC-12', 'SC-28'],
    soc2: ['CC6.1'],
    'pci-dss': ['3.6.1'],
    'iso-27001': ['A.8.24'],
  },
  remediation: {
    text: 'Set kms_key_arn on the function to a customer managed KMS key.',
    url: `${LAMBDA_DOCS}/configuration-envvars-encryption.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.environment === undefined || a.environment.length === 0) return SKIP;
    if (a.kmsKeyArn !== undefined) return PASS;
    return fail(
      `Function ${a.name} encrypts its environment variables with the AWS managed key`,
      attributeEvidence(resource, 'kmsKeyArn', null),
    );
  },
});

const CONTAINERS_UNKNOWN = Object.freeze(
  skip('the container definitions are not known'),
);

/** Privileged containers. */
export const ecsPrivilegedContainer =
  defineAwsCheck<EcsTaskDefinitionAttributes>({
    id: 'aws-ecs-privileged-container',
    title: 'ECS containers are not privileged',
    description:
      'A privileged container has root access to the host (all devices, all capabilities); escaping it compromises every task on the instance.',
    severity: 'high',
    control: 'no_privileged_containers',
    appliesTo: ['aws.ecs.task_definition'],
    frameworks: {
      'nist-800-53': ['AC-6', 'CM-7'],
      soc2: ['CC6.1', 'CC6.8'],
      'pci-dss': ['2.2.5'],
      'iso-27001': ['A.8.2', 'A.8.9'],
    },
    remediation: {
      text: 'Remove "privileged": true from the container definition; add only the Linux capabilities the container needs.',
      url: `${ECS_DOCS}/task_definition_parameters.html#container_definition_security`,
    },
    evaluate(resource) {
      const a = resource.attributes;
      if (a.containersUnknown) return CONTAINERS_UNKNOWN;
      let bad: Evidence[] | undefined;
      for (const c of a.containers) {
        if (c.privileged === true) {
          (bad ??= []).push(originEvidence(c.origin, 'privileged', true));
        }
      }
      if (!bad) return PASS;
      return fail(
        `Task definition ${a.family} runs privileged containers`,
        ...bad,
      );
    },
  });

/** Host network or PID namespace. */
export const ecsHostNamespaces = defineAwsCheck<EcsTaskDefinitionAttributes>({
  id: 'aws-ecs-host-namespaces',
  title: 'ECS tasks do not share host namespaces',
  description:
    "Tasks in host network mode or with pidMode host share the instance's network stack or process table: they can bind host ports, sniff traffic and see or signal other processes.",
  severity: 'high',
  control: 'no_privileged_containers',
  appliesTo: ['aws.ecs.task_definition'],
  frameworks: {
    'nist-800-53': ['SC-39', 'CM-7'],
    soc2: ['CC6.8'],
    'pci-dss': ['2.2.5'],
    'iso-27001': ['A.8.9', 'A.8.22'],
  },
  remediation: {
    text: 'Use network_mode = "awsvpc" (or bridge) and leave pid_mode unset or "task".',
    url: `${ECS_DOCS}/task-networking.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    const host = a.networkMode === 'host';
    const pid = a.pidMode === 'host';
    if (!host && !pid) return PASS;
    const evidence: Evidence[] = [];
    if (host) evidence.push(attributeEvidence(resource, 'networkMode', 'host'));
    if (pid) evidence.push(attributeEvidence(resource, 'pidMode', 'host'));
    return fail(
      `Task definition ${a.family} shares the host's ${host ? 'network' : ''}${
        host && pid ? ' and ' : ''
      }${pid ? 'process' : ''} namespace`,
      ...evidence,
    );
  },
});

/** Secrets in container environment. */
export const ecsPlaintextSecrets = defineAwsCheck<EcsTaskDefinitionAttributes>({
  id: 'aws-ecs-plaintext-secrets',
  title: 'ECS container environment holds no secrets',
  description:
    "Secret values in a container definition's environment are visible to everyone who can describe the task definition, and are stored in every revision forever. Use the secrets list (Secrets Manager or Parameter Store references) instead.",
  severity: 'critical',
  control: 'sensitive_data_classified',
  appliesTo: ['aws.ecs.task_definition'],
  frameworks: {
    'nist-800-53': ['IA-5(7)', 'SC-28'],
    soc2: ['CC6.1'],
    'pci-dss': ['8.6.2'],
    'iso-27001': ['A.5.17', 'A.8.12'],
  },
  remediation: {
    text: 'Move the value to Secrets Manager or SSM Parameter Store and reference it from the container definition\'s "secrets" list (name + valueFrom); rotate the exposed value and deregister old revisions.',
    url: `${ECS_DOCS}/specifying-sensitive-data.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.containersUnknown) return CONTAINERS_UNKNOWN;
    let evidence: Evidence[] | undefined;
    for (const c of a.containers) {
      const e = secretEvidence(c.environment);
      if (e) (evidence ??= []).push(...e);
    }
    if (!evidence) return PASS;
    return fail(
      `Task definition ${a.family} has ${
        evidence.length
      } secret-looking environment variable${
        evidence.length === 1 ? '' : 's'
      } in plain text`,
      ...evidence,
    );
  },
});

function runsAsRoot(user: string | undefined): boolean {
  if (user === undefined || user === '') return true;
  const name = user.split(':')[0];
  return name === 'root' || name === '0';
}

/** Containers running as root. */
export const ecsRootUser = defineAwsCheck<EcsTaskDefinitionAttributes>({
  id: 'aws-ecs-root-user',
  title: 'ECS containers run as a non-root user',
  description:
    'A container without a user (or with user root/0) runs as root unless its image says otherwise; a process escaping it is root on the host.',
  severity: 'medium',
  control: 'pod_security_standards',
  appliesTo: ['aws.ecs.task_definition'],
  frameworks: {
    'nist-800-53': ['AC-6', 'CM-7'],
    soc2: ['CC6.8'],
    'pci-dss': ['2.2.5'],
    'iso-27001': ['A.8.2'],
  },
  remediation: {
    text: 'Set "user" in the container definition to a non-root UID (for example "1000:1000") and build the image to run as that user.',
    url: `${ECS_DOCS}/task_definition_parameters.html#container_definition_security`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.containersUnknown) return CONTAINERS_UNKNOWN;
    let bad: Evidence[] | undefined;
    for (const c of a.containers) {
      if (runsAsRoot(c.user)) {
        (bad ??= []).push(originEvidence(c.origin, 'user', c.user ?? null));
      }
    }
    if (!bad) return PASS;
    return fail(`Task definition ${a.family} runs containers as root`, ...bad);
  },
});

/** Read-only root file system. */
export const ecsReadonlyRootFilesystem =
  defineAwsCheck<EcsTaskDefinitionAttributes>({
    id: 'aws-ecs-readonly-root-filesystem',
    title: 'ECS containers have a read-only root file system',
    description:
      'A writable root file system lets an attacker drop tools and modify binaries inside the container.',
    severity: 'low',
    control: 'pod_security_standards',
    appliesTo: ['aws.ecs.task_definition'],
    frameworks: {
      'nist-800-53': ['CM-7', 'SI-7'],
      soc2: ['CC6.8'],
      'iso-27001': ['A.8.9'],
    },
    remediation: {
      text: 'Set "readonlyRootFilesystem": true and mount volumes for the paths the application writes to.',
      url: `${ECS_DOCS}/task_definition_parameters.html#container_definition_storage`,
    },
    evaluate(resource) {
      const a = resource.attributes;
      if (a.containersUnknown) return CONTAINERS_UNKNOWN;
      let bad: Evidence[] | undefined;
      for (const c of a.containers) {
        if (c.readonlyRootFilesystem !== true) {
          (bad ??= []).push(
            originEvidence(
              c.origin,
              'readonlyRootFilesystem',
              c.readonlyRootFilesystem ?? null,
            ),
          );
        }
      }
      if (!bad) return PASS;
      return fail(
        `Task definition ${a.family} has containers with a writable root file system`,
        ...bad,
      );
    },
  });

/** The image reference is mutable: no digest and a `latest` or missing tag. */
export function isMutableImage(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return true;
  return image.slice(colon + 1) === 'latest';
}

/** Mutable image references. */
export const ecsImageMutableTag = defineAwsCheck<EcsTaskDefinitionAttributes>({
  id: 'aws-ecs-image-mutable-tag',
  title: 'ECS images are pinned',
  description:
    'An image referenced by "latest" or without a tag can change under a running service, so what was scanned is not what runs.',
  severity: 'low',
  control: 'images_scanned',
  appliesTo: ['aws.ecs.task_definition'],
  frameworks: {
    'nist-800-53': ['CM-2', 'SI-7'],
    soc2: ['CC8.1'],
    'pci-dss': ['6.3.2'],
    'iso-27001': ['A.8.19'],
  },
  remediation: {
    text: 'Reference images by digest (repository@sha256:…) or by an immutable version tag from an ECR repository with tag immutability and scan on push.',
    url: `${ECS_DOCS}/container-considerations.html`,
  },
  evaluate(resource) {
    const a = resource.attributes;
    if (a.containersUnknown) return CONTAINERS_UNKNOWN;
    let bad: Evidence[] | undefined;
    for (const c of a.containers) {
      if (c.image !== undefined && isMutableImage(c.image)) {
        (bad ??= []).push(originEvidence(c.origin, 'image', c.image));
      }
    }
    if (!bad) return PASS;
    return fail(
      `Task definition ${a.family} uses mutable image references`,
      ...bad,
    );
  },
});

/** The Lambda and ECS checks. */
export const COMPUTE_CHECKS = [
  lambdaPlaintextSecrets,
  lambdaDeprecatedRuntime,
  lambdaEnvironmentKms,
  ecsPrivilegedContainer,
  ecsHostNamespaces,
  ecsPlaintextSecrets,
  ecsRootUser,
  ecsReadonlyRootFilesystem,
  ecsImageMutableTag,
];
