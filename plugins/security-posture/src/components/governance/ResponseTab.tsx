import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { TeamResponseRow } from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { formatHours } from '../../utils/duration';
import { ChangeList } from './ChangeList';
import {
  OpenByAgeChart,
  RemediationTable,
  WindowPicker,
} from './ResponseFigures';

/**
 * The posture page's Response tab: time to remediate and open findings by age
 * over the estate, per team (slowest first), and the latest regressions.
 */
export function ResponseTab() {
  const api = useApi(securityPostureApiRef);
  const [windowDays, setWindowDays] = useState(90);
  const { value, loading, error } = useAsync(
    () => api.getResponseReport({ windowDays }),
    [api, windowDays],
  );
  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the response figures"
      />
    );
  }
  if (!value) return null;

  const columns: TableColumn<TeamResponseRow>[] = [
    {
      title: 'Team',
      field: 'entityRef',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
      ),
    },
    {
      title: 'Fixed',
      field: 'timeToRemediate.count',
      type: 'numeric',
    },
    {
      title: 'Median time to remediate',
      field: 'timeToRemediate.medianHours',
      type: 'numeric',
      render: row => formatHours(row.timeToRemediate.medianHours),
    },
    {
      title: '90th percentile',
      field: 'timeToRemediate.p90Hours',
      type: 'numeric',
      render: row => formatHours(row.timeToRemediate.p90Hours),
    },
    {
      title: 'Critical: median',
      field: 'timeToRemediate.bySeverity.critical.medianHours',
      type: 'numeric',
      render: row =>
        formatHours(row.timeToRemediate.bySeverity.critical.medianHours),
    },
    {
      title: 'Open',
      field: 'openByAge.total',
      type: 'numeric',
    },
    {
      title: 'Open over 30 days',
      type: 'numeric',
      customSort: (a, b) => over30(a) - over30(b),
      render: row => over30(row),
    },
    { title: 'Regressions', field: 'regressions', type: 'numeric' },
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Response across the estate"
          subheader={`Findings fixed in the last ${value.window.days} days, findings open now`}
          action={<WindowPicker value={windowDays} onChange={setWindowDays} />}
        >
          {loading && <Progress />}
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              <RemediationTable stats={value.timeToRemediate} />
            </Grid>
            <Grid item xs={12} md={6}>
              <OpenByAgeChart ages={value.openByAge} />
            </Grid>
          </Grid>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<TeamResponseRow>
          title="Time to remediate per team, slowest first"
          columns={columns}
          data={value.teams}
          options={{
            paging: value.teams.length > 25,
            pageSize: 25,
            padding: 'dense',
            search: true,
          }}
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              No team has findings yet.
            </Typography>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Latest regressions">
          <ChangeList
            changes={value.regressions}
            showEntity
            label="Latest regressions"
            empty="No regression in this window."
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

function over30(row: TeamResponseRow): number {
  return row.openByAge.buckets
    .filter(b => b.minDays >= 30)
    .reduce((n, b) => n + b.total, 0);
}
