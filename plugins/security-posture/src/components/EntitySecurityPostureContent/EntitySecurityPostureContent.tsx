import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityPostureView } from './EntityPostureView';
import { TeamPostureView } from '../GroupSecurityPostureContent/TeamPostureView';

/**
 * The Security Posture tab of an entity page. On a Group it shows the team view.
 *
 * @public
 */
export const EntitySecurityPostureContent = () => {
  const { entity } = useEntity();
  if (entity.kind.toLocaleLowerCase('en-US') === 'group') {
    return <TeamPostureView entity={entity} />;
  }
  return <EntityPostureView entity={entity} />;
};
