import Typography from '@material-ui/core/Typography';
import type { ScoreSummary } from '@internal/backstage-plugin-security-posture-common';
import { formatDelta, formatPercent } from '../../utils/format';

/** Points the exemptions add to the score (adjusted − raw), or null. */
export function exemptionGain(
  score: ScoreSummary,
  adjusted: ScoreSummary | undefined,
): number | null {
  if (!adjusted || adjusted.percent === null || score.percent === null) {
    return null;
  }
  return Math.round((adjusted.percent - score.percent) * 10) / 10;
}

/**
 * The exemption-adjusted score next to a raw one: `80.0% with exemptions (+7.5 pts)`,
 * or that exemptions change nothing.
 */
export function AdjustedScoreText(props: {
  score: ScoreSummary;
  adjustedScore?: ScoreSummary;
  /** Shorter text for table cells. */
  compact?: boolean;
}) {
  const { score, adjustedScore, compact } = props;
  if (!adjustedScore || adjustedScore.possible === 0) return null;
  const gain = exemptionGain(score, adjustedScore);
  if (compact) {
    return (
      <span>
        {formatPercent(adjustedScore.percent)}
        {gain ? (
          <Typography variant="caption" color="textSecondary">
            {' '}
            ({formatDelta(gain)})
          </Typography>
        ) : null}
      </span>
    );
  }
  return (
    <span>
      {gain
        ? `${formatPercent(
            adjustedScore.percent,
          )} with exemptions (${formatDelta(gain)})`
        : 'with exemptions: the same as the raw score'}
    </span>
  );
}
