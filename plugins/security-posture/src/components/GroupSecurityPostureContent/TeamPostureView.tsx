import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import {
  severityRank,
  type EntityScoreSummary,
  type Finding,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { entityNameOf } from '../../utils/entity';
import { formatFraction, formatPercent } from '../../utils/format';
import { downloadText, toCsv } from '../../utils/csv';
import { CategoryBars } from '../common/CategoryBars';
import { FrameworkComplianceTable } from '../common/FrameworkCompliance';
import { HistoryChart } from '../common/HistoryChart';
import { GradeBadge } from '../common/Grade';
import { ScoreHeadline } from '../common/ScoreHeadline';
import { SeverityChip, SeverityCounts } from '../common/Severity';
import { TrendDelta } from '../common/Trend';
import { FINDINGS_CSV_COLUMNS } from '../FindingsTable';
import {
  AdjustedScoreText,
  FixWithTemplateButton,
  TargetChip,
  TeamExemptionDebt,
  TeamResponseCard,
  TeamTargetChip,
} from '../governance';

const DAY = 24 * 3600 * 1000;

/** Days a finding has been open. */
export function ageInDays(finding: Finding, now = Date.now()): number {
  const first = new Date(finding.firstSeen).getTime();
  if (Number.isNaN(first)) return 0;
  return Math.max(0, Math.floor((now - first) / DAY));
}

/** Columns shared by the entity and sub-team rankings. */
export function scoreColumns<T extends EntityScoreSummary>(): TableColumn<T>[] {
  return [
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
      field: 'target.met',
      customSort: (a, b) =>
        Number(a.target?.met ?? true) - Number(b.target?.met ?? true),
      render: row => (row.target ? <TargetChip target={row.target} /> : '–'),
    },
    {
      title: '7 days',
      field: 'trend.delta7d',
      type: 'numeric',
      render: row => <TrendDelta delta={row.trend.delta7d} period="7 days" />,
    },
    {
      title: '30 days',
      field: 'trend.delta30d',
      type: 'numeric',
      render: row => <TrendDelta delta={row.trend.delta30d} period="30 days" />,
    },
    {
      title: 'Open findings',
      sorting: false,
      render: row => <SeverityCounts counts={row.counts} />,
    },
    {
      title: 'Status',
      field: 'status',
      render: row => (row.status === 'ok' ? 'ok' : row.status),
    },
  ];
}

/**
 * The team view on Group pages: the team's roll-up score, trend and score
 * history, its entities and sub-teams ranked, the worst open findings across
 * them, and its compliance per framework.
 */
