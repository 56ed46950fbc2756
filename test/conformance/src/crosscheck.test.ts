/**
 * Cross-check of the two policy engines on the official Pod Security Admission
 * fixtures: for Pod Security Standards v1.22–v1.26 (the Kubernetes versions the
 * kyverno/policies `pod-security` policies are written for), a fixture pod passes
 * every Kyverno policy of a level (the `baseline` kustomization, or `restricted`,
 * which includes baseline) exactly when the Pod Security Standards engine allows it
 * at that level and version. Deliberate differences are listed in
 * docs/conformance.md and asserted here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  evaluateKyvernoPolicy,
  evaluatePodSecurity,
  KyvernoPolicy,
  loadKyvernoPolicies,
} from '@internal/security-posture-engine';
import { conformanceRoot } from './index';

type Level = 'baseline' | 'restricted';

const root = conformanceRoot();
const psaRoot = path.join(root, 'pod-security-admission');
const policiesRoot = path.join(root, 'kyverno-policies', 'pod-security');
const docsFile = path.resolve(__dirname, '../../../docs/conformance.md');

/**
 * Deliberate differences inside v1.22–v1.26 (`version level pod`), each explained in
 * docs/conformance.md. None: the policies implement these versions of the standard.
 */
const DOCUMENTED_DIFFERENCES: string[] = [];

/** Policies of a kustomization, following nested kustomizations. */
function kustomize(dir: string): KyvernoPolicy[] {
  const k = parse(
    fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
  );
  const out: KyvernoPolicy[] = [];
  for (const entry of k.resources as string[]) {
    const p = path.join(dir, entry);
    if (fs.statSync(p).isDirectory()) {
      out.push(...kustomize(p));
    } else {
      const loaded = loadKyvernoPolicies(fs.readFileSync(p, 'utf8'), {
        file: p,
      });
      expect(loaded.errors).toEqual([]);
      out.push(...loaded.policies);
    }
  }
  return out;
}

function podsByVersion(): Map<string, string[]> {
  const lines = fs
    .readFileSync(path.join(psaRoot, 'cases.csv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter(l => l.trim());
  const out = new Map<string, Set<string>>();
  for (const line of lines) {
    const [, version, , , pod] = line.split(',');
    const set = out.get(version) ?? new Set<string>();
    set.add(pod);
    out.set(version, set);
  }
  return new Map([...out].map(([v, s]) => [v, [...s].sort()]));
}

const podCache = new Map<string, unknown>();
function readPod(file: string): any {
  if (!podCache.has(file)) {
    podCache.set(
      file,
      parse(fs.readFileSync(path.join(psaRoot, file), 'utf8')),
    );
  }
  return podCache.get(file);
}

interface Verdict {
  key: string;
  kyvernoAllows: boolean;
  pssAllows: boolean;
  detail: string;
}

function compare(
  levels: Record<Level, KyvernoPolicy[]>,
  version: string,
  pods: string[],
): Verdict[] {
  const out: Verdict[] = [];
  for (const pod of pods) {
    const object = readPod(pod);
    for (const level of ['baseline', 'restricted'] as Level[]) {
      const failing: string[] = [];
      for (const policy of levels[level]) {
        for (const r of evaluateKyvernoPolicy(policy, object)) {
          expect(r.status).not.toBe('error');
          if (r.status === 'fail') failing.push(`${r.policy}/${r.rule}`);
        }
      }
      const pss = evaluatePodSecurity(object, { level, version });
      out.push({
        key: `${version} ${level} ${pod}`,
        kyvernoAllows: failing.length === 0,
        pssAllows: pss.allowed,
        detail: `Kyverno denies: [${failing.join(
          ', ',
        )}]; PSS denies: [${pss.violations.map(v => v.check).join(', ')}]`,
      });
    }
  }
  return out;
}

describe('Kyverno pod-security policies vs the Pod Security Standards engine', () => {
  const levels: Record<Level, KyvernoPolicy[]> = {
    baseline: kustomize(path.join(policiesRoot, 'baseline')),
    restricted: kustomize(path.join(policiesRoot, 'restricted')),
  };
  const pods = podsByVersion();

  it('uses the baseline (11) and restricted (17) policy sets of the kustomizations', () => {
    expect(levels.baseline).toHaveLength(11);
    expect(levels.restricted).toHaveLength(17);
    const baselineNames = levels.baseline.map(p => p.metadata.name);
    expect(levels.restricted.map(p => p.metadata.name)).toEqual(
      expect.arrayContaining(baselineNames),
    );
  });

  it('agrees on every fixture for v1.22–v1.26 (except the documented differences)', () => {
    const disagreements: string[] = [];
    const lines: string[] = [];
    for (const version of ['v1.22', 'v1.23', 'v1.24', 'v1.25', 'v1.26']) {
      const fixturePods = pods.get(version) ?? [];
      expect(fixturePods.length).toBeGreaterThan(40);
      const verdicts = compare(levels, version, fixturePods);
      for (const level of ['baseline', 'restricted']) {
        const mine = verdicts.filter(v => v.key.includes(` ${level} `));
        const allowed = mine.filter(v => v.pssAllows).length;
        // both verdicts occur, so agreement is not vacuous
        expect(allowed).toBeGreaterThan(0);
        expect(mine.length - allowed).toBeGreaterThan(0);
        lines.push(
          `  ${version} ${level}: ${
            mine.filter(v => v.kyvernoAllows === v.pssAllows).length
          }/${mine.length} pods agree (${allowed} allowed, ${
            mine.length - allowed
          } denied by PSS)`,
        );
      }
      for (const v of verdicts) {
        if (v.kyvernoAllows !== v.pssAllows) {
          disagreements.push(v.key);
          lines.push(`  DISAGREES ${v.key}: ${v.detail}`);
        }
      }
    }
    // eslint-disable-next-line no-console
    console.log(
      `Kyverno pod-security policies vs PSS engine:\n${lines.join('\n')}`,
    );
    expect(disagreements.sort()).toEqual([...DOCUMENTED_DIFFERENCES].sort());
    const docs = fs.readFileSync(docsFile, 'utf8');
    expect(DOCUMENTED_DIFFERENCES.filter(d => !docs.includes(d))).toEqual([]);
  });

  it('detects where the standard moved on: v1.27 allows a sysctl the policy does not', () => {
    // net.ipv4.ip_local_reserved_ports joined the allowed sysctls in v1.27; the
    // policies predate it, so the comparison must flag exactly those fixtures.
    const verdicts = compare(levels, 'v1.27', pods.get('v1.27') ?? []);
    const differing = verdicts.filter(v => v.kyvernoAllows !== v.pssAllows);
    expect(differing.length).toBeGreaterThan(0);
    for (const v of differing) {
      expect(v.kyvernoAllows).toBe(false);
      expect(v.pssAllows).toBe(true);
      expect(v.detail).toMatch(
        /Kyverno denies: \[restrict-sysctls\/check-sysctls\]/,
      );
      const pod = readPod(v.key.split(' ')[2]);
      expect(
        pod.spec.securityContext.sysctls.map((s: { name: string }) => s.name),
      ).toContain('net.ipv4.ip_local_reserved_ports');
    }
  });
});
