import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { CategoryScore } from '@internal/backstage-plugin-security-posture-common';
import { formatFraction, formatPercent } from '../../utils/format';

const useStyles = makeStyles(theme => ({
  row: { marginBottom: theme.spacing(1.5) },
  head: { display: 'flex', justifyContent: 'space-between' },
  bar: { height: 10, borderRadius: 5 },
  good: { backgroundColor: theme.palette.success.main },
  fair: { backgroundColor: theme.palette.warning.main },
  poor: { backgroundColor: theme.palette.error.main },
}));

/**
 * Per-category earned/possible as labelled bars (`31/31`). Categories with no
 * evidence say so instead of showing an empty bar.
 */
export function CategoryBars(props: {
  categories: CategoryScore[];
  adjusted?: CategoryScore[];
}) {
  const classes = useStyles();
  return (
    <div>
      {props.categories.map(category => {
        const adjusted = props.adjusted?.find(a => a.id === category.id);
        const showAdjusted =
          adjusted &&
          adjusted.earned !== category.earned &&
          adjusted.possible > 0;
        const percent = category.percent;
        let tone: string | undefined;
        if (percent !== null) {
          if (percent >= 90) tone = classes.good;
          else if (percent >= 70) tone = classes.fair;
          else tone = classes.poor;
        }
        const labelId = `sp-category-${category.id}`;
        return (
          <div
            key={category.id}
            className={classes.row}
            data-testid={`category-${category.id}`}
          >
            <div className={classes.head}>
              <Typography variant="body2" id={labelId}>
                {category.title}
              </Typography>
              <Typography variant="body2">
                {category.possible > 0 ? (
                  <>
                    <strong>{formatFraction(category)}</strong> (
                    {formatPercent(percent)})
                    {showAdjusted &&
                      ` · ${formatFraction(adjusted!)} with exemptions`}
                  </>
                ) : (
                  'no evidence (not applicable or not scanned)'
                )}
              </Typography>
            </div>
            {category.possible > 0 ? (
              <LinearProgress
                variant="determinate"
                value={percent ?? 0}
                aria-labelledby={labelId}
                aria-valuetext={`${formatFraction(
                  category,
                )} points, ${formatPercent(percent)}`}
                className={classes.bar}
                classes={tone ? { bar: tone } : undefined}
              />
            ) : (
              <Box height={10} />
            )}
          </div>
        );
      })}
    </div>
  );
}
