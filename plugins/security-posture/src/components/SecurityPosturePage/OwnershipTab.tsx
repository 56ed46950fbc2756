import { useState } from 'react';
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
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import type {
  OwnershipReport,
  UnownedResource,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { formatDate, formatPercent } from '../../utils/format';

type TeamRow = OwnershipReport['teams'][number];

/** Unowned resources per page. */
export const UNOWNED_PAGE_SIZE = 50;

/** Unowned resources (paged) and ownership coverage per team. */
export function OwnershipTab() {
  const api = useApi(securityPostureApiRef);
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const pageIndex = cursors.length - 1;
  const { value, loading, error } = useAsync(
    () =>
      api.getOwnership({
        limit: UNOWNED_PAGE_SIZE,
        cursor: cursors[pageIndex],
      }),
    [api, cursors],
  );
  if (loading && !value) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the ownership report"
      />
    );
  }
  if (!value) return null;

  const teamColumns: TableColumn<TeamRow>[] = [
    {
      title: 'Team',
      field: 'entityRef',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
      ),
    },
    {
      title: 'Resources attributed',
      field: 'owned',
      type: 'numeric',
      render: row => `${row.owned} of ${row.total}`,
    },
    {
      title: 'Ownership coverage',
      field: 'percent',
      customSort: (a, b) => (a.percent ?? -1) - (b.percent ?? -1),
      render: row => (
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <Box width={120}>
            <LinearProgress
              variant="determinate"
              value={row.percent ?? 0}
              aria-label={`Ownership coverage of ${row.title ?? row.entityRef}`}
              aria-valuetext={formatPercent(row.percent)}
            />
          </Box>
          <span>{formatPercent(row.percent)}</span>
        </Box>
      ),
    },
  ];

  const unownedColumns: TableColumn<UnownedResource>[] = [
    { title: 'Kind', field: 'kind' },
    {
      title: 'Name',
      field: 'name',
      render: r => (r.namespace ? `${r.namespace}/${r.name}` : r.name),
    },
    { title: 'Type', field: 'type' },
    { title: 'Provider', field: 'provider' },
    { title: 'Location', field: 'location' },
    {
      title: 'Last seen',
      field: 'lastSeen',
      render: r => formatDate(r.lastSeen),
    },
  ];

  const total = value.unowned.totalCount;
  const from = total === 0 ? 0 : pageIndex * UNOWNED_PAGE_SIZE + 1;
  const to = pageIndex * UNOWNED_PAGE_SIZE + value.unowned.items.length;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Table<TeamRow>
          title="Ownership coverage per team"
          columns={teamColumns}
          data={value.teams}
          options={{
            paging: value.teams.length > 25,
            pageSize: 25,
            padding: 'dense',
            search: true,
          }}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">
                No team owns resources yet.
              </Typography>
            </Box>
          }
        />
      </Grid>
      <Grid item xs={12}>
        <Table<UnownedResource>
          title={`Unowned resources (${total})`}
          subtitle="Resources a provider saw that no catalog entity claims"
          isLoading={loading}
          columns={unownedColumns}
          data={value.unowned.items}
          options={{ paging: false, search: false, padding: 'dense' }}
          emptyContent={
            <Box p={2}>
              <Typography variant="body2">
                Every resource the providers saw is owned by a catalog entity.
              </Typography>
            </Box>
          }
        />
        <nav
          aria-label="Unowned resources pages"
          style={{
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            gap: 16,
          }}
        >
          <Typography variant="body2" role="status">
            {total > 0 ? `${from}–${to} of ${total}` : ''}
          </Typography>
          <Button
            size="small"
            disabled={pageIndex === 0 || loading}
            onClick={() => setCursors(c => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <Button
            size="small"
            disabled={!value.unowned.nextCursor || loading}
            onClick={() =>
              value.unowned.nextCursor &&
              setCursors(c => [...c, value.unowned.nextCursor!])
            }
          >
            Next page
          </Button>
        </nav>
      </Grid>
    </Grid>
  );
}
