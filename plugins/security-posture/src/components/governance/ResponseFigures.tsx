import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  SEVERITIES,
  type OpenFindingsByAge,
  type RemediationStats,
} from '@internal/backstage-plugin-security-posture-common';
import { formatHours } from '../../utils/duration';

/** Windows the response figures offer, in days. */
export const RESPONSE_WINDOWS = [30, 90, 365] as const;

/** Picks the window of the time-to-remediate figures. */
export function WindowPicker(props: {
  value: number;
  onChange: (days: number) => void;
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.value}
      onChange={(_e, v) => v && props.onChange(v)}
      aria-label="Time window"
    >
      {RESPONSE_WINDOWS.map(d => (
        <ToggleButton key={d} value={d} aria-label={`Last ${d} days`}>
          {d} days
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}

/** Time to remediate: findings fixed, median and 90th percentile, overall and per severity. */
export function RemediationTable(props: { stats: RemediationStats }) {
  const { stats } = props;
  const rows = [
    { id: 'all', label: 'All severities', s: stats },
    ...SEVERITIES.map(sev => ({
      id: sev,
      label: sev,
      s: stats.bySeverity[sev],
    })),
  ];
  return (
    <Table size="small" aria-label="Time to remediate">
      <TableHead>
        <TableRow>
          <TableCell>Severity</TableCell>
          <TableCell align="right">Fixed</TableCell>
          <TableCell align="right">Median</TableCell>
          <TableCell align="right">90th percentile</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(r => (
          <TableRow key={r.id}>
            <TableCell component="th" scope="row">
              {r.label}
            </TableCell>
            <TableCell align="right">{r.s.count}</TableCell>
            <TableCell align="right">{formatHours(r.s.medianHours)}</TableCell>
            <TableCell align="right">{formatHours(r.s.p90Hours)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Open findings by age as a stacked bar chart, with the same numbers in words. */
export function OpenByAgeChart(props: { ages: OpenFindingsByAge }) {
  const theme = useTheme();
  const { ages } = props;
  const colors = {
    critical: theme.palette.error.dark,
    high: theme.palette.error.light,
    medium: theme.palette.warning.main,
    low: theme.palette.grey[500],
  };
  const data = ages.buckets.map(b => ({ name: b.label, ...b.counts }));
  const summary =
    ages.total === 0
      ? 'No open findings.'
      : `${ages.total} open finding${
          ages.total === 1 ? '' : 's'
        }: ${ages.buckets
          .filter(b => b.total > 0)
          .map(b => `${b.total} open ${b.label}`)
          .join(', ')}.`;
  return (
    <figure style={{ margin: 0 }}>
      {ages.total > 0 && (
        <div style={{ width: '100%', height: 200 }} aria-hidden>
          <ResponsiveContainer>
            <BarChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="name" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {SEVERITIES.map(s => (
                <Bar key={s} dataKey={s} stackId="age" fill={colors[s]} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <Typography variant="body2" component="figcaption">
        {summary}
      </Typography>
    </figure>
  );
}
