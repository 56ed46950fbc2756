/**
 * Conformance of the Pod Security Standards engine with the official Pod Security
 * Admission fixtures (kubernetes/pod-security-admission `test/testdata`): every case
 * (level, version, pod) must get the verdict the admission controller gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  evaluatePodSecurity,
  POD_SECURITY_VERSIONS,
} from '@internal/security-posture-engine';
import { conformanceRoot } from './index';

interface Case {
  line: number;
  level: 'baseline' | 'restricted';
  version: string;
  expected: 'pass' | 'fail';
  check: string;
  pod: string;
}

const root = path.join(conformanceRoot(), 'pod-security-admission');

function readCases(): Case[] {
  const lines = fs
    .readFileSync(path.join(root, 'cases.csv'), 'utf8')
    .split(/\r?\n/);
  const header = lines[0].split(',');
  expect(header).toEqual(['level', 'version', 'expected', 'check', 'pod']);
  const cases: Case[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const [level, version, expected, check, pod] = lines[i].split(',');
    cases.push({
      line: i + 1,
      level: level as Case['level'],
      version,
      expected: expected as Case['expected'],
      check,
      pod,
    });
  }
  return cases;
}

const podCache = new Map<string, any>();
function readPod(file: string): any {
  let pod = podCache.get(file);
  if (!pod) {
    pod = parse(fs.readFileSync(path.join(root, file), 'utf8'));
    podCache.set(file, pod);
  }
  return pod;
}

describe('Pod Security Admission fixtures', () => {
  const cases = readCases();

  it('reads all 4,537 cases over both levels and every version v1.0 … v1.37', () => {
    expect(cases).toHaveLength(4537);
    expect(new Set(cases.map(c => c.level))).toEqual(
      new Set(['baseline', 'restricted']),
    );
    const versions = new Set(cases.map(c => c.version));
    expect(versions).toEqual(
      new Set(POD_SECURITY_VERSIONS.filter(v => v !== 'latest')),
    );
  });

  it('agrees with the admission controller on every case', () => {
    const summary = new Map<string, { agree: number; total: number }>();
    const disagreements: string[] = [];
    for (const c of cases) {
      const result = evaluatePodSecurity(readPod(c.pod), {
        level: c.level,
        version: c.version,
      });
      const got = result.allowed ? 'pass' : 'fail';
      const key = `${c.level} ${c.version}`;
      const entry = summary.get(key) ?? { agree: 0, total: 0 };
      entry.total++;
      if (got === c.expected) {
        entry.agree++;
      } else {
        disagreements.push(
          `cases.csv:${c.line} ${c.level} ${c.version} ${c.check} ${
            c.pod
          }: expected ${c.expected}, got ${got}${
            result.violations.length
              ? ` (${result.violations.map(v => v.message).join('; ')})`
              : ''
          }`,
        );
      }
      summary.set(key, entry);
    }

    const rows = Array.from(summary.entries()).sort(([a], [b]) =>
      a.localeCompare(b, 'en', { numeric: true }),
    );
    const agree = rows.reduce((n, [, e]) => n + e.agree, 0);
    // eslint-disable-next-line no-console
    console.log(
      [
        `Pod Security Admission fixtures: ${agree}/${cases.length} cases agree`,
        ...rows.map(
          ([key, e]) =>
            `  ${key.padEnd(18)} ${String(e.agree).padStart(3)}/${String(
              e.total,
            ).padEnd(3)} ${((100 * e.agree) / e.total).toFixed(1)}%`,
        ),
      ].join('\n'),
    );
    expect(disagreements).toEqual([]);
  });

  it('names the check the fixture was written for when a pod is denied', () => {
    // The fixtures of one check violate that check (the fixture file says which);
    // other checks may deny the same pod too, but the named one must be among them,
    // or, at restricted, the restricted check that replaces it in the standard.
    const replacedBy: Record<string, string> = {
      capabilities_baseline: 'capabilities_restricted',
      seccompprofile_baseline: 'seccompprofile_restricted',
      hostpathvolumes: 'restrictedvolumes',
      procmount: 'procmount_restricted',
    };
    const missing: string[] = [];
    for (const c of cases) {
      if (c.expected !== 'fail' || c.check.startsWith('base')) continue;
      const result = evaluatePodSecurity(readPod(c.pod), {
        level: c.level,
        version: c.version,
      });
      const checks = result.violations.map(v => v.check.toLowerCase());
      if (
        !checks.includes(c.check) &&
        !(c.level === 'restricted' && checks.includes(replacedBy[c.check]))
      ) {
        missing.push(
          `cases.csv:${c.line} ${c.level} ${c.version} ${c.pod}: expected ${
            c.check
          } among [${checks.join(', ')}]`,
        );
      }
    }
    expect(missing).toEqual([]);
  });
});
