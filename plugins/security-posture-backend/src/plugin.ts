import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { SecurityPostureStore } from './database/SecurityPostureStore';
import { createRouter } from './router';

/**
 * The Security Posture backend plugin.
 *
 * @public
 */
export const securityPosturePlugin = createBackendPlugin({
  pluginId: 'security-posture',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, logger }) {
        await SecurityPostureStore.create({ database });
        httpRouter.use(await createRouter());
        httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        logger.info('Security Posture backend started');
      },
    });
  },
});
