/*
 * The load generator, run in its own process (so it does not share the event
 * loop of what it measures): autocannon against the entity, history, team and
 * leaderboard routes, every response time kept so the percentiles are exact.
 * Reads its request from SP_LOAD (JSON), prints one line `@@load <json>`.
 */
import type { LoadRequest, LoadResult } from './runLoad';

// autocannon ships no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon');

const request: LoadRequest = JSON.parse(process.env.SP_LOAD ?? '{}');
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let next = 0;

const instance = autocannon(
  {
    url: request.origin,
    connections: request.connections,
    duration: request.durationSeconds,
    timeout: 30,
    headers: { authorization: `Bearer ${request.token}` },
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          path: request.paths[next++ % request.paths.length],
        }),
      },
    ],
  },
  (error: Error | null, result: any) => {
    if (error) {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    }
    const out: LoadResult = {
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statuses,
      latencies,
      durationSeconds: result.duration,
    };
    process.stdout.write(`@@load ${JSON.stringify(out)}\n`);
  },
);
instance.on(
  'response',
  (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  },
);
