import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';
import { securityPostureResourceProvidersExtensionPoint } from '@internal/backstage-plugin-security-posture-node';
import { AwsConfigResourceProvider } from './AwsConfigResourceProvider';
import { readAwsProviderConfig } from './config';

/**
 * Reads live AWS resources through AWS Config for the accounts of
 * `securityPosture.providers.aws.accounts` (one provider per account). Without
 * accounts it stays idle and says so once.
 * @public
 */
export const securityPostureModuleAws = createBackendModule({
  pluginId: 'security-posture',
  moduleId: 'aws',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        providers: securityPostureResourceProvidersExtensionPoint,
      },
      async init({ config, logger, providers }) {
        const aws = readAwsProviderConfig(config);
        if (aws.accounts.length === 0) {
          logger.info(
            'Security posture AWS provider is idle: no account is configured under securityPosture.providers.aws.accounts',
          );
          return;
        }
        const credentialsManager =
          DefaultAwsCredentialsManager.fromConfig(config);
        providers.addResourceProvider(
          aws.accounts.map(
            account =>
              new AwsConfigResourceProvider({
                account,
                config: aws,
                credentialsManager,
                logger,
              }),
          ),
        );
        logger.info(
          `Security posture AWS provider reads ${
            aws.accounts.length
          } account(s): ${aws.accounts
            .map(a =>
              a.aggregator
                ? `${a.name} (aggregator ${a.aggregator} in ${a.regions[0]})`
                : `${a.name} (${a.regions.join(', ')})`,
            )
            .join('; ')}`,
        );
      },
    });
  },
});
