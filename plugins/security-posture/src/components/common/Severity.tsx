import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import ErrorIcon from '@material-ui/icons/Error';
import ReportProblemIcon from '@material-ui/icons/ReportProblem';
import InfoIcon from '@material-ui/icons/Info';
import RemoveCircleIcon from '@material-ui/icons/RemoveCircle';
import type { Severity } from '@internal/backstage-plugin-security-posture-common';

const useStyles = makeStyles(theme => ({
  critical: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.common.white,
  },
  high: {
    backgroundColor: theme.palette.error.light,
    color: theme.palette.getContrastText(theme.palette.error.light),
  },
  medium: {
    backgroundColor: theme.palette.warning.light,
    color: theme.palette.getContrastText(theme.palette.warning.light),
  },
  low: {
    backgroundColor: theme.palette.grey[300],
    color: theme.palette.getContrastText(theme.palette.grey[300]),
  },
  icon: { color: 'inherit' },
}));

const ICONS = {
  critical: ErrorIcon,
  high: ReportProblemIcon,
  medium: InfoIcon,
  low: RemoveCircleIcon,
};

/** Severity as a labelled chip; the word is always shown next to the colour. */
export function SeverityChip(props: { severity: Severity }) {
  const classes = useStyles();
  const Icon = ICONS[props.severity] ?? InfoIcon;
  return (
    <Chip
      size="small"
      label={props.severity}
      icon={<Icon className={classes.icon} aria-hidden />}
      className={classes[props.severity]}
    />
  );
}

/** `2 critical · 1 high` */
export function SeverityCounts(props: {
  counts: Record<Severity, number> | undefined;
}) {
  const counts = props.counts;
  if (!counts) return null;
  const parts = (['critical', 'high', 'medium', 'low'] as Severity[])
    .filter(s => (counts[s] ?? 0) > 0)
    .map(s => `${counts[s]} ${s}`);
  return <span>{parts.length ? parts.join(' · ') : 'no open findings'}</span>;
}
