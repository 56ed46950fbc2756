import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { securityPostureKubernetesServiceRef } from '@internal/backstage-plugin-security-posture-backend-module-kubernetes';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import {
  resolveControls,
  type ScoringConfig,
} from '@internal/security-posture-engine';
import { readPolicyReportsConfig } from './config';
import { createImportedChecks } from './imported';
import { DEFAULT_MAPPING, ResultMapping } from './mapping';
import { PolicyReportsProvider } from './provider/PolicyReportsProvider';

/**
 * Imports the PolicyReports of the clusters of
 * `securityPosture.providers.kubernetes` (Kyverno, Kubescape, Trivy operator) as
 * findings on the owning entities. Without clusters it stays idle and says so once.
 * @public
 */
export const securityPostureModulePolicyReports = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'policy-reports',
  register(reg) {
    reg.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        providers: securityPostureResourceProvidersExtensionPoint,
        checks: securityPostureChecksExtensionPoint,
        kubernetes: securityPostureKubernetesServiceRef,
      },
      async init({ logger, config, providers, checks, kubernetes }) {
        const settings = readPolicyReportsConfig(config);
        if (!settings.enabled) {
          logger.info(
            'Security posture policy-reports provider is disabled (securityPosture.providers.policyReports.enabled: false)',
          );
          return;
        }
        const known = new Set(kubernetes.clusters.map(c => c.name));
        for (const name of settings.clusters ?? []) {
          if (!known.has(name)) {
            throw new Error(
              `securityPosture.providers.policyReports.clusters names "${name}", which is not a cluster of securityPosture.providers.kubernetes.clusters`,
            );
          }
        }
        const clusters = kubernetes.clusters
          .map(c => c.name)
          .filter(
            name => !settings.clusters || settings.clusters.includes(name),
          );
        if (clusters.length === 0) {
          logger.info(
            'Security posture policy-reports provider is idle: no cluster is configured under securityPosture.providers.kubernetes.clusters',
          );
          return;
        }
        const scoring = (config.getOptional('securityPosture.scoring') ??
          {}) as ScoringConfig;
        const mapping = new ResultMapping(
          [
            ...settings.mapping,
            ...(settings.useDefaultMapping ? DEFAULT_MAPPING : []),
          ],
          resolveControls(scoring),
          { warnAs: settings.warnAs, userRules: settings.mapping.length },
        );
        checks.addChecks(createImportedChecks(mapping));
        providers.addResourceProvider(
          clusters.map(
            cluster =>
              new PolicyReportsProvider(cluster, {
                kubernetes,
                mapping,
                logger,
              }),
          ),
        );
        logger.info(
          `Security posture policy-reports provider imports from ${
            clusters.length
          } cluster(s): ${clusters.join(', ')}`,
        );
      },
    });
  },
});
