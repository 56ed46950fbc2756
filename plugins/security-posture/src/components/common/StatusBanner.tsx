import Typography from '@material-ui/core/Typography';
import { Alert, AlertTitle } from '@material-ui/lab';
import type { PostureStatus } from '@internal/backstage-plugin-security-posture-common';
import { formatDateTime } from '../../utils/format';

/**
 * Explains a posture that is not `ok`: partial results (a source failed), stale
 * results (no successful scan for too long) or no scan yet.
 */
export function StatusBanner(props: {
  status: PostureStatus;
  statusReasons?: string[];
  staleSince?: string | null;
  lastScanAt?: string | null;
}) {
  const { status, statusReasons = [], staleSince, lastScanAt } = props;
  if (status === 'ok') return null;
  const reasons = statusReasons.length ? (
    <ul style={{ margin: 0, paddingLeft: 20 }}>
      {statusReasons.map(reason => (
        <li key={reason}>
          <Typography variant="body2">{reason}</Typography>
        </li>
      ))}
    </ul>
  ) : null;
  if (status === 'partial') {
    return (
      <Alert severity="warning" role="status">
        <AlertTitle>Partial results</AlertTitle>A source of this entity's
        resources could not be read
        {staleSince ? ` since ${formatDateTime(staleSince)}` : ''}. The last
        known results are shown for it; missing evidence counts as unknown, not
        as a pass or a fail, so coverage is lower until the source recovers.
        {reasons}
      </Alert>
    );
  }
  if (status === 'stale') {
    return (
      <Alert severity="warning" role="status">
        <AlertTitle>Stale results</AlertTitle>
        No successful scan since {formatDateTime(staleSince ?? lastScanAt)}. The
        score below may not reflect the resources as they are now.
        {reasons}
      </Alert>
    );
  }
  return (
    <Alert severity="info" role="status">
      <AlertTitle>Not scanned yet</AlertTitle>
      This entity has no security posture result yet. It gets one at the next
      scheduled scan once its resources are annotated, or right away with
      Rescan.
      {reasons}
    </Alert>
  );
}
