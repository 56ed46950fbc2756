import { promises as fs } from 'node:fs';
import {
  formatKyvernoTestReport,
  kyvernoTestsFailed,
  runKyvernoTests,
} from '@internal/security-posture-engine';
import { UsageError, type CliIo } from '../io';

/**
 * Runs `security-posture test`: every `kyverno-test.yaml` under the paths, against
 * the built-in Kyverno engine. Prints each disagreeing row and the summary line;
 * exit 1 when a row disagrees or a test cannot run, 2 when a path does not exist
 * or holds no test.
 */
export async function runTest(paths: string[], io: CliIo): Promise<number> {
  for (const path of paths) {
    try {
      await fs.stat(path);
    } catch {
      throw new UsageError(`path does not exist: ${path}`);
    }
  }
  const report = await runKyvernoTests(paths);
  if (report.tests.length === 0 && report.errors.length === 0) {
    throw new UsageError(
      `no kyverno-test.yaml found under ${paths.join(', ')}`,
    );
  }
  io.stdout(`${formatKyvernoTestReport(report, { cwd: io.cwd })}\n`);
  return kyvernoTestsFailed(report) ? 1 : 0;
}
