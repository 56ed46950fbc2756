import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { securityPostureApiRef, type EntityName } from '../../api';
import { ChangeList } from './ChangeList';

/**
 * What recent scans changed for an entity, regressions flagged with their
 * reasons and whether the owners were notified.
 */
export function RegressionsCard(props: {
  entity: EntityName;
  reloadKey?: number;
}) {
  const api = useApi(securityPostureApiRef);
  const { entity } = props;
  const { value, loading, error } = useAsync(
    () => api.getEntityChanges(entity, { limit: 10 }),
    [api, entity.kind, entity.namespace, entity.name, props.reloadKey],
  );
  let body: JSX.Element;
  if (loading && !value) body = <Progress />;
  else if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the recent changes"
      />
    );
  } else {
    const kind = entity.kind.toLocaleLowerCase('en-US');
    body = (
      <ChangeList
        changes={value ?? []}
        showEntity={['system', 'domain', 'group'].includes(kind)}
        label="Recent changes"
        empty="No change since the first scan: new failing findings, fixes and score changes will be listed here."
      />
    );
  }
  return (
    <InfoCard
      title="Recent changes and regressions"
      subheader="What each scan changed: new failing findings, fixed ones, the score (with exemptions)"
    >
      {body}
    </InfoCard>
  );
}
