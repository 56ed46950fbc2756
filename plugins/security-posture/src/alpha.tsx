import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The Security Posture tab on entity pages. @alpha */
export const securityPostureEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/security-posture',
    title: 'Security Posture',
    filter: 'kind:component',
    loader: () =>
      import('./components/EntitySecurityPostureContent').then(m => (
        <m.EntitySecurityPostureContent />
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
  info: { packageJson: () => import('../package.json') },
  extensions: [securityPostureEntityContent],
});
