import fc from 'fast-check';
import { failOnUnhandledRejections } from '../testing/unhandled';
import {
  awsConfigItems,
  celExpression,
  hostileText,
  hugeString,
  kubernetesObject,
  kyvernoPolicyText,
  terraformDocument,
  wrongTypes,
} from './arbitraries';
import { readCorpus } from './corpus';
import { describeOutcome, Sandbox } from './sandbox';

/**
 * Property-based bad input into every reader of the engine: the scan pipeline,
 * the three normalisers, the Kyverno loader and engine, the CEL loader and
 * evaluation, exemption and scoring files. Every case runs in a worker with a
 * heap limit and a deadline, so a crash (V8 out of memory) or a hang fails the
 * case instead of the test process. Invariants (see targets.ts): no throw,
 * every problem a readable message, resources serialisable, prototypes intact.
 *
 * FUZZ_RUNS scales the number of cases (default sized for CI, ~2 minutes).
 */

jest.setTimeout(600_000);
failOnUnhandledRejections();

const SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? '1');
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const sandbox = new Sandbox({ timeoutMs: 15_000, memoryMb: 768 });

/**
 * The deadline of a case: readers may take time linear in their input (the
 * careful YAML path tokenises at about 1-5 µs per character of hostile text);
 * anything super-linear, or a hang, misses it.
 */
function deadline(input: unknown): number {
  const chars = typeof input === 'string' ? input.length : 0;
  return 10_000 + (chars / (1024 * 1024)) * 5_000;
}
const stats = new Map<string, { cases: number; maxMs: number }>();

afterAll(async () => {
  await sandbox.close();
  const lines = [...stats].map(
    ([target, s]) =>
      `${target.padEnd(14)} ${String(s.cases).padStart(
        6,
      )} cases, slowest ${Math.round(s.maxMs)} ms`,
  );
  const total = [...stats.values()].reduce((n, s) => n + s.cases, 0);
  // The figures docs/reliability.md quotes.
  process.stdout.write(
    `\nengine fuzz: ${total} cases, 0 failures\n${lines.join('\n')}\n`,
  );
});

async function expectClean(target: string, input: unknown): Promise<void> {
  const outcome = await sandbox.run(target, input, deadline(input));
  const s = stats.get(target) ?? { cases: 0, maxMs: 0 };
  s.cases++;
  s.maxMs = Math.max(s.maxMs, outcome.ms);
  stats.set(target, s);
  if (outcome.kind !== 'ok') {
    const shown =
      typeof input === 'string' && input.length > 300
        ? `${JSON.stringify(input.slice(0, 300))}… (${input.length} chars)`
        : JSON.stringify(input)?.slice(0, 500);
    throw new Error(`${target}: ${describeOutcome(outcome)}\ninput: ${shown}`);
  }
}

describe('seed corpus (cases that once failed)', () => {
  const cases = readCorpus('engine.json');
  it.each(cases.map(c => [c.target, c.why, c]))(
    '%s: %s',
    async (_target, _why, c) => {
      await expectClean(c.target, c.input);
    },
  );
});

describe.each([
  ['scan-yaml', 900],
  ['scan-json', 200],
  ['kyverno-load', 400],
  ['policy-load', 300],
  ['cel-load', 400],
  ['exemptions', 400],
  ['scoring', 300],
])('%s reads hostile text', (target, n) => {
  it(`never crashes, hangs or throws (${n} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, text => expectClean(target, text)),
      { endOnFailure: true, numRuns: runs(n) },
    );
  });
});

describe('huge texts (1-6 MiB)', () => {
  it.each([
    'scan-yaml',
    'scan-json',
    'kyverno-load',
    'policy-load',
    'cel-load',
    'exemptions',
    'scoring',
  ])('%s stays linear and refuses them clearly', async target => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(hugeString, fc.constantFrom('', 'a: ', '- ', '"', '[', '#')),
        ([text, prefix]) => expectClean(target, prefix + text),
      ),
      { endOnFailure: true, numRuns: runs(6) },
    );
  });
});

describe('normalisers on documents with wrong types everywhere', () => {
  it('Kubernetes objects and lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(kubernetesObject, { maxLength: 5 }), wrongTypes),
        objects => expectClean('kubernetes', objects),
      ),
      { endOnFailure: true, numRuns: runs(700) },
    );
  });

  it('Terraform plans and states', async () => {
    await fc.assert(
      fc.asyncProperty(terraformDocument, doc => expectClean('terraform', doc)),
      { endOnFailure: true, numRuns: runs(700) },
    );
  });

  it('AWS Config items', async () => {
    await fc.assert(
      fc.asyncProperty(awsConfigItems, items =>
        expectClean('aws-config', items),
      ),
      { endOnFailure: true, numRuns: runs(700) },
    );
  });
});

describe('policy engines on fuzzed policies and objects', () => {
  it('Kyverno: fuzzed patterns, conditions and JMESPath on fuzzed objects', async () => {
    await fc.assert(
      fc.asyncProperty(
        kyvernoPolicyText,
        fc.array(kubernetesObject, { maxLength: 3 }),
        (policy, objects) => expectClean('kyverno-eval', { policy, objects }),
      ),
      { endOnFailure: true, numRuns: runs(400) },
    );
  });

  it('assessment with every built-in check and a fuzzed CEL check', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(kubernetesObject, { maxLength: 4 }),
        celExpression,
        celExpression,
        (objects, expression, variable) =>
          expectClean('assess', { objects, expression, variable }),
      ),
      { endOnFailure: true, numRuns: runs(400) },
    );
  });
});
