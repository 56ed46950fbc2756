/**
 * The load generator of the HTTP benchmark, run in its own process: autocannon
 * against a list of URLs (cycled), every response time kept so p50/p95/p99 are
 * exact.
 */

/** What the load generator is asked to do (passed as JSON in SP_BENCH_LOAD). */
export interface LoadRequest {
  origin: string;
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
  /** Response times in ms, in completion order. */
  latencies: number[];
  durationSeconds: number;
}

/** Runs the load and resolves with every response time. */
export function runLoad(request: LoadRequest): Promise<LoadResult> {
  // autocannon ships no types of its own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon');
  let next = 0;
  const latencies: number[] = [];
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.origin,
        connections: request.connections,
        duration: request.durationSeconds,
        headers: { authorization: `Bearer ${request.token}` },
        requests: [
          {
            method: 'GET',
            setupRequest(req: Record<string, unknown>) {
              req.path = request.paths[next++ % request.paths.length];
              return req;
            },
          },
        ],
      },
      (
        err: Error | null,
        result: { errors: number; timeouts: number; duration: number },
      ) => {
        if (err) {
          reject(err);
          return;
        }
        resolve({
          requests: latencies.length,
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          latencies,
          durationSeconds: result.duration,
        });
      },
    );
    instance.on(
      'response',
      (_client: unknown, statusCode: number, _bytes: number, time: number) => {
        latencies.push(time);
        if (statusCode < 200 || statusCode >= 300) non2xx++;
      },
    );
  });
}
