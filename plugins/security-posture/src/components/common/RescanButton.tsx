import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { usePermission } from '@backstage/plugin-permission-react';
import { securityPostureScanCreatePermission } from '@internal/backstage-plugin-security-posture-common';
import { useRescan } from '../../hooks/useRescan';

/**
 * Rescan of one entity, shown only to users the permission policy allows to
 * trigger scans; shows progress until the new result has been loaded.
 */
export function RescanButton(props: {
  entityRef: string;
  onFinished: () => void;
  pollIntervalMs?: number;
}) {
  const { allowed, loading } = usePermission({
    permission: securityPostureScanCreatePermission,
  });
  const { state, start } = useRescan(props);
  if (loading || !allowed) return null;
  const busy = state.phase === 'starting' || state.phase === 'running';
  let message = '';
  if (state.phase === 'starting') message = 'Requesting a scan…';
  if (state.phase === 'running') {
    message =
      state.scan?.status === 'running'
        ? 'Scanning…'
        : 'Scan queued, waiting for it to start…';
  }
  if (state.phase === 'done') {
    message = `Scan finished: ${state.scan.counts.resources} resources, ${state.scan.counts.findings} findings.`;
  }
  if (state.phase === 'failed') message = `Scan failed: ${state.error.message}`;
  return (
    <div style={{ minWidth: 200 }}>
      <Button
        variant="outlined"
        color="primary"
        startIcon={<RefreshIcon />}
        onClick={start}
        disabled={busy}
      >
        {busy ? 'Scanning…' : 'Rescan'}
      </Button>
      {busy && (
        <LinearProgress aria-label="Scan progress" style={{ marginTop: 8 }} />
      )}
      <Typography
        variant="caption"
        display="block"
        role="status"
        aria-live="polite"
        color={state.phase === 'failed' ? 'error' : 'textSecondary'}
      >
        {message}
      </Typography>
    </div>
  );
}
