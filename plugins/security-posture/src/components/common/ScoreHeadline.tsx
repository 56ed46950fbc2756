import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ScoreSummary,
  ScoreTrend,
} from '@internal/backstage-plugin-security-posture-common';
import { GradeBadge } from './Grade';
import { TrendDelta } from './Trend';
import {
  formatCoverage,
  formatFraction,
  formatPercent,
} from '../../utils/format';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(3),
    flexWrap: 'wrap',
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'auto auto',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
}));

/**
 * Score, grade, points, coverage, exemption-adjusted score and trend of an
 * entity or a team.
 */
export function ScoreHeadline(props: {
  score: ScoreSummary;
  adjustedScore?: ScoreSummary;
  coverage: number | null;
  trend?: ScoreTrend;
  children?: React.ReactNode;
}) {
  const classes = useStyles();
  const { score, adjustedScore, coverage, trend } = props;
  const showAdjusted = adjustedScore && adjustedScore.earned !== score.earned;
  // Raw and exemption-adjusted are both shown wherever a score is; the same value
  // is said in words.
  const sameAdjusted = adjustedScore && !showAdjusted && score.possible > 0;
  return (
    <div className={classes.root}>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <GradeBadge score={score} size={56} />
        <div>
          <Typography variant="h3" component="p" data-testid="posture-score">
            {formatPercent(score.percent)}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {score.possible > 0
              ? `${formatFraction(score)} points`
              : 'nothing evaluated yet'}
          </Typography>
        </div>
      </Box>
      <dl className={classes.facts}>
        <dt>Coverage</dt>
        <dd data-testid="posture-coverage">
          {formatCoverage(coverage)}
          {coverage !== null &&
            coverage < 1 &&
            ' of the scorecard had evidence'}
        </dd>
        {showAdjusted && (
          <>
            <dt>With exemptions</dt>
            <dd>
              {formatPercent(adjustedScore!.percent)} (
              {formatFraction(adjustedScore!)})
            </dd>
          </>
        )}
        {sameAdjusted && (
          <>
            <dt>With exemptions</dt>
            <dd>the same as the raw score</dd>
          </>
        )}
        {trend && (
          <>
            <dt>7 days</dt>
            <dd>
              <TrendDelta delta={trend.delta7d} period="7 days" />
            </dd>
            <dt>30 days</dt>
            <dd>
              <TrendDelta delta={trend.delta30d} period="30 days" />
            </dd>
          </>
        )}
      </dl>
      {props.children}
    </div>
  );
}
