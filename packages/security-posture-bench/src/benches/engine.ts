import {
  BUILTIN_CHECKS,
  compileChecks,
  createPostureEngine,
  evaluateChecks,
  type CheckDefinition,
  type Resource,
} from '@internal/security-posture-engine';
import { Engine, type RuleProperties } from 'json-rules-engine';
import { ensureEstate, entitiesOf, readEntityResources } from '../estate/store';
import { collectGarbage, cpuSeconds, fmt } from '../measure';
import type { Report } from '../report';
import type { BenchOptions } from './types';

/**
 * The subset of built-in checks compared with json-rules-engine: checks whose
 * logic json-rules-engine expresses without custom operators or fact functions
 * (a field equal to a value, or any element of a list holding a value), so the
 * comparison measures the engines rather than what one of them cannot say.
 */
export const COMPARED_CHECKS = [
  'k8s-privileged-container',
  'k8s-host-network',
  'k8s-host-pid',
  'k8s-host-ipc',
  'aws-rds-publicly-accessible',
  'aws-rds-storage-encrypted',
  'aws-ebs-volume-encrypted',
  'aws-kms-key-rotation',
] as const;

type ComparedCheck = (typeof COMPARED_CHECKS)[number];

const hostNamespace = (field: string): RuleProperties['conditions'] => ({
  all: [
    { fact: 'podSpec', path: `$.${field}`, operator: 'notEqual', value: true },
  ],
});

/**
 * The compared checks as json-rules-engine rules over the resource's canonical
 * attributes (the facts), written the way a Tech Insights check is: the rule's
 * conditions hold when the check passes.
 */
export const JSON_RULES: Record<ComparedCheck, RuleProperties['conditions']> = {
  'k8s-privileged-container': {
    // JSONPath gives a list for several containers and the bare value for one.
    not: {
      any: [
        {
          fact: 'containers',
          path: '$[*].container.securityContext.privileged',
          operator: 'contains',
          value: true,
        },
        {
          fact: 'containers',
          path: '$[*].container.securityContext.privileged',
          operator: 'equal',
          value: true,
        },
      ],
    },
  },
  'k8s-host-network': hostNamespace('hostNetwork'),
  'k8s-host-pid': hostNamespace('hostPID'),
  'k8s-host-ipc': hostNamespace('hostIPC'),
  'aws-rds-publicly-accessible': {
    all: [{ fact: 'publiclyAccessible', operator: 'notEqual', value: true }],
  },
  'aws-rds-storage-encrypted': {
    all: [{ fact: 'storageEncrypted', operator: 'equal', value: true }],
  },
  'aws-ebs-volume-encrypted': {
    all: [{ fact: 'encrypted', operator: 'equal', value: true }],
  },
  'aws-kms-key-rotation': {
    all: [{ fact: 'rotationEnabled', operator: 'equal', value: true }],
  },
};

/** The compared checks as hand-written predicates (true = pass): the floor. */
export const HAND_WRITTEN: Record<ComparedCheck, (a: any) => boolean> = {
  'k8s-privileged-container': a => {
    for (const c of a.containers) {
      if (c.container.securityContext.privileged === true) return false;
    }
    return true;
  },
  'k8s-host-network': a => a.podSpec.hostNetwork !== true,
  'k8s-host-pid': a => a.podSpec.hostPID !== true,
  'k8s-host-ipc': a => a.podSpec.hostIPC !== true,
  'aws-rds-publicly-accessible': a => a.publiclyAccessible !== true,
  'aws-rds-storage-encrypted': a => a.storageEncrypted === true,
  'aws-ebs-volume-encrypted': a => a.encrypted === true,
  'aws-kms-key-rotation': a => a.rotationEnabled === true,
};

const NOOP_EVENT = { type: 'noop' };

interface Rate {
  evaluations: number;
  cpu: number;
  failures: Map<string, number>;
}

