import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Worker } from 'node:worker_threads';

/** What one case did in the sandbox. */
export type SandboxOutcome =
  | { kind: 'ok'; summary: TargetSummary; ms: number }
  /** The target threw (a bug: targets must report problems, never throw). */
  | { kind: 'threw'; message: string; ms: number }
  /** The target broke one of the invariants checked in the worker. */
  | { kind: 'invalid'; message: string; ms: number }
  /** No answer within the deadline (a hang, or super-linear work). */
  | { kind: 'timeout'; ms: number }
  /** The worker died: out of memory (V8 heap limit) or a native crash. */
  | { kind: 'crashed'; message: string; ms: number };

/** What a target reports about one input (small: it crosses threads). */
export interface TargetSummary {
  /** Problems the target reported, as it worded them. */
  errors: string[];
  /** Resources, checks, policies … produced. */
  produced: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require('@backstage/cli-node/config/nodeTransform.cjs');
const { runTarget } = require(workerData.targets);
parentPort.on('message', ({ id, target, input }) => {
  const start = performance.now();
  let answer;
  try {
    answer = runTarget(target, input);
  } catch (e) {
    answer = { kind: 'threw', message: String(e && e.stack || e) };
  }
  parentPort.postMessage({ id, ...answer, ms: performance.now() - start });
});
parentPort.postMessage({ ready: true });
`;

/**
 * Runs fuzz targets in a worker thread with a heap limit and a deadline, so a
 * case that hangs the event loop or exhausts memory (which would take the test
 * process down, or hang it) becomes a test failure that names the case. The
 * worker is replaced after a timeout or a crash.
 */
export class Sandbox {
  private worker?: Worker;
  private ready?: Promise<void>;
  private nextId = 0;
  private current?: {
    id: number;
    resolve: (o: SandboxOutcome) => void;
    started: number;
    timer: NodeJS.Timeout;
  };

  constructor(
    private readonly options: { timeoutMs: number; memoryMb: number } = {
      timeoutMs: 10_000,
      memoryMb: 512,
    },
  ) {}

  private start(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        targets: resolvePackagePath(
          '@internal/security-posture-reliability',
          'src/fuzz/targets.ts',
        ),
      },
      resourceLimits: {
        maxOldGenerationSizeMb: this.options.memoryMb,
        maxYoungGenerationSizeMb: 64,
      },
      stdout: true,
      stderr: true,
    });
    this.worker = worker;
    this.ready = new Promise((resolveReady, rejectReady) => {
      worker.once('message', () => resolveReady());
      worker.once('error', rejectReady);
    });
    worker.on('message', (m: { id?: number } & Record<string, unknown>) => {
      const current = this.current;
      if (!current || m.id !== current.id) return;
      clearTimeout(current.timer);
      this.current = undefined;
      current.resolve(m as unknown as SandboxOutcome);
    });
    worker.on('error', (e: Error) => this.fail(`worker error: ${e.message}`));
    worker.on('exit', code => {
      if (this.worker === worker) this.worker = undefined;
      this.fail(`worker exited with code ${code}`);
    });
    return this.ready;
  }

  private fail(message: string) {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    current.resolve({
      kind: 'crashed',
      message,
      ms: performance.now() - current.started,
    });
  }

  /** Runs one case; resolves with what happened, never rejects. */
  async run(
    target: string,
    input: unknown,
    timeoutMs: number = this.options.timeoutMs,
  ): Promise<SandboxOutcome> {
    if (!this.worker) await this.start();
    else await this.ready;
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise(resolve => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.current = undefined;
        this.worker = undefined;
        worker.terminate().catch(() => undefined);
        resolve({ kind: 'timeout', ms: performance.now() - started });
      }, timeoutMs);
      this.current = { id, resolve, started, timer };
      worker.postMessage({ id, target, input });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

/** One-line description of a failed outcome, for assertion messages. */
export function describeOutcome(o: SandboxOutcome): string {
  switch (o.kind) {
    case 'ok':
      return `ok in ${Math.round(o.ms)} ms`;
    case 'timeout':
      return `no answer within ${Math.round(o.ms)} ms (hang)`;
    default:
      return `${o.kind} after ${Math.round(o.ms)} ms: ${o.message}`;
  }
}
