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
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ExemptionDebt,
  ExemptionDebtItem,
  ExemptionState,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { formatDaysLeft } from '../../utils/duration';
import { formatDate } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  expired: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.common.white,
  },
  expiring: {
    backgroundColor: theme.palette.warning.light,
    color: theme.palette.getContrastText(theme.palette.warning.light),
  },
  active: {},
}));

const STATE_LABELS: Record<ExemptionState, string> = {
  expired: 'Expired',
  expiring: 'Expiring soon',
  active: 'Active',
};

/** The state of an exemption as a chip whose text says it. */
export function ExemptionStateChip(props: { state: ExemptionState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant={props.state === 'active' ? 'outlined' : 'default'}
      className={classes[props.state]}
      label={STATE_LABELS[props.state]}
    />
  );
}

/** `1 expired · 2 expiring within 14 days · 5 active` */
export function exemptionCountsText(debt: ExemptionDebt): string {
  const { counts } = debt;
  return `${counts.expired} expired · ${counts.expiring} expiring within ${debt.expiringWithinDays} days · ${counts.active} active`;
}

/** Declared exemptions with state, reason, approver, ticket and expiry. */
export function ExemptionDebtTable(props: {
  debt: ExemptionDebt;
  title: string;
}) {
  const { debt } = props;
  const columns: TableColumn<ExemptionDebtItem>[] = [
    {
      title: 'State',
      field: 'state',
      render: e => <ExemptionStateChip state={e.state} />,
    },
    {
      title: 'Check',
      field: 'checkId',
      render: e => (
        <>
          <Typography variant="body2">{e.checkId}</Typography>
          {e.resource && (
            <Typography variant="caption" color="textSecondary">
              resource {e.resource}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Covers',
      sorting: false,
      render: e => (
        <Box display="flex" flexDirection="column">
          {e.entityRefs.slice(0, 3).map(ref => (
            <EntityRefLink key={ref} entityRef={ref} />
          ))}
          {e.entityCount > 3 && (
            <Typography variant="caption" color="textSecondary">
              and {e.entityCount - 3} more
            </Typography>
          )}
        </Box>
      ),
    },
    { title: 'Reason', field: 'reason' },
    {
      title: 'Approved by',
      field: 'approver',
      render: e => (
        <>
          {e.approver}
          {e.ticket && (
            <Typography variant="caption" display="block" color="textSecondary">
              {e.ticket}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Expires',
      field: 'daysLeft',
      type: 'numeric',
      render: e => (
        <>
          <time dateTime={e.expires}>{formatDate(e.expires)}</time>
          <Typography variant="caption" display="block" color="textSecondary">
            {formatDaysLeft(e.daysLeft)}
          </Typography>
        </>
      ),
    },
  ];
  return (
    <Table<ExemptionDebtItem>
      title={props.title}
      subtitle={exemptionCountsText(debt)}
      columns={columns}
      data={debt.items}
      options={{
        paging: debt.items.length > 20,
        pageSize: 20,
        search: debt.items.length > 5,
        padding: 'dense',
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No exemption is declared for these entities.
          </Typography>
        </Box>
      }
    />
  );
}

/** A team's exemption debt on its team view. */
export function TeamExemptionDebt(props: {
  team: { namespace: string; name: string };
}) {
  const api = useApi(securityPostureApiRef);
  const { team } = props;
  const { value, loading, error } = useAsync(
    () => api.getTeamExemptions(team),
    [api, team.namespace, team.name],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <InfoCard title="Exemption debt">
        <ResponseErrorPanel
          error={error}
          title="Could not load the exemptions"
        />
      </InfoCard>
    );
  }
  if (!value) return null;
  return <ExemptionDebtTable debt={value} title="Exemption debt" />;
}
