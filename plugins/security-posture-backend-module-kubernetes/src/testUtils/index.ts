/**
 * Test helpers for modules that read clusters through this module: a fake
 * Kubernetes API server for msw and a small estate of real-shaped objects.
 *
 * @packageDocumentation
 */

export { FakeApiServer, statusBody, listPath } from './FakeApiServer';
export {
  deploymentWithChildren,
  namespace,
  service,
  serviceAccount,
  configMap,
  networkPolicy,
  role,
  clusterRole,
  roleBinding,
  clusterRoleBinding,
  cronJobWithJob,
  prodClusterObjects,
  euClusterObjects,
  testEntities,
} from './estate';
