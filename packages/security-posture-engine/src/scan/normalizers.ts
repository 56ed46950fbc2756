import { normalizeAwsConfigItems, normalizeTerraformJson } from '../aws';
import { normalizeKubernetesObjects } from '../kubernetes';
import type { Normalizers } from './scan';

/** The built-in normalisers: Kubernetes objects, Terraform JSON, AWS Config items. */
export const defaultNormalizers: Normalizers = Object.freeze({
  kubernetes: normalizeKubernetesObjects,
  terraform: normalizeTerraformJson,
  awsConfig: normalizeAwsConfigItems,
});
