import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { securityPostureApiRef, SecurityPostureClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The Security Posture frontend plugin, for apps on the legacy frontend system.
 *
 * @public
 */
export const securityPosturePlugin = createPlugin({
  id: 'security-posture',
  apis: [
    createApiFactory({
      api: securityPostureApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SecurityPostureClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * Security Posture tab content for entity pages (Component, Resource, System;
 * on a Group it renders the team view).
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

/**
 * Overview card for entity pages: score, grade, trend, weakest category.
 *
 * @public
 */
export const EntitySecurityPostureCard = securityPosturePlugin.provide(
  createComponentExtension({
    name: 'EntitySecurityPostureCard',
    component: {
      lazy: () =>
        import('./components/EntitySecurityPostureCard').then(
          m => m.EntitySecurityPostureCard,
        ),
    },
  }),
);

/**
 * Team view for Group entity pages.
 *
 * @public
 */
export const GroupSecurityPostureContent = securityPosturePlugin.provide(
  createComponentExtension({
    name: 'GroupSecurityPostureContent',
    component: {
      lazy: () =>
        import('./components/GroupSecurityPostureContent').then(
          m => m.GroupSecurityPostureContent,
        ),
    },
  }),
);

/**
 * The Security Posture page: team leaderboard, ownership report, frameworks.
 *
 * @public
 */
export const SecurityPosturePage = securityPosturePlugin.provide(
  createRoutableExtension({
    name: 'SecurityPosturePage',
    component: () =>
      import('./components/SecurityPosturePage').then(
        m => m.SecurityPosturePage,
      ),
    mountPoint: rootRouteRef,
  }),
);
