import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { spawn } from 'node:child_process';

/** What the load generator is asked to do. */
export interface LoadRequest {
  origin: string;
  /** Paths cycled through, one per request. */
  paths: string[];
  token: string;
  connections: number;
  durationSeconds: number;
}

/** What it measured. */
export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  /** Every response time, ms. */
  latencies: number[];
  durationSeconds: number;
}

/** Runs the load generator in a separate process and resolves with its result. */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      resolvePackagePath(
        '@internal/security-posture-reliability',
        'src/load/child.ts',
      ),
    ],
    {
      env: { ...process.env, SP_LOAD: JSON.stringify(request) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', code => {
      const line = out.split('\n').find(l => l.startsWith('@@load '));
      if (code !== 0 || !line) {
        reject(
          new Error(`load generator exited with ${code}: ${err.slice(-1000)}`),
        );
        return;
      }
      resolve(JSON.parse(line.slice('@@load '.length)));
    });
  });
}

/** The value below which `p` percent of the samples fall. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

/** errors, p50/p95/p99 in one object, for reports. */
export function summarizeLoad(result: LoadResult) {
  return {
    requests: result.requests,
    requestsPerSecond: Math.round(result.requests / result.durationSeconds),
    errors: result.non2xx + result.errors + result.timeouts,
    statuses: result.statuses,
    p50: percentile(result.latencies, 50),
    p95: percentile(result.latencies, 95),
    p99: percentile(result.latencies, 99),
    max: Math.max(...result.latencies),
  };
}
