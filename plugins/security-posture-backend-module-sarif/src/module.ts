import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import {
  securityPostureChecksExtensionPoint,
  securityPostureResourceProvidersExtensionPoint,
} from '@internal/backstage-plugin-security-posture-node';
import { readSarifProviderConfig } from './config';
import { createSarifChecks } from './findings';
import { SarifResourceProvider } from './SarifResourceProvider';

/**
 * Imports SARIF results (tfsec, Trivy, Checkov …) from the files named by the
 * entities' `security-posture.backstage.io/sarif` annotation, and adds the checks
 * that score them in the same scorecard as the built-in checks.
 * @public
 */
export const securityPostureModuleSarif = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'sarif',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        providers: securityPostureResourceProvidersExtensionPoint,
        checks: securityPostureChecksExtensionPoint,
      },
      async init({ config, logger, urlReader, providers, checks }) {
        const sarif = readSarifProviderConfig(config);
        if (!sarif.enabled) {
          logger.info(
            'Security posture SARIF import is disabled (securityPosture.providers.sarif.enabled: false)',
          );
          return;
        }
        for (const warning of sarif.warnings) {
          logger.warn(`Security posture SARIF import: ${warning}`);
        }
        const generated = createSarifChecks(sarif.mapping, {
          controlTitles: sarif.controlTitles,
          remediationUrl: sarif.remediationUrl,
        });
        checks.addChecks(generated);
        providers.addResourceProvider(
          new SarifResourceProvider({
            urlReader,
            integrations: ScmIntegrations.fromConfig(config),
            logger,
            config: sarif,
          }),
        );
        logger.info(
          `Security posture SARIF import reads the files of the security-posture.backstage.io/sarif annotation (${generated.length} import checks)`,
        );
      },
    });
  },
});
