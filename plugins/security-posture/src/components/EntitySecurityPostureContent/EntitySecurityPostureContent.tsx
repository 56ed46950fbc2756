import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';

/**
 * The Security Posture tab of an entity page.
 *
 * @public
 */
export const EntitySecurityPostureContent = () => {
  const { entity } = useEntity();
  return (
    <InfoCard title="Security Posture">
      <Typography variant="body1">
        Posture of {stringifyEntityRef(entity)} has not been computed yet.
      </Typography>
    </InfoCard>
  );
};
