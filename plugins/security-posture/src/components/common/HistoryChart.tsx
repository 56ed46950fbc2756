import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ToggleButton, ToggleButtonGroup } from '@material-ui/lab';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { HistoryPoint } from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef, type EntityName } from '../../api';
import { formatDate, formatDelta, formatPercent } from '../../utils/format';

/** Ranges the chart offers, in days. */
export const HISTORY_RANGES = [30, 90, 365] as const;
const DAY = 24 * 3600 * 1000;

/** One sentence summarising a series, read by screen readers and shown below the chart. */
export function summarizeHistory(points: HistoryPoint[], days: number): string {
  const scored = points.filter(p => p.percent !== null);
  if (scored.length === 0) {
    return `No scores recorded in the last ${days} days.`;
  }
  const first = scored[0];
  const last = scored[scored.length - 1];
  const values = scored.map(p => p.percent as number);
  const change =
    Math.round(((last.percent as number) - (first.percent as number)) * 10) /
    10;
  return (
    `Last ${days} days: ${scored.length} score${
      scored.length === 1 ? '' : 's'
    }, ` +
    `from ${formatPercent(first.percent)} on ${formatDate(first.at)} ` +
    `to ${formatPercent(last.percent)} on ${formatDate(last.at)} (${formatDelta(
      change,
    )}); ` +
    `lowest ${formatPercent(Math.min(...values))}, highest ${formatPercent(
      Math.max(...values),
    )}.`
  );
}

/**
 * Score history of an entity as a line chart (raw and exemption-adjusted), with
 * 30/90/365-day ranges and a text summary of the series. For a Group, the
 * history of the team's roll-up (everything it and its sub-teams own).
 */
export function HistoryChart(props: {
  entity: EntityName;
  reloadKey?: number;
}) {
  const api = useApi(securityPostureApiRef);
  const theme = useTheme();
  const [days, setDays] = useState<number>(30);
  const { entity, reloadKey } = props;
  const { value, loading, error } = useAsync(async () => {
    const to = new Date();
    const from = new Date(to.getTime() - days * DAY);
    if (entity.kind.toLocaleLowerCase('en-US') === 'group') {
      return api.getTeamHistory(entity, { from, to });
    }
    return api.getHistory(entity, { from, to });
  }, [api, entity.kind, entity.namespace, entity.name, days, reloadKey]);

  const data = useMemo(
    () =>
      (value ?? []).map(p => ({
        t: new Date(p.at).getTime(),
        score: p.percent,
        adjusted: p.adjustedPercent,
        modelVersion: p.modelVersion,
      })),
    [value],
  );
  const modelChanges = useMemo(() => {
    const versions = new Set(
      (value ?? []).map(p => p.modelVersion).filter(Boolean),
    );
    return versions.size;
  }, [value]);

  return (
    <div>
      <ToggleButtonGroup
        value={days}
        exclusive
        size="small"
        aria-label="History range"
        onChange={(_e, next) => next && setDays(next)}
      >
        {HISTORY_RANGES.map(d => (
          <ToggleButton key={d} value={d} aria-label={`Last ${d} days`}>
            {d} days
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel
          error={error}
          title="Could not load the score history"
        />
      )}
      {!loading && !error && value && (
        <>
          {data.length > 0 ? (
            <div style={{ width: '100%', height: 240 }} aria-hidden>
              <ResponsiveContainer width="100%" height={240}>
                <LineChart
                  data={data}
                  margin={{ top: 16, right: 16, bottom: 0, left: 0 }}
                >
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis
                    dataKey="t"
                    type="number"
                    scale="time"
                    domain={['dataMin', 'dataMax']}
                    tickFormatter={t => new Date(t).toLocaleDateString()}
                  />
                  <YAxis domain={[0, 100]} unit="%" width={48} />
                  <Tooltip
                    labelFormatter={t => new Date(Number(t)).toLocaleString()}
                    formatter={(v: any) => formatPercent(v as number | null)}
                  />
                  <Legend />
                  <Line
                    type="monotone"
                    dataKey="score"
                    name="Score"
                    stroke={theme.palette.primary.main}
                    strokeWidth={2}
                    dot={data.length < 40}
                    connectNulls
                    isAnimationActive={false}
                  />
                  <Line
                    type="monotone"
                    dataKey="adjusted"
                    name="With exemptions"
                    stroke={theme.palette.secondary.main}
                    strokeDasharray="5 5"
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          ) : null}
          <Typography variant="body2" color="textSecondary" role="status">
            {summarizeHistory(value, days)}
            {modelChanges > 1 &&
              ` The scoring model changed ${modelChanges - 1} time${
                modelChanges > 2 ? 's' : ''
              } in this range: a step may come from new rules rather than from the resources.`}
          </Typography>
        </>
      )}
    </div>
  );
}
