import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import SecurityIcon from '@material-ui/icons/Security';
import { securityPostureApiRef, SecurityPostureClient } from './api';

/** Route of the Security Posture page; the app's navigation lists pages with a route ref. @alpha */
export const securityPosturePageRouteRef = createRouteRef();

/** The Security Posture API client. @alpha */
export const securityPostureApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: securityPostureApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SecurityPostureClient({ discoveryApi, fetchApi }),
    }),
});

/** The Security Posture tab on Component, Resource and System pages. @alpha */
export const securityPostureEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/security-posture',
    title: 'Security Posture',
    filter: { kind: { $in: ['component', 'resource', 'system'] } },
    loader: () =>
      import('./components/EntitySecurityPostureContent').then(m => (
        <m.EntitySecurityPostureContent />
      )),
  },
});

/** The Security Posture tab on Group pages: the team view. @alpha */
export const securityPostureGroupContent = EntityContentBlueprint.make({
  name: 'group',
  params: {
    path: '/security-posture',
    title: 'Security Posture',
    filter: { kind: 'group' },
    loader: () =>
      import('./components/GroupSecurityPostureContent').then(m => (
        <m.GroupSecurityPostureContent />
      )),
  },
});

/** Overview card with score, grade, trend and weakest category. @alpha */
export const securityPostureEntityCard = EntityCardBlueprint.make({
  params: {
    filter: { kind: { $in: ['component', 'resource', 'system'] } },
    loader: () =>
      import('./components/EntitySecurityPostureCard').then(m => (
        <m.EntitySecurityPostureCard />
      )),
  },
});

/** The Security Posture page at `/security-posture`, listed in the app's navigation. @alpha */
export const securityPosturePage = PageBlueprint.make({
  params: {
    path: '/security-posture',
    title: 'Security Posture',
    icon: <SecurityIcon />,
    routeRef: securityPosturePageRouteRef,
    loader: () =>
      import('./components/SecurityPosturePage').then(m => (
        <m.SecurityPostureContent />
      )),
  },
});

/**
 * The Security Posture plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'security-posture',
  title: 'Security Posture',
  icon: <SecurityIcon />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: securityPosturePageRouteRef },
  extensions: [
    securityPostureApi,
    securityPostureEntityContent,
    securityPostureGroupContent,
    securityPostureEntityCard,
    securityPosturePage,
  ],
});
