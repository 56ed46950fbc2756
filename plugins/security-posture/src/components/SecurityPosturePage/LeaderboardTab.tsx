import useAsync from 'react-use/esm/useAsync';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import type {
  EntityScoreSummary,
  LeaderboardEntry,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { downloadText, toCsv } from '../../utils/csv';
import {
  formatDateTime,
  formatFraction,
  formatPercent,
} from '../../utils/format';
import { GradeBadge } from '../common/Grade';
import { SeverityCounts } from '../common/Severity';
import { TrendDelta } from '../common/Trend';
import { scoreColumns } from '../GroupSecurityPostureContent/TeamPostureView';
import { AdjustedScoreText, TeamTargetChip } from '../governance';

/** How many teams and entities the leaderboard asks for (the most the API serves). */
export const LEADERBOARD_LIMIT = 100;

/** Columns of the leaderboard CSV export. */
export const LEADERBOARD_CSV_COLUMNS: Array<{
  header: string;
  value: (e: LeaderboardEntry) => unknown;
}> = [
  { header: 'rank', value: e => e.rank },
  { header: 'team', value: e => e.entityRef },
  { header: 'title', value: e => e.title ?? '' },
  { header: 'score %', value: e => e.score.percent ?? '' },
  { header: 'earned', value: e => e.score.earned },
  { header: 'possible', value: e => e.score.possible },
  {
    header: 'score with exemptions %',
    value: e => e.adjustedScore.percent ?? '',
  },
  { header: 'change 7d (pts)', value: e => e.trend.delta7d ?? '' },
  { header: 'change 30d (pts)', value: e => e.trend.delta30d ?? '' },
  { header: 'entities', value: e => e.entityCount },
  { header: 'critical', value: e => e.counts.critical },
  { header: 'high', value: e => e.counts.high },
  { header: 'medium', value: e => e.counts.medium },
  { header: 'low', value: e => e.counts.low },
];

/** Teams ranked by score with 7/30-day change and entity count; entities ranked below. */
export function LeaderboardTab() {
  const api = useApi(securityPostureApiRef);
  const { value, loading, error } = useAsync(
    () => api.getLeaderboard({ limit: LEADERBOARD_LIMIT }),
    [api],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the leaderboard"
      />
    );
  }
  if (!value) return null;
  if (value.teams.length === 0 && value.entities.length === 0) {
    return (
      <Box p={2}>
        <Typography variant="h6" component="p">
          No scores yet
        </Typography>
        <Typography variant="body2">
          The leaderboard fills once entities are annotated with where their
          resources are and a scan has run.
        </Typography>
      </Box>
    );
  }

  const teamColumns: TableColumn<LeaderboardEntry>[] = [
    { title: 'Rank', field: 'rank', type: 'numeric', width: '80px' },
    {
      title: 'Team',
      field: 'entityRef',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
      ),
    },
    {
      title: 'Score',
      field: 'score.percent',
      type: 'numeric',
      customSort: (a, b) => (a.score.percent ?? -1) - (b.score.percent ?? -1),
      render: row => (
        <Box
          display="flex"
          alignItems="center"
          justifyContent="flex-end"
          style={{ gap: 8 }}
        >
          <GradeBadge score={row.score} size={24} />
          <span>
            {formatPercent(row.score.percent)}{' '}
            <Typography variant="caption" color="textSecondary">
              {row.score.possible > 0 ? formatFraction(row.score) : ''}
            </Typography>
          </span>
        </Box>
      ),
    },
    {
      title: 'With exemptions',
      field: 'adjustedScore.percent',
      type: 'numeric',
      customSort: (a, b) =>
        (a.adjustedScore.percent ?? -1) - (b.adjustedScore.percent ?? -1),
      render: row => (
        <AdjustedScoreText
          score={row.score}
          adjustedScore={row.adjustedScore}
          compact
        />
      ),
    },
    {
      title: 'Target',
      field: 'target.missed',
      type: 'numeric',
      customSort: (a, b) => (a.target?.missed ?? 0) - (b.target?.missed ?? 0),
      render: row =>
        row.target ? <TeamTargetChip target={row.target} /> : '–',
    },
    {
      title: '7-day change',
      field: 'trend.delta7d',
      type: 'numeric',
      render: row => <TrendDelta delta={row.trend.delta7d} period="7 days" />,
    },
    {
      title: '30-day change',
      field: 'trend.delta30d',
      type: 'numeric',
      render: row => <TrendDelta delta={row.trend.delta30d} period="30 days" />,
    },
    { title: 'Entities', field: 'entityCount', type: 'numeric' },
    {
      title: 'Open findings',
      sorting: false,
      render: row => <SeverityCounts counts={row.counts} />,
    },
  ];

  const entityColumns: TableColumn<EntityScoreSummary>[] = [
    {
      title: 'Entity',
      field: 'entityRef',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
      ),
    },
    { title: 'Kind', field: 'kind' },
    ...scoreColumns<EntityScoreSummary>(),
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" justifyContent="space-between">
          <Typography variant="body2" color="textSecondary">
            Generated {formatDateTime(value.generatedAt)}
          </Typography>
          <Button
            variant="outlined"
            size="small"
            startIcon={<GetAppIcon />}
            disabled={value.teams.length === 0}
            onClick={() =>
              downloadText(
                'security-posture-leaderboard.csv',
                toCsv(value.teams, LEADERBOARD_CSV_COLUMNS),
              )
            }
          >
            Export leaderboard (CSV)
          </Button>
        </Box>
      </Grid>
      <Grid item xs={12}>
        <Table<LeaderboardEntry>
          title="Team leaderboard"
          columns={teamColumns}
          data={value.teams}
          options={{
            paging: value.teams.length > 25,
            pageSize: 25,
            padding: 'dense',
            search: true,
          }}
        />
      </Grid>
      <Grid item xs={12}>
        <Table<EntityScoreSummary>
          title="Entities"
          columns={entityColumns}
          data={value.entities}
          options={{
            paging: value.entities.length > 25,
            pageSize: 25,
            padding: 'dense',
            search: true,
          }}
        />
      </Grid>
    </Grid>
  );
}
