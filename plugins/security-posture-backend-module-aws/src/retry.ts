/** How often and how patiently a throttled or failing AWS call is retried. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Upper bound of the first wait; doubles with every attempt. */
  baseDelayMs: number;
  /** Upper bound of any wait. */
  maxDelayMs: number;
  /** Source of jitter in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** Error codes AWS answers when a caller is too fast. */
const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);

/** Transient network failures worth another attempt. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** The HTTP status of an AWS SDK error, when it got one. */
export function httpStatusOf(e: unknown): number | undefined {
  return (e as AwsLikeError)?.$metadata?.httpStatusCode;
}

/** Whether the error means "too many requests". */
export function isThrottling(e: unknown): boolean {
  const err = e as AwsLikeError;
  return (
    THROTTLING_CODES.has(err?.name ?? '') ||
    THROTTLING_CODES.has(err?.code ?? '') ||
    err?.$retryable?.throttling === true ||
    httpStatusOf(e) === 429
  );
}

/**
 * Whether an AWS call that failed with `e` may succeed when repeated: throttling,
 * 5xx answers, time-outs and dropped connections. Access denied, validation and
 * other 4xx errors are final.
 */
export function isRetryable(e: unknown): boolean {
  if (isAbort(e)) return false;
  if (isThrottling(e)) return true;
  const err = e as AwsLikeError;
  const status = httpStatusOf(e);
  if (status !== undefined) return status >= 500;
  if (err?.$fault === 'server') return true;
  if (err?.name === 'TimeoutError') return true;
  return NETWORK_CODES.has(err?.code ?? '');
}

/** Whether `e` is the rejection of an aborted operation. */
export function isAbort(e: unknown): boolean {
  const name = (e as Error)?.name;
  return name === 'AbortError';
}

function abortError(): Error {
  const error = new Error('The scan was aborted');
  error.name = 'AbortError';
  return error;
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The wait before attempt `attempt + 1` ("full jitter"): a random duration up to
 * `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const cap = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.floor(cap * (policy.random ?? Math.random)());
}

/**
 * Runs `call` until it succeeds, fails with an error that is not retryable, or
 * `maxAttempts` is reached (the last error is thrown). Waits with exponential
 * backoff and jitter between attempts; an abort stops the waiting at once.
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError();
    try {
      return await call(attempt);
    } catch (e) {
      if (signal?.aborted) throw abortError();
      if (attempt >= policy.maxAttempts || !isRetryable(e)) throw e;
      const delay = backoffDelay(attempt, policy);
      onRetry?.(e, attempt, delay);
      await sleep(delay, signal);
    }
  }
}
