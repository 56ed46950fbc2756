import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import type {
  FrameworkReport,
  TeamFrameworkCompliance,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { shortRef } from '../../utils/entity';
import { downloadText, toCsv } from '../../utils/csv';
import {
  FrameworkBar,
  FrameworkComplianceTable,
} from '../common/FrameworkCompliance';

/** Teams per page of the framework report. */
export const FRAMEWORKS_PAGE_SIZE = 50;
/** Most pages read for the CSV export. */
const EXPORT_MAX_PAGES = 40;

/** Columns of the framework compliance CSV export. */
export function frameworksCsvColumns(
  frameworks: FrameworkReport['frameworks'],
): Array<{ header: string; value: (row: TeamFrameworkCompliance) => unknown }> {
  return [
    { header: 'team', value: r => r.entityRef },
    { header: 'title', value: r => r.title ?? '' },
    { header: 'entities', value: r => r.entityCount },
    ...frameworks.flatMap((f, i) => [
      {
        header: `${f.id} evaluated`,
        value: (r: TeamFrameworkCompliance) => r.frameworks[i]?.evaluated,
      },
      {
        header: `${f.id} passing`,
        value: (r: TeamFrameworkCompliance) => r.frameworks[i]?.passing,
      },
      {
        header: `${f.id} %`,
        value: (r: TeamFrameworkCompliance) => r.frameworks[i]?.percent,
      },
      {
        header: `${f.id} % with exemptions`,
        value: (r: TeamFrameworkCompliance) => r.frameworks[i]?.adjustedPercent,
      },
    ]),
  ];
}

/** The failing framework controls of one team, read from its roll-up. */
function TeamFrameworkDetail(props: { teamRef: string; onClose: () => void }) {
  const api = useApi(securityPostureApiRef);
  const ref = parseEntityRef(props.teamRef);
  const { value, loading, error } = useAsync(
    () => api.getTeamPosture({ namespace: ref.namespace, name: ref.name }),
    [api, ref.namespace, ref.name],
  );
  const name = shortRef(props.teamRef, value?.title);
  return (
    <Box mt={3}>
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel
          error={error}
          title="Could not load the team's posture"
        />
      )}
      {value && (
        <FrameworkComplianceTable
          title={`Framework controls of ${name}`}
          subject={name}
          frameworks={value.frameworks ?? []}
        />
      )}
      <Box display="flex" justifyContent="flex-end" mt={1}>
        <Button size="small" onClick={props.onClose}>
          Close details
        </Button>
      </Box>
    </Box>
  );
}

/**
 * Compliance per framework (CIS, NIST 800-53, SOC 2, PCI DSS, ISO 27001) per
 * team, as the server computes it at scan time: the share of the framework
 * controls evaluated on a team's entities whose checks all pass. Paged by team;
 * a team's failing controls on demand; CSV export.
 */
