/**
 * Security Posture backend module reading live Kubernetes clusters: objects
 * attributed to catalog entities through the Kubernetes plugin's annotations,
 * namespace-level objects, and what no entity claims.
 *
 * @packageDocumentation
 */

export { securityPostureModuleKubernetes as default } from './module';
export { securityPostureKubernetesServiceRef } from './service/serviceRef';
export type { SecurityPostureKubernetesService } from './service/KubernetesClustersService';
export { KubernetesClustersService } from './service/KubernetesClustersService';
export { KubernetesResourceProvider } from './provider/KubernetesResourceProvider';
export {
  readKubernetesProviderConfig,
  type KubernetesClusterConfig,
  type KubernetesProviderConfig,
} from './config';
export {
  KUBERNETES_KINDS,
  DEFAULT_KUBERNETES_KINDS,
  type KubernetesKindSpec,
} from './kinds';
export {
  KubernetesApiClient,
  KubernetesApiError,
  type JsonObject,
} from './client/KubernetesApiClient';
export {
  parseLabelSelector,
  matchesLabelSelector,
  type LabelSelector,
  type LabelRequirement,
} from './labelSelector';
export {
  ANNOTATION_KUBERNETES_CLUSTER,
  EntityIndex,
} from './ownership/EntityIndex';
export type {
  ClusterSnapshot,
  ObjectRef,
  OwnedResource,
} from './ownership/ClusterSnapshot';
