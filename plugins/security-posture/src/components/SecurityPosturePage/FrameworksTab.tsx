import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { securityPostureApiRef } from '../../api';
import { toPercent } from '@internal/backstage-plugin-security-posture-common';
import { formatPercent } from '../../utils/format';
import { shortRef } from '../../utils/entity';
import {
  deriveFrameworkCompliance,
  type FrameworkCompliance,
} from './frameworks';
import { LEADERBOARD_LIMIT } from './LeaderboardTab';

/**
 * Share of passing framework controls (CIS, NIST 800-53, SOC 2, ISO 27001, PCI
 * DSS) for one team at a time, chosen from the leaderboard's teams.
 */
export function FrameworksTab() {
  const api = useApi(securityPostureApiRef);
  const [team, setTeam] = useState<string>('');
  const base = useAsync(async () => {
    const [leaderboard, checks] = await Promise.all([
      api.getLeaderboard({ limit: LEADERBOARD_LIMIT }),
      api.getChecks(),
    ]);
    return { teams: leaderboard.teams, checks };
  }, [api]);

  useEffect(() => {
    if (!team && base.value?.teams.length) {
      setTeam(base.value.teams[0].entityRef);
    }
  }, [team, base.value]);

  const compliance = useAsync(async () => {
    if (!team || !base.value) return undefined;
    const ref = parseEntityRef(team);
    const posture = await api.getTeamPosture({
      namespace: ref.namespace,
      name: ref.name,
    });
    return deriveFrameworkCompliance(base.value.checks, posture.worstFindings);
  }, [api, team, base.value]);

  if (base.loading) return <Progress />;
  if (base.error) {
    return (
      <ResponseErrorPanel
        error={base.error}
        title="Could not load the check catalogue"
      />
    );
  }
  if (!base.value) return null;
  if (base.value.teams.length === 0) {
    return (
      <Box p={2}>
        <Typography variant="body2">
          No team has a score yet, so there is no framework compliance to show.
        </Typography>
      </Box>
    );
  }

  const columns: TableColumn<FrameworkCompliance>[] = [
    { title: 'Framework', field: 'title', highlight: true },
    {
      title: 'Passing controls',
      field: 'passing',
      customSort: (a, b) =>
        (toPercent(a.passing, a.total) ?? -1) -
        (toPercent(b.passing, b.total) ?? -1),
      render: row => {
        const percent = toPercent(row.passing, row.total);
        return row.total === 0 ? (
          'no check maps onto this framework'
        ) : (
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <Box width={160}>
              <LinearProgress
                variant="determinate"
                value={percent ?? 0}
                aria-label={`${row.title}: passing controls`}
                aria-valuetext={`${row.passing} of ${
                  row.total
                }, ${formatPercent(percent)}`}
              />
            </Box>
            <span>
              {row.passing}/{row.total} ({formatPercent(percent)})
            </span>
          </Box>
        );
      },
    },
    {
      title: 'Failing controls',
      sorting: false,
      render: row => (row.failing.length ? row.failing.join(', ') : 'none'),
    },
  ];

  return (
    <div>
      <FormControl style={{ minWidth: 280, marginBottom: 16 }}>
        <InputLabel id="sp-framework-team-label">Team</InputLabel>
        <Select
          labelId="sp-framework-team-label"
          id="sp-framework-team"
          value={team}
          onChange={e => setTeam(e.target.value as string)}
        >
          {base.value.teams.map(t => (
            <MenuItem key={t.entityRef} value={t.entityRef}>
              {shortRef(t.entityRef, t.title)}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {compliance.loading && <Progress />}
      {compliance.error && (
        <ResponseErrorPanel
          error={compliance.error}
          title="Could not load the team's posture"
        />
      )}
      {compliance.value && (
        <>
          <Table<FrameworkCompliance>
            title={`Framework compliance of ${shortRef(team)}`}
            columns={columns}
            data={compliance.value}
            options={{ paging: false, search: false, padding: 'dense' }}
          />
          <Typography variant="caption" color="textSecondary">
            A framework control counts as failing when a check mapped onto it
            has an open finding among the team's worst open findings; the others
            among the controls the check catalogue evidences count as passing.
            Model version {base.value.checks.modelVersion}.
          </Typography>
        </>
      )}
    </div>
  );
}
