import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import TrendingFlatIcon from '@material-ui/icons/TrendingFlat';
import { makeStyles } from '@material-ui/core/styles';
import { formatDelta } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  root: { display: 'inline-flex', alignItems: 'center', gap: 2 },
  up: { color: theme.palette.success.dark },
  down: { color: theme.palette.error.dark },
  flat: { color: theme.palette.text.secondary },
  icon: { fontSize: '1rem' },
}));

/** A score change in percentage points with an arrow; the text says the same. */
export function TrendDelta(props: {
  delta: number | null | undefined;
  period?: string;
}) {
  const classes = useStyles();
  const { delta, period } = props;
  const suffix = period ? ` over ${period}` : '';
  if (delta === null || delta === undefined) {
    return (
      <span
        className={`${classes.root} ${classes.flat}`}
        title={`no score${suffix ? ` from ${period} ago` : ''} to compare with`}
      >
        no data
      </span>
    );
  }
  let direction: 'up' | 'down' | 'flat' = 'flat';
  if (delta > 0) direction = 'up';
  if (delta < 0) direction = 'down';
  const Icon = {
    up: ArrowUpwardIcon,
    down: ArrowDownwardIcon,
    flat: TrendingFlatIcon,
  }[direction];
  const words = { up: 'improved', down: 'worsened', flat: 'unchanged' }[
    direction
  ];
  return (
    <span
      className={`${classes.root} ${classes[direction]}`}
      aria-label={`${words} ${formatDelta(delta)}${suffix}`}
      title={`${words}${suffix}`}
    >
      <Icon className={classes.icon} aria-hidden />
      <span aria-hidden>{formatDelta(delta)}</span>
    </span>
  );
}
