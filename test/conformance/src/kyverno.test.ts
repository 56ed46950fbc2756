/**
 * Conformance of the Kyverno engine with Kyverno's own policy tests: the
 * `pod-security` folder of kyverno/policies, whose `kyverno-test.yaml` results are
 * what the real `kyverno test` produces (flattened in expected-results.csv). Every
 * disagreeing row must be explained in docs/conformance.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  formatKyvernoTestReport,
  KyvernoTestReport,
  KyvernoTestRow,
  runKyvernoTests,
} from '@internal/security-posture-engine';
import { conformanceRoot } from './index';

interface ExpectedRow {
  line: number;
  testDir: string;
  policy: string;
  rule: string;
  kind: string;
  resource: string;
  expected: string;
  tier: string;
  autogen: string;
}

const root = path.join(conformanceRoot(), 'kyverno-policies');
const docsFile = path.resolve(__dirname, '../../../docs/conformance.md');

function readExpected(): ExpectedRow[] {
  const lines = fs
    .readFileSync(path.join(root, 'expected-results.csv'), 'utf8')
    .split(/\r?\n/);
  expect(lines[0].split(',')).toEqual([
    'test_dir',
    'policy',
    'rule',
    'kind',
    'resource',
    'expected',
    'tier',
    'autogen',
  ]);
  const rows: ExpectedRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const [testDir, policy, rule, kind, resource, expected, tier, autogen] =
      lines[i].split(',');
    rows.push({
      line: i + 1,
      testDir,
      policy,
      rule,
      kind,
      resource,
      expected,
      tier,
      autogen,
    });
  }
  return rows;
}

/** `pod-security/baseline/x` for `…/pod-security/baseline/x/.kyverno-test/kyverno-test.yaml`. */
function testDirOf(row: KyvernoTestRow): string {
  let dir = path.dirname(row.test);
  if (path.basename(dir) === '.kyverno-test') dir = path.dirname(dir);
  return path.relative(root, dir).split(path.sep).join('/');
}

const keyOf = (r: {
  policy: string;
  rule: string;
  kind: string;
  resource: string;
}) => `${r.policy}/${r.rule} ${r.kind}/${r.resource}`;

describe('Kyverno pod-security policies (kyverno/policies)', () => {
  const expected = readExpected();
  let report: KyvernoTestReport;

  beforeAll(async () => {
    report = await runKyvernoTests([path.join(root, 'pod-security')]);
  }, 60_000);

  it('reads the 948 expected results and runs every test without errors', () => {
    expect(expected).toHaveLength(948);
    expect(expected.filter(r => r.expected === 'pass')).toHaveLength(478);
    expect(expected.filter(r => r.expected === 'fail')).toHaveLength(470);
    expect(report.errors).toEqual([]);
    expect(report.tests.length).toBe(
      new Set(expected.map(r => r.testDir)).size,
    );
    // one compared row per expected result, nothing unsupported
    expect(report.rows).toHaveLength(expected.length);
    expect(report.skipped).toBe(0);
  });

  it('agrees with Kyverno on at least 99% of the rows, and every disagreement is documented', () => {
    const byKey = new Map<string, KyvernoTestRow[]>();
    for (const row of report.rows) {
      const k = `${testDirOf(row)} ${keyOf(row)}`;
      byKey.set(k, [...(byKey.get(k) ?? []), row]);
    }
    const disagreements: string[] = [];
    const tiers = new Map<string, { agree: number; total: number }>();
    let agree = 0;
    for (const e of expected) {
      const rows = byKey.get(`${e.testDir} ${keyOf(e)}`) ?? [];
      expect(rows).toHaveLength(1);
      const got = rows[0]?.got ?? 'missing';
      const ok = got === e.expected;
      for (const t of [e.tier, `autogen=${e.autogen}`]) {
        const s = tiers.get(t) ?? { agree: 0, total: 0 };
        s.total++;
        if (ok) s.agree++;
        tiers.set(t, s);
      }
      if (ok) agree++;
      else {
        disagreements.push(
          `${e.testDir},${e.policy},${e.rule},${e.kind},${
            e.resource
          }: expected ${e.expected}, got ${got} (${rows[0]?.reason ?? ''})`,
        );
      }
    }
    const percent = (100 * agree) / expected.length;
    const lines = [
      `Kyverno pod-security conformance: ${agree}/${
        expected.length
      } rows agree (${percent.toFixed(2)}%)`,
      ...[...tiers].map(([t, s]) => `  ${t}: ${s.agree}/${s.total}`),
      ...disagreements.map(d => `  DISAGREES ${d}`),
    ];
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
    expect(percent).toBeGreaterThanOrEqual(99);

    const docs = fs.readFileSync(docsFile, 'utf8');
    const undocumented = disagreements
      .map(d => d.slice(0, d.indexOf(':')))
      .filter(key => !docs.includes(key));
    expect(undocumented).toEqual([]);
  });

  it('counts like `kyverno test` and ends the text report with the summary line', () => {
    const text = formatKyvernoTestReport(report);
    const last = text.split('\n').pop();
    expect(last).toBe(`${report.passed} passed, ${report.failed} failed`);
    // the runner's own verdict (Kyverno CLI semantics) matches the strict comparison
    const strictlyAgreeing = report.rows.filter(
      r => r.got === r.expected,
    ).length;
    expect(report.passed).toBe(strictlyAgreeing);
  });
});