export function TeamPostureView(props: { entity: Entity }) {
  const api = useApi(securityPostureApiRef);
  const name = entityNameOf(props.entity);
  const {
    value: team,
    loading,
    error,
  } = useAsync(
    () => api.getTeamPosture({ namespace: name.namespace, name: name.name }),
    [api, name.namespace, name.name],
  );

  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the team's security posture"
      />
    );
  }
  if (!team) return null;

  if (team.entities.length === 0 && team.score.possible === 0) {
    return (
      <InfoCard title="Security posture">
        <Typography variant="body1" paragraph>
          No entity owned by this team or its sub-teams has a security posture
          yet.
        </Typography>
        <Typography variant="body2">
          Scores appear here once the team's components and resources are
          annotated with where their resources are (open the Security Posture
          tab of one of them to see how) and the next scan has run.
        </Typography>
      </InfoCard>
    );
  }

  const now = Date.now();
  const oldest = team.worstFindings.reduce(
    (max, f) => Math.max(max, ageInDays(f, now)),
    0,
  );
  const notOk = team.entities.filter(e => e.status !== 'ok').length;

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

  const findingColumns: TableColumn<Finding>[] = [
    {
      title: 'Severity',
      field: 'severity',
      customSort: (a, b) => severityRank(a.severity) - severityRank(b.severity),
      render: f => <SeverityChip severity={f.severity} />,
    },
    {
      title: 'Finding',
      field: 'title',
      render: f => (
        <>
          <Typography variant="body2">{f.title}</Typography>
          <Typography variant="caption" color="textSecondary">
            {f.resource.kind}{' '}
            {f.resource.namespace ? `${f.resource.namespace}/` : ''}
            {f.resource.name}
          </Typography>
        </>
      ),
    },
    {
      title: 'Entity',
      field: 'entityRef',
      render: f => <EntityRefLink entityRef={f.entityRef} />,
    },
    {
      title: 'Open for',
      field: 'firstSeen',
      customSort: (a, b) => ageInDays(a, now) - ageInDays(b, now),
      render: f => `${ageInDays(f, now)} days`,
    },
    {
      title: 'Remediation',
      sorting: false,
      render: f =>
        f.remediation.url ? (
          <Link
            to={f.remediation.url}
            aria-label={`Remediation guide for ${f.title}`}
          >
            How to fix
          </Link>
        ) : (
          f.remediation.text
        ),
    },
    {
      title: 'Fix',
      sorting: false,
      render: f => <FixWithTemplateButton fix={f.fix} findingTitle={f.title} />,
    },
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title={`Security posture of ${team.title ?? name.name}`}
          subheader={`Roll-up over ${team.entities.length} entit${
            team.entities.length === 1 ? 'y' : 'ies'
          } owned by the team and its sub-teams${
            notOk ? ` · ${notOk} with partial, stale or no results` : ''
          }`}
        >
          <ScoreHeadline
            score={team.score}
            adjustedScore={team.adjustedScore}
            coverage={team.coverage}
            trend={team.trend}
          >
            {team.target && <TeamTargetChip target={team.target} />}
          </ScoreHeadline>
          <Typography variant="body2" style={{ marginTop: 16 }}>
            Open findings: <SeverityCounts counts={team.counts} />
            {team.worstFindings.length > 0 &&
              ` · oldest of the worst open findings: ${oldest} days`}
            {team.ownership &&
              ` · ownership: ${team.ownership.owned} of ${team.ownership.total} resources attributed`}
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="Categories">
          <CategoryBars categories={team.categories} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={7}>
        {team.subTeams.length > 0 ? (
          <Table<EntityScoreSummary>
            title="Sub-teams"
            columns={[
              {
                title: 'Team',
                field: 'entityRef',
                highlight: true,
                render: row => (
                  <EntityRefLink entityRef={row.entityRef} title={row.title} />
                ),
              },
              ...scoreColumns<EntityScoreSummary>(),
            ]}
            data={team.subTeams}
            options={{ paging: false, search: false, padding: 'dense' }}
          />
        ) : (
          <InfoCard title="Sub-teams">
            <Typography variant="body2">This team has no sub-teams.</Typography>
          </InfoCard>
        )}
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Score history">
          <HistoryChart
            entity={{
              kind: 'group',
              namespace: name.namespace,
              name: name.name,
            }}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <Table<EntityScoreSummary>
          title={`Entities (${team.entities.length}), worst first`}
          columns={entityColumns}
          data={team.entities}
          options={{
            paging: team.entities.length > 20,
            pageSize: 20,
            search: true,
            padding: 'dense',
          }}
        />
      </Grid>
      <Grid item xs={12}>
        <Table<Finding>
          title="Worst open findings"
          columns={findingColumns}
          data={team.worstFindings}
          options={{ paging: false, search: false, padding: 'dense' }}
          actions={[
            {
              icon: () => <GetAppIcon />,
              tooltip: 'Export these findings (CSV)',
              isFreeAction: true,
              disabled: team.worstFindings.length === 0,
              onClick: () =>
                downloadText(
                  `security-findings-team-${name.namespace}-${name.name}.csv`,
                  toCsv(team.worstFindings, FINDINGS_CSV_COLUMNS),
                ),
            },
          ]}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">
                No open findings across the team's entities.
              </Typography>
            </Box>
          }
        />
      </Grid>
      <Grid item xs={12}>
        {team.frameworks ? (
          <FrameworkComplianceTable
            title="Framework compliance"
            subject={team.title ?? name.name}
            frameworks={team.frameworks}
          />
        ) : (
          <InfoCard title="Framework compliance">
            <Typography variant="body2">
              Compliance per framework is computed when the team's entities are
              scanned; it appears here after the next scan.
            </Typography>
          </InfoCard>
        )}
      </Grid>
      <Grid item xs={12}>
        <TeamResponseCard team={name} />
      </Grid>
      <Grid item xs={12}>
        <TeamExemptionDebt team={name} />
      </Grid>
    </Grid>
  );
}
