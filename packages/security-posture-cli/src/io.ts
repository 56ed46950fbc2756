/** How the CLI talks to the outside world (the process, or a test). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Whether stdout is a colour terminal. */
  color: boolean;
  /** Version of the CLI package. */
  version: string;
}

/** A problem with the command line or its inputs: exit code 2, message without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
