import useAsync from 'react-use/esm/useAsync';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import type { ExemptionDebt } from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { ExemptionDebtTable } from './ExemptionDebt';

type TeamRow = NonNullable<ExemptionDebt['teams']>[number];

/** The posture page's Exemptions tab: exemption debt per team and every exemption. */
export function ExemptionsTab() {
  const api = useApi(securityPostureApiRef);
  const { value, loading, error } = useAsync(
    () => api.getExemptionDebt(),
    [api],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel error={error} title="Could not load the exemptions" />
    );
  }
  if (!value) return null;
  const columns: TableColumn<TeamRow>[] = [
    {
      title: 'Team',
      field: 'entityRef',
      highlight: true,
      render: row => (
        <EntityRefLink entityRef={row.entityRef} title={row.title} />
      ),
    },
    { title: 'Expired', field: 'counts.expired', type: 'numeric' },
    {
      title: `Expiring within ${value.expiringWithinDays} days`,
      field: 'counts.expiring',
      type: 'numeric',
    },
    { title: 'Active', field: 'counts.active', type: 'numeric' },
  ];
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Table<TeamRow>
          title="Exemption debt per team"
          columns={columns}
          data={value.teams ?? []}
          options={{ paging: false, padding: 'dense', search: false }}
        />
      </Grid>
      <Grid item xs={12}>
        <ExemptionDebtTable debt={value} title="Declared exemptions" />
      </Grid>
    </Grid>
  );
}
