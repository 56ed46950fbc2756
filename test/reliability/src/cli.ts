/*
 * The long-running reliability runs (docs/reliability.md):
 *
 *   yarn workspace @internal/security-posture-reliability replicas [--short]
 *   yarn workspace @internal/security-posture-reliability load [--short]
 *
 * Each prints its progress, then the report as JSON, and exits 1 when a claim
 * of the report does not hold. `--short` is the size .ci/run uses.
 */
import { runReplicaScenario, type ScenarioOptions } from './replicas/scenario';
import { verifyReplicaReport } from './replicas/verify';

const SIZES: Record<
  string,
  Record<'short' | 'long', Omit<ScenarioOptions, 'log'>>
> = {
  replicas: {
    short: {
      replicas: 3,
      components: 150,
      frequency: 20,
      timeout: 15,
      kills: 1,
      steadyIntervals: 2,
      load: { connections: 50, durationSeconds: 15 },
    },
    long: {
      replicas: 3,
      components: 400,
      frequency: 45,
      timeout: 30,
      kills: 3,
      steadyIntervals: 6,
      load: { connections: 50, durationSeconds: 60 },
    },
  },
  load: {
    short: {
      replicas: 1,
      components: 200,
      frequency: 30,
      timeout: 60,
      kills: 0,
      steadyIntervals: 0,
      load: { connections: 50, durationSeconds: 20 },
    },
    long: {
      replicas: 1,
      components: 1000,
      frequency: 60,
      timeout: 120,
      kills: 0,
      steadyIntervals: 0,
      load: { connections: 50, durationSeconds: 60 },
    },
  },
};

async function main(argv: string[]) {
  const [mode, ...flags] = argv;
  const sizes = SIZES[mode ?? ''];
  if (!sizes) {
    process.stderr.write('usage: reliability replicas|load [--short]\n');
    return 2;
  }
  const options = sizes[flags.includes('--short') ? 'short' : 'long'];
  const t0 = Date.now();
  const log = (line: string) =>
    process.stdout.write(
      `[${Math.round((Date.now() - t0) / 1000)}s] ${line}\n`,
    );
  log(`${mode}: ${JSON.stringify(options)}`);
  const report = await runReplicaScenario({ ...options, log });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const problems = verifyReplicaReport(report);
  for (const problem of problems) process.stdout.write(`FAILED: ${problem}\n`);
  log(
    problems.length === 0
      ? `${mode}: every claim holds`
      : `${mode}: ${problems.length} claim(s) broken`,
  );
  return problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
