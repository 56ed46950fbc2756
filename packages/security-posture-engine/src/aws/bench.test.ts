/**
 * Opt-in throughput check of the built-in AWS checks (`SP_BENCH=1`): >= 1,000,000
 * resource x check evaluations per CPU second. The pipeline figure is measured
 * outside Jest (see `bench.ts`), which slows everything down about twofold.
 */
import { benchChecks } from './bench';

const bench = process.env.SP_BENCH ? describe : describe.skip;

bench('AWS check throughput', () => {
  it('evaluates built-in checks at >= 1,000,000 evaluations per CPU second', () => {
    const { perSecond } = benchChecks();
    expect(perSecond).toBeGreaterThan(1_000_000);
  });
});
