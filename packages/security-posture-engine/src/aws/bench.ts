/**
 * Throughput of the AWS normalisers and checks against the product targets
 * (DESIGN §8): >= 1,000,000 resource x check evaluations per second per core for
 * built-in checks, >= 10,000 resources per second per core for
 * parse -> normalise -> evaluate -> score. Measured in CPU time (user + system),
 * so other load on the machine does not skew the figures. Run it the way the CLI
 * runs the engine (SWC transform, no build, no Jest):
 *
 *   node --require ./node_modules/@backstage/cli-node/config/nodeTransform.cjs \
 *     packages/security-posture-engine/src/aws/bench.ts
 */
/* eslint-disable no-console */
import fs from 'fs';
import path from 'path';
import type { CheckDefinition } from '../model/check';
import type { Resource, ResourceSource } from '../model/resource';
import { createPostureEngine } from '../scorecard/engine';
import { createResourceIndex } from '../scorecard/resourceIndex';
import { AWS_CHECKS } from './checks';
import {
  extractAwsConfigItems,
  normalizeAwsConfigItems,
} from './config/normalize';
import { normalizeTerraformJson } from './terraform/normalize';

// A development script run from the sources, next to its fixtures; never bundled.
// eslint-disable-next-line no-restricted-syntax
const FIXTURES = path.resolve(__dirname, '__fixtures__');
const NOW = new Date('2025-03-20T00:00:00Z');

/** CPU microseconds per call of `fn`, best of several rounds. */
function cpuMicros(fn: () => void, calls: number, rounds = 5): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / calls);
  }
  return best;
}

interface Document {
  name: string;
  text: string;
  normalize(doc: unknown): Resource[];
}

const DOCUMENTS: Document[] = [
  {
    name: 'terraform plan',
    text: fs.readFileSync(path.join(FIXTURES, 'terraform/plan.json'), 'utf8'),
    normalize: doc =>
      normalizeTerraformJson(doc, { format: 'terraform-plan' }).resources,
  },
  {
    name: 'terraform state',
    text: fs.readFileSync(path.join(FIXTURES, 'terraform/state.json'), 'utf8'),
    normalize: doc =>
      normalizeTerraformJson(doc, { format: 'terraform-state' }).resources,
  },
  {
    name: 'aws config (select)',
    text: fs.readFileSync(
      path.join(FIXTURES, 'aws-config/select-resource-config.json'),
      'utf8',
    ),
    normalize: doc => {
      const source: ResourceSource = { format: 'aws-config' };
      return normalizeAwsConfigItems(extractAwsConfigItems(doc) ?? [], source)
        .resources;
    },
  },
];

/** Built-in check evaluations per CPU second over every fixture resource. */
export function benchChecks(): { pairs: number; perSecond: number } {
  const resources = DOCUMENTS.flatMap(d => d.normalize(JSON.parse(d.text)));
  const ctx = { resources: createResourceIndex(resources), now: NOW };
  const pairs: Array<[CheckDefinition, Resource]> = [];
  for (const r of resources) {
    for (const c of AWS_CHECKS)
      if (c.appliesTo.includes(r.type)) pairs.push([c, r]);
  }
  const micros = cpuMicros(() => {
    for (let i = 0; i < pairs.length; i++)
      pairs[i][0].evaluate(pairs[i][1], ctx);
  }, 500);
  return { pairs: pairs.length, perSecond: (pairs.length / micros) * 1e6 };
}

/** Resources per CPU second through parse -> normalise -> evaluate -> score. */
export function benchPipeline(): Array<{ name: string; perSecond: number }> {
  const engine = createPostureEngine({ checks: AWS_CHECKS });
  return DOCUMENTS.map(d => {
    const count = d.normalize(JSON.parse(d.text)).length;
    const micros = cpuMicros(
      () => engine.assess(d.normalize(JSON.parse(d.text)), { now: NOW }),
      200,
    );
    return { name: d.name, perSecond: (count / micros) * 1e6 };
  });
}

if (require.main === module) {
  const checks = benchChecks();
  console.log(
    `AWS checks: ${Math.round(checks.perSecond).toLocaleString(
      'en',
    )} evaluations per CPU second (${
      checks.pairs
    } resource x check pairs, target 1,000,000)`,
  );
  for (const p of benchPipeline()) {
    console.log(
      `AWS pipeline, ${p.name}: ${Math.round(p.perSecond).toLocaleString(
        'en',
      )} resources per CPU second (target 10,000)`,
    );
  }
}
