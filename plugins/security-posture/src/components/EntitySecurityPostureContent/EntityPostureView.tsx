import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { securityPostureApiRef } from '../../api';
import { entityNameOf, refOf } from '../../utils/entity';
import { formatDateTime, formatRelative } from '../../utils/format';
import { AnnotationHelp } from '../common/AnnotationHelp';
import { CategoryBars } from '../common/CategoryBars';
import { FrameworkComplianceTable } from '../common/FrameworkCompliance';
import { HistoryChart } from '../common/HistoryChart';
import { PointsToGainList } from '../common/PointsToGain';
import { RescanButton } from '../common/RescanButton';
import { ScoreHeadline } from '../common/ScoreHeadline';
import { SeverityCounts } from '../common/Severity';
import { StatusBanner } from '../common/StatusBanner';
import { FindingsTable } from '../FindingsTable';
import { RegressionsCard, TargetCard, TargetChip } from '../governance';

/** The Security Posture tab of one entity (Component, Resource, System). */
export function EntityPostureView(props: {
  entity: Entity;
  pollIntervalMs?: number;
}) {
  const { entity } = props;
  const api = useApi(securityPostureApiRef);
  const name = entityNameOf(entity);
  const entityRef = refOf(entity);
  const [reloadKey, setReloadKey] = useState(0);
  const reload = useCallback(() => setReloadKey(k => k + 1), []);

  const {
    value: posture,
    loading,
    error,
  } = useAsync(
    () => api.getEntityPosture(name),
    [api, name.kind, name.namespace, name.name, reloadKey],
  );

  const rescan = (
    <RescanButton
      entityRef={entityRef}
      onFinished={reload}
      pollIntervalMs={props.pollIntervalMs}
    />
  );

  if (loading && !posture) return <Progress />;
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the security posture"
      />
    );
  }
  if (!posture) return null;

  const noResources = posture.resourceCount === 0;
  const neverScanned = posture.status === 'never-scanned';

  if (noResources && (neverScanned || posture.score.possible === 0)) {
    return (
      <Grid container spacing={3}>
        {!neverScanned && (
          <Grid item xs={12}>
            <StatusBanner {...posture} />
          </Grid>
        )}
        <Grid item xs={12}>
          <InfoCard
            title={neverScanned ? 'Not scanned yet' : 'No resources found'}
            action={rescan}
          >
            <Typography variant="body2" paragraph>
              {neverScanned
                ? 'This entity has not been scanned yet and no resources are known for it.'
                : `Last scan ${formatRelative(
                    posture.lastScanAt,
                  )} found no resources for this entity.`}
            </Typography>
            <AnnotationHelp entity={entity} />
          </InfoCard>
        </Grid>
      </Grid>
    );
  }

  return (
    <Grid container spacing={3}>
      {posture.status !== 'ok' && (
        <Grid item xs={12}>
          <StatusBanner {...posture} />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Security posture"
          subheader={
            <span>
              Last scan{' '}
              <time
                dateTime={posture.lastScanAt ?? undefined}
                title={formatDateTime(posture.lastScanAt)}
              >
                {formatRelative(posture.lastScanAt)}
              </time>
              {` · ${posture.resourceCount} resource${
                posture.resourceCount === 1 ? '' : 's'
              }`}
              {posture.modelVersion
                ? ` · scoring model ${posture.modelVersion}`
                : ''}
            </span>
          }
          action={rescan}
        >
          {loading && <Progress />}
          <ScoreHeadline
            score={posture.score}
            adjustedScore={posture.adjustedScore}
            coverage={posture.coverage}
            trend={posture.trend}
          >
            {posture.target && <TargetChip target={posture.target} />}
          </ScoreHeadline>
          <Typography variant="body2" style={{ marginTop: 16 }}>
            Open findings: <SeverityCounts counts={posture.counts} />
            {posture.exemptions.length > 0 &&
              ` · ${posture.exemptions.length} active exemption${
                posture.exemptions.length === 1 ? '' : 's'
              }`}
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Categories">
          <CategoryBars
            categories={posture.categories}
            adjusted={posture.adjustedCategories}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Points to gain">
          <PointsToGainList items={posture.pointsToGain} />
        </InfoCard>
      </Grid>
      {posture.target && !posture.target.met && (
        <Grid item xs={12} md={6}>
          <TargetCard target={posture.target} />
        </Grid>
      )}
      <Grid item xs={12} md={posture.target && !posture.target.met ? 6 : 12}>
        <RegressionsCard entity={name} reloadKey={reloadKey} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Score history">
          <HistoryChart entity={name} reloadKey={reloadKey} />
        </InfoCard>
      </Grid>
      {posture.frameworks && posture.frameworks.length > 0 && (
        <Grid item xs={12}>
          <FrameworkComplianceTable
            title="Framework compliance"
            subject={posture.title ?? name.name}
            frameworks={posture.frameworks}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <FindingsTable
          entity={name}
          entityRef={entityRef}
          reloadKey={reloadKey}
        />
      </Grid>
    </Grid>
  );
}
