import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { readKubernetesProviderConfig } from '../config';
import {
  KubernetesClustersService,
  type SecurityPostureKubernetesService,
} from './KubernetesClustersService';

/**
 * The clusters of `securityPosture.providers.kubernetes`, shared by the Security
 * Posture modules that read clusters (this module's live objects, the
 * policy-reports module), so each cluster is listed once per scan.
 * @public
 */
export const securityPostureKubernetesServiceRef =
  createServiceRef<SecurityPostureKubernetesService>({
    id: 'security-posture.kubernetes-clusters',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
        },
        factory({ config, logger }) {
          return new KubernetesClustersService({
            config: readKubernetesProviderConfig(config),
            logger,
          });
        },
      }),
  });
