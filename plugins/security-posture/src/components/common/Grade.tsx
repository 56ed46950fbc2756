import { makeStyles } from '@material-ui/core/styles';
import type { ScoreSummary } from '@internal/backstage-plugin-security-posture-common';
import { formatPercent, gradeOf } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  badge: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    borderRadius: '50%',
    fontWeight: theme.typography.fontWeightBold as number,
    color: theme.palette.common.white,
    flexShrink: 0,
    border: `2px solid ${theme.palette.background.paper}`,
  },
  A: { backgroundColor: theme.palette.success.dark },
  B: { backgroundColor: '#5b8c2a' },
  C: { backgroundColor: '#9a6b00' },
  D: { backgroundColor: theme.palette.warning.dark },
  F: { backgroundColor: theme.palette.error.dark },
  none: { backgroundColor: theme.palette.grey[600] },
}));

/**
 * A letter grade in a coloured circle. The letter carries the meaning; the colour
 * only repeats it.
 */
export function GradeBadge(props: {
  score: ScoreSummary | undefined;
  size?: number;
}) {
  const classes = useStyles();
  const grade = gradeOf(props.score);
  const size = props.size ?? 32;
  const label =
    grade === '-'
      ? 'No grade: nothing was evaluated'
      : `Grade ${grade}, ${formatPercent(props.score?.percent)}`;
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      className={`${classes.badge} ${
        grade === '-' ? classes.none : classes[grade]
      }`}
      style={{ width: size, height: size, fontSize: size * 0.5 }}
    >
      {grade === '-' ? '–' : grade}
    </span>
  );
}
