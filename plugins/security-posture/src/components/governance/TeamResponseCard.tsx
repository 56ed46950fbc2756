import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { securityPostureApiRef } from '../../api';
import { ChangeList } from './ChangeList';
import {
  OpenByAgeChart,
  RemediationTable,
  WindowPicker,
} from './ResponseFigures';

/**
 * A team's response on its team view: time to remediate over a window (median
 * and 90th percentile per severity), open findings by age, and its recent
 * regressions.
 */
export function TeamResponseCard(props: {
  team: { namespace: string; name: string };
}) {
  const api = useApi(securityPostureApiRef);
  const { namespace, name } = props.team;
  const [windowDays, setWindowDays] = useState(90);
  const { value, loading, error } = useAsync(
    () => api.getTeamResponse({ namespace, name }, { windowDays }),
    [api, namespace, name, windowDays],
  );
  let body: JSX.Element | null = null;
  if (loading && !value) body = <Progress />;
  else if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the team's response figures"
      />
    );
  } else if (value) {
    body = (
      <Grid container spacing={2}>
        <Grid item xs={12} md={6}>
          <Typography variant="subtitle2" gutterBottom>
            Time to remediate (first seen → fixed), last {value.window.days}{' '}
            days
          </Typography>
          <RemediationTable stats={value.timeToRemediate} />
        </Grid>
        <Grid item xs={12} md={6}>
          <Typography variant="subtitle2" gutterBottom>
            Open findings by age
          </Typography>
          <OpenByAgeChart ages={value.openByAge} />
        </Grid>
        <Grid item xs={12}>
          <Typography variant="subtitle2">
            Regressions in the last {value.window.days} days (
            {value.regressions.length})
          </Typography>
          <ChangeList
            changes={value.regressions}
            showEntity
            label="Regressions of the team's entities"
            empty="No regression: no score drop or new critical finding in this window."
          />
        </Grid>
      </Grid>
    );
  }
  return (
    <InfoCard
      title="Response"
      subheader="How fast the team fixes what the scans find"
      action={<WindowPicker value={windowDays} onChange={setWindowDays} />}
    >
      {loading && value && <Progress />}
      {body}
    </InfoCard>
  );
}
