import { useEntity } from '@backstage/plugin-catalog-react';
import { TeamPostureView } from './TeamPostureView';

/**
 * The team view for Group entity pages: the team's roll-up score, its entities
 * ranked and the worst findings across them.
 *
 * @public
 */
export const GroupSecurityPostureContent = () => {
  const { entity } = useEntity();
  return <TeamPostureView entity={entity} />;
};
