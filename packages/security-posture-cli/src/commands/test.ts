import type { CliIo } from '../io';

/** Runs `security-posture test`; returns the exit code. */
export async function runTest(_paths: string[], io: CliIo): Promise<number> {
  io.stderr('security-posture test: the Kyverno engine is not available yet\n');
  return 2;
}
