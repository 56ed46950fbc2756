/** Options every benchmark takes. */
export interface BenchOptions {
  /** Tiny scale, a few seconds, no verdicts. */
  smoke: boolean;
}
