import {
  createComponentExtension,
  createPlugin,
} from '@backstage/core-plugin-api';
import { rootRouteRef } from './routes';

/**
 * The Security Posture frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const securityPosturePlugin = createPlugin({
  id: 'security-posture',
  routes: {
    root: rootRouteRef,
  },
});

/**
 * Security Posture tab content for entity pages.
 *
 * @public
 */
export const EntitySecurityPostureContent = securityPosturePlugin.provide(
  createComponentExtension({
    name: 'EntitySecurityPostureContent',
    component: {
      lazy: () =>
        import('./components/EntitySecurityPostureContent').then(
          m => m.EntitySecurityPostureContent,
        ),
    },
  }),
);
