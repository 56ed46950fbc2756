/**
 * Fails the test file when a promise rejection goes unhandled (or an exception
 * is thrown outside a test) while its tests run: such a rejection would crash a
 * backend started with Node's default `--unhandled-rejections=throw`.
 */
export function failOnUnhandledRejections(): void {
  const seen: string[] = [];
  const onRejection = (reason: unknown) => {
    seen.push(
      `unhandled rejection: ${
        reason instanceof Error
          ? reason.stack ?? reason.message
          : String(reason)
      }`,
    );
  };
  const onException = (error: Error) => {
    seen.push(`uncaught exception: ${error.stack ?? error.message}`);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterAll(async () => {
    // Rejections are reported after a turn of the event loop.
    await new Promise(resolve => setTimeout(resolve, 50));
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    expect(seen).toEqual([]);
  });
}