export function FrameworksTab() {
  const api = useApi(securityPostureApiRef);
  const alertApi = useApi(alertApiRef);
  // The pages visited: their cursor and the position of their first team.
  const [pages, setPages] = useState<
    Array<{ cursor?: string; offset: number }>
  >([{ offset: 0 }]);
  const [adjusted, setAdjusted] = useState(false);
  const [selected, setSelected] = useState<string | undefined>();
  const [exporting, setExporting] = useState(false);
  const page = pages[pages.length - 1];
  const { value, loading, error } = useAsync(
    () =>
      api.getFrameworks({
        limit: FRAMEWORKS_PAGE_SIZE,
        cursor: page.cursor,
      }),
    [api, page],
  );

  const exportCsv = useCallback(async () => {
    setExporting(true);
    try {
      const rows: TeamFrameworkCompliance[] = [];
      let cursor: string | undefined;
      let report: FrameworkReport | undefined;
      for (let n = 0; n < EXPORT_MAX_PAGES; n++) {
        report = await api.getFrameworks({ limit: 500, cursor });
        rows.push(...report.teams.items);
        cursor = report.teams.nextCursor ?? undefined;
        if (!cursor) break;
      }
      downloadText(
        'security-posture-frameworks.csv',
        toCsv(rows, frameworksCsvColumns(report?.frameworks ?? [])),
      );
    } catch (e) {
      alertApi.post({
        message: `Could not export framework compliance: ${
          (e as Error).message
        }`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  }, [api, alertApi]);

  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load framework compliance"
      />
    );
  }
  if (!value) return null;
  if (value.frameworks.length === 0) {
    return (
      <Box p={2}>
        <Typography variant="body2">
          No check of the catalogue maps onto a compliance framework, so there
          is no framework compliance to show.
        </Typography>
      </Box>
    );
  }
  if (value.teams.totalCount === 0) {
    return (
      <Box p={2}>
        <Typography variant="body2">
          No team has a score yet, so there is no framework compliance to show.
        </Typography>
      </Box>
    );
  }

  const columns: TableColumn<TeamFrameworkCompliance>[] = [
    {
      title: 'Team',
      field: 'entityRef',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
      ),
    },
    { title: 'Entities', field: 'entityCount', type: 'numeric' },
    ...value.frameworks.map(
      (f, i): TableColumn<TeamFrameworkCompliance> => ({
        title: f.title,
        customSort: (a, b) => {
          const pa = adjusted
            ? a.frameworks[i]?.adjustedPercent
            : a.frameworks[i]?.percent;
          const pb = adjusted
            ? b.frameworks[i]?.adjustedPercent
            : b.frameworks[i]?.percent;
          return (pa ?? -1) - (pb ?? -1);
        },
        render: row =>
          row.frameworks[i] ? (
            <FrameworkBar
              framework={row.frameworks[i]}
              subject={shortRef(row.entityRef, row.title)}
              adjusted={adjusted}
              compact
            />
          ) : (
            '–'
          ),
      }),
    ),
    {
      title: 'Controls',
      sorting: false,
      render: row => (
        <Button
          size="small"
          variant="outlined"
          style={{ whiteSpace: 'nowrap' }}
          aria-label={`Failing controls of ${shortRef(
            row.entityRef,
            row.title,
          )}`}
          onClick={() => setSelected(row.entityRef)}
        >
          Controls
        </Button>
      ),
    },
  ];

  const total = value.teams.totalCount;
  const from = page.offset + 1;
  const to = page.offset + value.teams.items.length;

  return (
    <div>
      <Box display="flex" alignItems="center" mb={1} style={{ gap: 16 }}>
        <FormControlLabel
          control={
            <Switch
              checked={adjusted}
              onChange={e => setAdjusted(e.target.checked)}
              color="primary"
            />
          }
          label="With exemptions"
        />
        <Box flexGrow={1} />
        <Button
          variant="outlined"
          size="small"
          startIcon={<GetAppIcon />}
          onClick={exportCsv}
          disabled={exporting}
        >
          {exporting ? 'Exporting…' : 'Export framework compliance (CSV)'}
        </Button>
      </Box>
      <Table<TeamFrameworkCompliance>
        title="Passing framework controls per team"
        isLoading={loading}
        columns={columns}
        data={value.teams.items}
        options={{ paging: false, search: false, padding: 'dense' }}
      />
      <nav
        aria-label="Framework report pages"
        style={{
          display: 'flex',
          justifyContent: 'flex-end',
          alignItems: 'center',
          gap: 16,
        }}
      >
        <Typography variant="body2" role="status">
          {`${from}–${to} of ${total} teams`}
        </Typography>
        <Button
          size="small"
          disabled={pages.length === 1 || loading}
          onClick={() => setPages(p => p.slice(0, -1))}
        >
          Previous page
        </Button>
        <Button
          size="small"
          disabled={!value.teams.nextCursor || loading}
          onClick={() =>
            value.teams.nextCursor &&
            setPages(p => [
              ...p,
              {
                cursor: value.teams.nextCursor!,
                offset: page.offset + value.teams.items.length,
              },
            ])
          }
        >
          Next page
        </Button>
      </nav>
      <Typography variant="caption" color="textSecondary" component="p">
        A framework control (such as NIST AC-6) counts when a check mapped onto
        it was evaluated on one of the team's entities; it passes when none of
        those checks fails on any of them. Computed at scan time over everything
        the team and its sub-teams own; scoring model {value.modelVersion}.
      </Typography>
      {selected && (
        <TeamFrameworkDetail
          key={selected}
          teamRef={selected}
          onClose={() => setSelected(undefined)}
        />
      )}
    </div>
  );
}