/** Repeats `pass` until at least `minCpu` CPU seconds (and `minPasses` passes) were spent. */
async function repeat(
  minCpu: number,
  minPasses: number,
  pass: (failures: Map<string, number>) => Promise<number> | number,
): Promise<Rate> {
  if (minPasses > 1) await pass(new Map()); // warm-up (JIT), not timed
  collectGarbage();
  const failures = new Map<string, number>();
  let evaluations = 0;
  let passes = 0;
  const start = process.cpuUsage();
  do {
    const f = passes === 0 ? failures : new Map<string, number>();
    evaluations += await pass(f);
    passes++;
  } while (passes < minPasses || cpuSeconds(start) < minCpu);
  return { evaluations, cpu: cpuSeconds(start), failures };
}

function inc(map: Map<string, number>, key: string) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Check evaluation: built-in checks on parsed and normalised resources, and a
 * subset side by side with json-rules-engine (as Tech Insights' jsonfc module
 * runs it) and hand-written predicates, in the same process on the same data.
 */
export async function runEngineBench(
  report: Report,
  options: BenchOptions,
): Promise<void> {
  const scale = options.smoke ? 'smoke' : 'S';
  const { dir, manifest } = await ensureEstate(scale, l => report.log(l));
  const want = options.smoke ? manifest.resources : 20_000;
  const groups: Resource[][] = [];
  let total = 0;
  for (const e of entitiesOf(manifest)) {
    if (total >= want) break;
    const resources = await readEntityResources(dir, e);
    groups.push(resources);
    total += resources.length;
  }
  const minCpu = options.smoke ? 0 : 3;
  const minPasses = options.smoke ? 1 : 3;
  report.log(
    `  data: ${fmt(total)} resources of ${
      groups.length
    } entities of estate ${scale} (parsed and normalised before timing)`,
  );

  // 1. Every built-in check, as the scan runs them (per entity, with its resource index).
  const engine = createPostureEngine({ checks: BUILTIN_CHECKS });
  const all = compileChecks(engine.checks);
  const now = new Date();
  const builtin = await repeat(minCpu, minPasses, () => {
    let n = 0;
    for (const g of groups) n += evaluateChecks(g, all, { now }).evaluations;
    return n;
  });
  const builtinRate = builtin.evaluations / builtin.cpu;
  report.add({
    bench: 'engine',
    name: `built-in checks (${engine.checks.length}), resource×check evaluations per CPU-second`,
    value: builtinRate,
    unit: 'evals/s/core',
    target: {
      op: '>=',
      value: 1_000_000,
      text: '≥ 1,000,000 evals/s per core',
    },
    note: `${fmt(builtin.evaluations)} evaluations in ${builtin.cpu.toFixed(
      2,
    )} CPU-s`,
  });

  const assessed = await repeat(minCpu, minPasses, () => {
    let n = 0;
    for (const g of groups) n += engine.assess(g, { now }).evaluations;
    return n;
  });
  report.add({
    bench: 'engine',
    name: 'built-in checks evaluated and scored (assess), evaluations per CPU-second',
    value: assessed.evaluations / assessed.cpu,
    unit: 'evals/s/core',
    note: `${fmt(total)} resources per pass`,
  });

  // 2. The compared subset: our checks, json-rules-engine and hand-written predicates.
  const subset: CheckDefinition[] = COMPARED_CHECKS.map(id => {
    const c = engine.checks.find(x => x.id === id);
    if (!c) throw new Error(`built-in check ${id} not found`);
    return c;
  });
  const compiled = compileChecks(subset);
  const byType = new Map<string, CheckDefinition[]>();
  for (const c of subset) {
    for (const t of c.appliesTo) {
      const list = byType.get(t) ?? [];
      list.push(c);
      byType.set(t, list);
    }
  }
  const flat = groups.flat().filter(r => byType.has(r.type));

  const ours = await repeat(minCpu, minPasses, failures => {
    let n = 0;
    for (const g of groups) {
      const ev = evaluateChecks(g, compiled, { now });
      n += ev.evaluations;
      for (const r of ev.results)
        if (r.status === 'fail') inc(failures, r.checkId);
    }
    return n;
  });

  const hand = await repeat(minCpu, minPasses, failures => {
    let n = 0;
    for (const r of flat) {
      for (const c of byType.get(r.type)!) {
        n++;
        if (!HAND_WRITTEN[c.id as ComparedCheck](r.attributes))
          inc(failures, c.id);
      }
    }
    return n;
  });

  // As jsonfc's runChecks does: a new Engine per subject, one rule per check with a
  // no-op event, then engine.run(facts); results and failureResults are read.
  const jsonfc = await repeat(minCpu, minPasses, async failures => {
    let n = 0;
    for (const r of flat) {
      const e = new Engine();
      for (const c of byType.get(r.type)!) {
        e.addRule({
          name: c.id,
          conditions: JSON_RULES[c.id as ComparedCheck],
          event: NOOP_EVENT,
        });
        n++;
      }
      const out = await e.run(r.attributes as Record<string, unknown>);
      for (const f of out.failureResults) inc(failures, String(f.name));
    }
    return n;
  });

  // The most favourable use of json-rules-engine: engines built once per type, reused.
  const engines = new Map<string, Engine>();
  for (const [type, checks] of byType) {
    const e = new Engine();
    for (const c of checks) {
      e.addRule({
        name: c.id,
        conditions: JSON_RULES[c.id as ComparedCheck],
        event: NOOP_EVENT,
      });
    }
    engines.set(type, e);
  }
  const reused = await repeat(minCpu, minPasses, async failures => {
    let n = 0;
    for (const r of flat) {
      const e = engines.get(r.type)!;
      n += byType.get(r.type)!.length;
      const out = await e.run(r.attributes as Record<string, unknown>);
      for (const f of out.failureResults) inc(failures, String(f.name));
    }
    return n;
  });

  // The four must agree on every check, or the comparison means nothing.
  const disagreements: string[] = [];
  for (const id of COMPARED_CHECKS) {
    const counts = [ours, hand, jsonfc, reused].map(
      x => x.failures.get(id) ?? 0,
    );
    if (new Set(counts).size > 1)
      disagreements.push(`${id}: ${counts.join('/')}`);
  }
  const failing = COMPARED_CHECKS.map(
    id => `${id} ${ours.failures.get(id) ?? 0}`,
  ).join(', ');
  report.log(
    `  compared subset (${COMPARED_CHECKS.length} checks on ${fmt(
      flat.length,
    )} applicable resources); failures per check: ${failing}`,
  );
  if (disagreements.length > 0) {
    throw new Error(
      `the compared engines disagree (ours/hand/jsonfc/reused): ${disagreements.join(
        '; ',
      )}`,
    );
  }
  report.log('  all four agree on every resource×check failure count');

  const r = (x: Rate) => x.evaluations / x.cpu;
  report.add({
    bench: 'engine',
    name: 'compared subset, built-in checks',
    value: r(ours),
    unit: 'evals/s/core',
  });
  report.add({
    bench: 'engine',
    name: 'compared subset, hand-written predicates (floor)',
    value: r(hand),
    unit: 'evals/s/core',
  });
  report.add({
    bench: 'engine',
    name: 'compared subset, json-rules-engine as jsonfc runs it (Engine per subject)',
    value: r(jsonfc),
    unit: 'evals/s/core',
  });
  report.add({
    bench: 'engine',
    name: 'compared subset, json-rules-engine with engines reused',
    value: r(reused),
    unit: 'evals/s/core',
  });
  report.add({
    bench: 'engine',
    name: 'ratio built-in / json-rules-engine (jsonfc way)',
    value: r(ours) / r(jsonfc),
    unit: '×',
    display: `${fmt(r(ours) / r(jsonfc), 1)}×`,
    target: { op: '>=', value: 5, text: '≥ 5× json-rules-engine' },
  });
  report.add({
    bench: 'engine',
    name: 'ratio built-in / json-rules-engine (engines reused)',
    value: r(ours) / r(reused),
    unit: '×',
    display: `${fmt(r(ours) / r(reused), 1)}×`,
  });
  report.add({
    bench: 'engine',
    name: 'ratio built-in / hand-written floor',
    value: r(ours) / r(hand),
    unit: '×',
    display: `${fmt(r(ours) / r(hand), 2)}×`,
    note: 'share of the floor’s speed our checks reach (they also build evidence and skip reasons)',
  });
}
