import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { ScanRunInfo } from '@internal/backstage-plugin-security-posture-common';
import { securityPostureApiRef } from '../api';

/** Where a requested scan is. */
export type RescanState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'running'; scanId: string; scan?: ScanRunInfo }
  | { phase: 'done'; scan: ScanRunInfo }
  | { phase: 'failed'; error: Error; scan?: ScanRunInfo };

const TERMINAL = new Set(['succeeded', 'failed', 'aborted']);

/**
 * Triggers a scan of one entity and polls it until it ends, then calls
 * `onFinished` so the caller reloads the result.
 */
export function useRescan(options: {
  entityRef: string;
  onFinished: () => void;
  pollIntervalMs?: number;
}) {
  const api = useApi(securityPostureApiRef);
  const [state, setState] = useState<RescanState>({ phase: 'idle' });
  const cancelled = useRef(false);
  const { entityRef, onFinished } = options;
  const interval = options.pollIntervalMs ?? 1500;

  useEffect(() => {
    cancelled.current = false;
    return () => {
      cancelled.current = true;
    };
  }, []);

  const start = useCallback(async () => {
    setState({ phase: 'starting' });
    try {
      const { scanId } = await api.triggerScan({ entityRef });
      setState({ phase: 'running', scanId });
      for (;;) {
        await new Promise(resolve => setTimeout(resolve, interval));
        if (cancelled.current) return;
        const scan = await api.getScan(scanId);
        if (cancelled.current) return;
        if (TERMINAL.has(scan.status)) {
          if (scan.status === 'succeeded') {
            setState({ phase: 'done', scan });
          } else {
            setState({
              phase: 'failed',
              scan,
              error: new Error(
                scan.errors.length
                  ? scan.errors.join('; ')
                  : `The scan ${scan.status}`,
              ),
            });
          }
          onFinished();
          return;
        }
        setState({ phase: 'running', scanId, scan });
      }
    } catch (e) {
      if (!cancelled.current) {
        setState({ phase: 'failed', error: e as Error });
      }
    }
  }, [api, entityRef, onFinished, interval]);

  return { state, start };
}
