import type { Report } from '../report';
import type { BenchOptions } from './types';

export async function runHttpBench(
  report: Report,
  _options: BenchOptions,
  _args: string[],
): Promise<void> {
  report.log('  not implemented yet');
}
