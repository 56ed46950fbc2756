import {
  backoffDelay,
  isRetryable,
  sleep,
  withRetry,
  type RetryPolicy,
} from './retry';

const awsError = (name: string, status?: number) =>
  Object.assign(new Error(name), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });

describe('isRetryable', () => {
  it.each([
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
    ['SomethingNew', 429],
    ['InternalFailure', 500],
    ['ServiceUnavailableException', 503],
  ])('retries %s (HTTP %s)', (name, status) => {
    expect(isRetryable(awsError(name, status))).toBe(true);
  });

  it.each([
    ['AccessDeniedException', 400],
    ['InvalidExpressionException', 400],
    ['NoSuchConfigurationAggregatorException', 400],
    ['UnrecognizedClientException', 403],
  ])('does not retry %s (HTTP %s)', (name, status) => {
    expect(isRetryable(awsError(name, status))).toBe(false);
  });

  it('retries dropped connections but never aborts', () => {
    expect(
      isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
    ).toBe(true);
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(isRetryable(abort)).toBe(false);
  });
});

describe('backoffDelay', () => {
  const policy: RetryPolicy = {
    maxAttempts: 8,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
  };

  it('doubles the cap per attempt up to the maximum, with full jitter', () => {
    const top = { ...policy, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 6].map(a => backoffDelay(a, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(200);
  });
});

describe('withRetry', () => {
  const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

  it('returns the first success and reports each retry', async () => {
    const retries: number[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw awsError('ThrottlingException', 400);
        return 'ok';
      },
      policy,
      undefined,
      (_e, attempt) => retries.push(attempt),
    );
    expect(value).toBe('ok');
    expect(retries).toEqual([1, 2]);
  });

  it('throws the last error once the attempts are used up', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw awsError('InternalFailure', 500);
      }, policy),
    ).rejects.toThrow('InternalFailure');
    expect(calls).toBe(3);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const call = jest.fn();
    await expect(
      withRetry(call, policy, controller.signal),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(call).not.toHaveBeenCalled();
  });
});

describe('sleep', () => {
  it('rejects when aborted while waiting', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
