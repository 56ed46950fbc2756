import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ChangedFinding,
  PostureChange,
} from '@internal/backstage-plugin-security-posture-common';
import { formatDateTime, formatDelta, formatPercent } from '../../utils/format';
import { SeverityChip } from '../common/Severity';

const useStyles = makeStyles(theme => ({
  item: {
    display: 'block',
    borderBottom: `1px solid ${theme.palette.divider}`,
    paddingTop: theme.spacing(1),
    paddingBottom: theme.spacing(1),
  },
  regression: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.common.white,
    marginRight: theme.spacing(1),
  },
  finding: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginTop: theme.spacing(0.5),
  },
  down: { color: theme.palette.error.dark, fontWeight: 600 },
  up: { color: theme.palette.success.dark, fontWeight: 600 },
}));

const REASON_LABELS: Record<string, string> = {
  'score-drop': 'Score drop',
  'new-critical': 'New critical finding',
};

const NOTIFICATION_LABELS: Record<string, string> = {
  sent: 'owners notified',
  failed: 'notification failed',
  'opted-out': 'team opted out of alerts',
  'no-owner': 'no owner to notify',
  'already-notified': 'owners already notified of these findings',
};

function FindingLine(props: { finding: ChangedFinding; fixed?: boolean }) {
  const classes = useStyles();
  const { finding, fixed } = props;
  return (
    <div className={classes.finding}>
      <SeverityChip severity={finding.severity} />
      <Typography variant="body2">
        {fixed ? 'Fixed: ' : 'Now failing: '}
        {finding.title}{' '}
        <Typography component="span" variant="caption" color="textSecondary">
          {finding.resource}
        </Typography>
      </Typography>
    </div>
  );
}

/** One posture change: when, score before → after, regression reasons, findings. */
export function ChangeItem(props: {
  change: PostureChange;
  showEntity?: boolean;
  maxFindings?: number;
}) {
  const classes = useStyles();
  const { change, showEntity } = props;
  const max = props.maxFindings ?? 5;
  const before = change.previousAdjustedPercent;
  const after = change.currentAdjustedPercent;
  const delta =
    before !== null && after !== null
      ? Math.round((after - before) * 10) / 10
      : null;
  let deltaClass: string | undefined;
  if (delta !== null && delta < 0) deltaClass = classes.down;
  else if (delta !== null && delta > 0) deltaClass = classes.up;
  return (
    <ListItem
      className={classes.item}
      disableGutters
      aria-label={`${
        change.regression ? 'Regression' : 'Change'
      } on ${formatDateTime(change.at)}`}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        {change.regression &&
          change.reasons.map(r => (
            <Chip
              key={r}
              size="small"
              className={classes.regression}
              label={`Regression: ${REASON_LABELS[r] ?? r}`}
            />
          ))}
        {showEntity && <EntityRefLink entityRef={change.entityRef} />}
        <Typography variant="body2">
          <time dateTime={change.at}>{formatDateTime(change.at)}</time>
          {' · '}
          {formatPercent(before)} → {formatPercent(after)}{' '}
          {delta !== null && (
            <span className={deltaClass}>({formatDelta(delta)})</span>
          )}
          {' with exemptions'}
          {change.modelChanged ? ' · scoring model changed' : ''}
        </Typography>
        {change.notification && (
          <Typography variant="caption" color="textSecondary">
            {NOTIFICATION_LABELS[change.notification] ?? change.notification}
          </Typography>
        )}
      </Box>
      {change.opened.slice(0, max).map(f => (
        <FindingLine key={`o-${f.checkId}-${f.resource}`} finding={f} />
      ))}
      {change.openedCount > Math.min(max, change.opened.length) && (
        <Typography variant="caption" color="textSecondary">
          and {change.openedCount - Math.min(max, change.opened.length)} more
          new finding(s)
        </Typography>
      )}
      {change.resolved.slice(0, max).map(f => (
        <FindingLine key={`r-${f.checkId}-${f.resource}`} finding={f} fixed />
      ))}
      {change.resolvedCount > Math.min(max, change.resolved.length) && (
        <Typography variant="caption" color="textSecondary">
          and {change.resolvedCount - Math.min(max, change.resolved.length)}{' '}
          more fixed
        </Typography>
      )}
    </ListItem>
  );
}

/** Posture changes, newest first. */
export function ChangeList(props: {
  changes: PostureChange[];
  showEntity?: boolean;
  label: string;
  empty: string;
}) {
  if (props.changes.length === 0) {
    return <Typography variant="body2">{props.empty}</Typography>;
  }
  return (
    <List dense aria-label={props.label}>
      {props.changes.map(c => (
        <ChangeItem key={c.id} change={c} showEntity={props.showEntity} />
      ))}
    </List>
  );
}
