import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  securityPostureResourceProvidersExtensionPoint,
  type SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import { securityPostureModuleAws } from './module';

/** A stand-in for the backend plugin that only collects the providers. */
function collector(into: SecurityPostureResourceProvider[]) {
  return createBackendPlugin({
    pluginId: 'security-posture',
    register(env) {
      env.registerExtensionPoint(
        securityPostureResourceProvidersExtensionPoint,
        {
          addResourceProvider(...added) {
            into.push(...added.flat());
          },
        },
      );
      env.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('securityPostureModuleAws', () => {
  it('stays idle with one info line when no account is configured', async () => {
    const logger = mockServices.logger.mock();
    const providers: SecurityPostureResourceProvider[] = [];
    await startTestBackend({
      features: [
        collector(providers),
        securityPostureModuleAws,
        catalogServiceMock.factory(),
        logger.factory,
      ],
    });
    expect(providers).toEqual([]);
    const lines = logger.info.mock.calls.map(c => String(c[0]));
    expect(lines.filter(l => /AWS provider is idle/.test(l))).toHaveLength(1);
    expect(logger.error).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('adds one provider per configured account', async () => {
    const providers: SecurityPostureResourceProvider[] = [];
    await startTestBackend({
      features: [
        collector(providers),
        securityPostureModuleAws,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            securityPosture: {
              providers: {
                aws: {
                  accounts: [
                    { accountId: '111111111111', regions: ['eu-west-1'] },
                    {
                      accountId: '222222222222',
                      name: 'payments-prod',
                      regions: ['eu-west-1', 'eu-central-1'],
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
    });
    expect(providers.map(p => p.id)).toEqual([
      'aws:111111111111',
      'aws:payments-prod',
    ]);
    expect(providers[0].resourceTypes).toContain('aws.s3.bucket');
    expect(providers[0].resourceTypes).toContain('aws.iam.user');
  });
});
