import {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from 'commander';
import { SEVERITIES } from '@internal/backstage-plugin-security-posture-common';
import { runScan, type ScanCommandOptions } from './commands/scan';
import { runTest } from './commands/test';
import { UsageError, type CliIo } from './io';

function parsePercent(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a percentage, e.g. 80 or 89.5');
  }
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readVersion(): string {
  try {
    // eslint-disable-next-line @backstage/no-relative-monorepo-imports
    return require('../package.json').version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The process's standard streams and working directory. */
export function processIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    cwd: process.cwd(),
    color:
      Boolean(process.stdout.isTTY) &&
      !process.env.NO_COLOR &&
      process.env.TERM !== 'dumb',
    version: readVersion(),
  };
}

/**
 * Runs the `security-posture` command line and resolves to the exit code:
 * 0 success, 1 gate failed (score below `--fail-under`, findings at or above
 * `--fail-on`, failing test rows), 2 usage error or unreadable input.
 */
export async function main(
  argv: string[],
  io: CliIo = processIo(),
): Promise<number> {
  let exitCode = 0;
  const program = new Command('security-posture')
    .description(
      'Security posture scores and findings for Kubernetes manifests, Terraform plans/states and AWS Config items.',
    )
    .version(io.version)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: text => io.stdout(text),
      writeErr: text => io.stderr(text),
    });

  program
    .command('scan')
    .description(
      'Scan files and directories (YAML/JSON: Kubernetes objects and lists, terraform show -json plans and states, AWS Config items) and score them.',
    )
    .argument('<paths...>', 'files or directories to scan')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['table', 'json', 'sarif'])
        .default('table'),
    )
    .option(
      '--fail-under <percent>',
      'exit 1 when the (exemption-adjusted) score is below this percentage',
      parsePercent,
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a failing finding has this severity or a higher one',
      ).choices([...SEVERITIES]),
    )
    .option(
      '--exemptions <file>',
      'exemption file (YAML); repeatable',
      collect,
      [] as string[],
    )
    .option(
      '--policy <dir>',
      'folder (or file) of Kyverno policies and CEL custom checks to add; repeatable',
      collect,
      [] as string[],
    )
    .option(
      '--config <file>',
      'scoring configuration (weights, modes, enabled checks, overrides)',
    )
    .option(
      '--entity <ref>',
      'entity ref the scanned resources belong to (for entity-scoped exemptions)',
    )
    .option(
      '-o, --output <file>',
      'write the report to a file instead of stdout',
    )
    .option('--no-color', 'plain text output')
    .action(async (paths: string[], opts: ScanCommandOptions) => {
      exitCode = await runScan(paths, opts, io);
    });

  program
    .command('test')
    .description(
      'Run Kyverno CLI test suites (kyverno-test.yaml) found under the paths against the built-in Kyverno engine.',
    )
    .argument('<paths...>', 'folders holding kyverno-test.yaml files')
    .action(async (paths: string[]) => {
      exitCode = await runTest(paths, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed help, the version or the error message
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`security-posture: ${e.message}\n`);
      return 2;
    }
    io.stderr(
      `security-posture: unexpected error: ${
        e instanceof Error ? e.message : String(e)
      }\n`,
    );
    return 2;
  }
}
