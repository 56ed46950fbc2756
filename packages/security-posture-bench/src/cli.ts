import { promises as fs } from 'node:fs';
import path from 'node:path';
import { generateEstate, SCALES } from './estate/generate';
import { dataDir, ensureEstate } from './estate/store';
import { describeMachine, machineInfo } from './measure';
import { Report, verdict, type Figure } from './report';
import type { BenchOptions } from './benches/types';
import { RESULT_PREFIX, runChild } from './child';

/** The benchmarks, in the order `all` runs them. */
export const BENCHES = [
  'engine',
  'pipeline',
  'scan',
  'memory',
  'storage',
  'http',
] as const;

export type BenchName = (typeof BENCHES)[number];

function runOne(
  name: BenchName,
  report: Report,
  options: BenchOptions,
  args: string[],
): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (name) {
    case 'engine':
      return require('./benches/engine').runEngineBench(report, options);
    case 'pipeline':
      return require('./benches/pipeline').runPipelineBench(report, options);
    case 'scan':
      return require('./benches/scan').runScanBench(report, options, args);
    case 'memory':
      return require('./benches/memory').runMemoryBench(report, options, args);
    case 'storage':
      return require('./benches/storage').runStorageBench(
        report,
        options,
        args,
      );
    case 'http':
      return require('./benches/http').runHttpBench(report, options, args);
    default:
      throw new Error(`unknown benchmark ${name}`);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function usage(): string {
  return [
    'usage: security-posture-bench <command> [--smoke]',
    '',
    'commands:',
    '  all                 every benchmark, each in its own process, then the summary table',
    `  ${BENCHES.join(' | ')}   one benchmark`,
    '  generate [--scale S|10S|smoke] [--out DIR] [--seed N]   write a synthetic estate',
    '  profile FILE.cpuprofile …   self time by module and function of node --cpu-prof output',
    '',
    `Estates and results are kept in ${dataDir()} (SP_BENCH_DATA).`,
  ].join('\n');
}

/** The command line. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const smoke = argv.includes('--smoke');
  const args = argv.filter(a => a !== '--smoke');
  const command = args[0];
  const options: BenchOptions = { smoke };
  const child = process.env.SP_BENCH_CHILD === '1';
  const report = new Report({ smoke });

  if (!command || command === '--help' || command === 'help') {
    process.stdout.write(`${usage()}\n`);
    return command ? 0 : 1;
  }

  if (command === 'load') {
    // The HTTP benchmark's load generator (a separate process).
    const { runLoad } = require('./load') as typeof import('./load');
    const result = await runLoad(JSON.parse(process.env.SP_BENCH_LOAD ?? '{}'));
    process.stdout.write(`@@load ${JSON.stringify(result)}\n`);
    return 0;
  }

  if (command === 'profile') {
    // Summarises `node --cpu-prof` output files.
    const { summarizeProfile } =
      require('./profile') as typeof import('./profile');
    for (const file of args.slice(1)) {
      for (const line of await summarizeProfile(file)) report.log(line);
    }
    return 0;
  }

  if (command === 'generate') {
    const scaleName = (valueOf(args, '--scale') ?? 'S') as keyof typeof SCALES;
    if (!SCALES[scaleName]) throw new Error(`unknown scale ${scaleName}`);
    const seed = Number(valueOf(args, '--seed') ?? 42);
    const out = valueOf(args, '--out');
    if (out) {
      const m = await generateEstate({ ...SCALES[scaleName], seed, out });
      process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
    } else {
      const { dir } = await ensureEstate(scaleName, l => report.log(l), seed);
      report.log(`estate ${scaleName} in ${dir}`);
    }
    return 0;
  }

  if ((BENCHES as readonly string[]).includes(command)) {
    if (!child) {
      report.log(`machine: ${describeMachine()}`);
    }
    report.log(`== ${command}${smoke ? ' (smoke)' : ''}`);
    await runOne(command as BenchName, report, options, args.slice(1));
    if (child) {
      for (const f of report.figures) {
        process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(f)}\n`);
      }
    }
    return 0;
  }

  if (command === 'all') {
    const machine = machineInfo();
    report.log(`machine: ${describeMachine(machine)}`);
    const started = Date.now();
    const all: Figure[] = [];
    const failed: string[] = [];
    for (const name of BENCHES) {
      try {
        const figures = await runChild(
          [name, ...(smoke ? ['--smoke'] : [])],
          line => report.log(line),
        );
        all.push(...figures);
      } catch (e) {
        failed.push(name);
        report.log(`!! ${name} failed: ${(e as Error).message}`);
      }
    }
    const summary = new Report({ smoke, log: () => {} });
    summary.figures.push(...all);
    report.log('');
    report.log(
      `== summary (${((Date.now() - started) / 1000).toFixed(
        0,
      )} s; machine at the end: ${describeMachine()})`,
    );
    report.log(summary.table());
    if (!smoke) {
      const met = all.filter(f => verdict(f) === 'met').length;
      const missed = all.filter(f => verdict(f) === 'missed').length;
      report.log(`targets met: ${met}, missed: ${missed}`);
    }
    await fs.mkdir(dataDir(), { recursive: true });
    const file = path.join(
      dataDir(),
      `results-${smoke ? 'smoke' : 'full'}-${new Date()
        .toISOString()
        .replace(/[:.]/g, '-')}.json`,
    );
    await fs.writeFile(
      file,
      `${JSON.stringify({ machine, figures: all, failed }, null, 2)}\n`,
    );
    report.log(`results written to ${file}`);
    return failed.length > 0 ? 1 : 0;
  }

  process.stderr.write(`${usage()}\n`);
  return 1;
}

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
