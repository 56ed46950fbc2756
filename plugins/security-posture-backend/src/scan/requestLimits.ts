import { CustomErrorBase } from '@backstage/errors';

/** One rate limit: at most `max` requests in any window of `windowMs`. */
export interface RequestLimit {
  max: number;
  windowMs: number;
}

/** Limits on requested scans (`POST /scans`). */
export interface ScanRequestLimits {
  /** Per scope: one entity, or the whole catalog. */
  perEntity: RequestLimit;
  /** All requests together. */
  global: RequestLimit;
}

/**
 * A scan request refused by a rate limit; answered 429 with `Retry-After` (the
 * error handler takes the status from `statusCode`).
 */
export class TooManyRequestsError extends CustomErrorBase {
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}

/** "10 minutes", "1 hour", "30 seconds" — for messages. */
export function describeWindow(ms: number): string {
  const units: Array<[number, string]> = [
    [24 * 60 * 60 * 1000, 'day'],
    [60 * 60 * 1000, 'hour'],
    [60 * 1000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.ceil(ms / 1000)} seconds`;
}
