import { normalizeAwsConfigItems } from '../aws/config/normalize';
import { normalizeTerraformJson } from '../aws/terraform/normalize';
import { normalizeKubernetesObjects } from '../kubernetes/normalize';
import type { Normalizers } from './scan';

/** The built-in normalisers: Kubernetes objects, Terraform JSON, AWS Config items. */
export const defaultNormalizers: Normalizers = Object.freeze({
  kubernetes: normalizeKubernetesObjects,
  terraform: normalizeTerraformJson,
  awsConfig: normalizeAwsConfigItems,
});
