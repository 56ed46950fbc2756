import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { securityPostureResourceProvidersExtensionPoint } from '@internal/backstage-plugin-security-posture-node';
import { KubernetesResourceProvider } from './provider/KubernetesResourceProvider';
import { securityPostureKubernetesServiceRef } from './service/serviceRef';

/**
 * Reads live objects from the clusters of `securityPosture.providers.kubernetes`
 * (one provider per cluster). Without clusters it stays idle and says so once.
 * @public
 */
export const securityPostureModuleKubernetes = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'kubernetes',
  register(reg) {
    reg.registerInit({
      deps: {
        logger: coreServices.logger,
        providers: securityPostureResourceProvidersExtensionPoint,
        kubernetes: securityPostureKubernetesServiceRef,
      },
      async init({ logger, providers, kubernetes }) {
        for (const warning of kubernetes.warnings) {
          logger.warn(`Security posture Kubernetes provider: ${warning}`);
        }
        if (kubernetes.clusters.length === 0) {
          logger.info(
            'Security posture Kubernetes provider is idle: no cluster is configured under securityPosture.providers.kubernetes.clusters',
          );
          return;
        }
        const types: string[] = [];
        for (const k of kubernetes.kinds) {
          if (k.type && !types.includes(k.type)) types.push(k.type);
        }
        providers.addResourceProvider(
          kubernetes.clusters.map(
            c => new KubernetesResourceProvider(c.name, kubernetes, types),
          ),
        );
        logger.info(
          `Security posture Kubernetes provider reads ${
            kubernetes.clusters.length
          } cluster(s): ${kubernetes.clusters.map(c => c.name).join(', ')}`,
        );
      },
    });
  },
});
