import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef, useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type {
  CategoryScore,
  PostureTargetStatus,
  ScoreSummary,
  ScoreTrend,
  PostureStatus,
  TeamTargetSummary,
} from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../../api';
import { entityNameOf } from '../../utils/entity';
import {
  formatCoverage,
  formatFraction,
  formatPercent,
  formatRelative,
} from '../../utils/format';
import { GradeBadge } from '../common/Grade';
import { SeverityCounts } from '../common/Severity';
import { TrendDelta } from '../common/Trend';
import { AdjustedScoreText, TargetChip, TeamTargetChip } from '../governance';

/** The category with the lowest share of its points, among those with evidence. */
export function worstCategory(
  categories: CategoryScore[],
): CategoryScore | undefined {
  return categories
    .filter(c => c.possible > 0 && c.percent !== null)
    .reduce<CategoryScore | undefined>(
      (worst, c) =>
        !worst || (c.percent as number) < (worst.percent as number) ? c : worst,
      undefined,
    );
}

interface CardData {
  score: ScoreSummary;
  coverage: number | null;
  trend: ScoreTrend;
  categories: CategoryScore[];
  counts: Record<'critical' | 'high' | 'medium' | 'low', number>;
  status?: PostureStatus;
  lastScanAt?: string | null;
  resourceCount?: number;
  adjustedScore?: ScoreSummary;
  target?: PostureTargetStatus | TeamTargetSummary;
}

function isTeamTarget(
  target: PostureTargetStatus | TeamTargetSummary,
): target is TeamTargetSummary {
  return 'outOfTarget' in target;
}

/**
 * Overview card for entity pages: score, grade, trend, worst category and a
 * link to the Security Posture tab.
 *
 * @public
 */
export const EntitySecurityPostureCard = (props: { tabPath?: string }) => {
  const { entity } = useEntity();
  const api = useApi(securityPostureApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const name = entityNameOf(entity);
  const isGroup = name.kind.toLocaleLowerCase('en-US') === 'group';

  const { value, loading, error } = useAsync(async (): Promise<CardData> => {
    if (isGroup) {
      return api.getTeamPosture({ namespace: name.namespace, name: name.name });
    }
    return api.getEntityPosture(name);
  }, [api, name.kind, name.namespace, name.name]);

  const tabPath = (props.tabPath ?? 'security-posture').replace(/^\//, '');
  const link = `${entityRoute({
    kind: name.kind.toLocaleLowerCase('en-US'),
    namespace: name.namespace,
    name: name.name,
  })}/${tabPath}`;

  let body: JSX.Element;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the security posture"
      />
    );
  } else if (
    !value ||
    value.status === 'never-scanned' ||
    value.score.possible === 0
  ) {
    body = (
      <Typography variant="body2">
        {value?.status === 'never-scanned'
          ? 'Not scanned yet.'
          : 'No security posture: no evaluated resources.'}{' '}
        The Security Posture tab explains which annotations to add.
      </Typography>
    );
  } else {
    const worst = worstCategory(value.categories);
    body = (
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <GradeBadge score={value.score} size={48} />
        <div>
          <Box display="flex" alignItems="baseline" style={{ gap: 12 }}>
            <Typography
              variant="h4"
              component="p"
              data-testid="posture-card-score"
            >
              {formatPercent(value.score.percent)}
            </Typography>
            <Typography variant="body2" component="span">
              <TrendDelta delta={value.trend.delta7d} period="7 days" />
            </Typography>
          </Box>
          <Typography variant="body2" color="textSecondary">
            {formatFraction(value.score)} points · coverage{' '}
            {formatCoverage(value.coverage)}
            {value.status && value.status !== 'ok' ? ` · ${value.status}` : ''}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            <AdjustedScoreText
              score={value.score}
              adjustedScore={value.adjustedScore}
            />
          </Typography>
          {worst && (
            <Typography variant="body2">
              Weakest: {worst.title} {formatFraction(worst)}
            </Typography>
          )}
          {value.target && (
            <Box my={0.5}>
              {isTeamTarget(value.target) ? (
                <TeamTargetChip target={value.target} />
              ) : (
                <TargetChip target={value.target} />
              )}
            </Box>
          )}
          <Typography variant="body2">
            <SeverityCounts counts={value.counts} />
          </Typography>
          {value.lastScanAt !== undefined && (
            <Typography variant="caption" color="textSecondary">
              Last scan {formatRelative(value.lastScanAt)}
            </Typography>
          )}
        </div>
      </Box>
    );
  }

  return (
    <InfoCard
      title="Security posture"
      deepLink={{ link, title: 'View security posture' }}
    >
      {body}
    </InfoCard>
  );
};
