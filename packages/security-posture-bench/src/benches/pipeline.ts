import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BUILTIN_CHECKS,
  createPostureEngine,
  decodeText,
  defaultNormalizers,
  scanText,
} from '@internal/security-posture-engine';
import { ensureEstate, entitiesOf } from '../estate/store';
import { collectGarbage, cpuSeconds, fmt } from '../measure';
import type { Report } from '../report';
import type { BenchOptions } from './types';

const STYLE_NAMES: Record<string, string> = {
  manifest: 'YAML manifests',
  export: 'kubectl JSON exports (managedFields)',
  terraform: 'Terraform state JSON',
};

/**
 * The local pipeline, single-threaded, from files to scores: read each entity's
 * file, parse, normalise, evaluate the built-in checks and score, the way the CLI
 * and the manifests provider do. At 10× S (1,000,000 resources) in full mode.
 */
export async function runPipelineBench(
  report: Report,
  options: BenchOptions,
): Promise<void> {
  const scale = options.smoke ? 'smoke' : '10S';
  const { dir, manifest } = await ensureEstate(scale, l => report.log(l));
  const engine = createPostureEngine({ checks: BUILTIN_CHECKS });
  const entities = entitiesOf(manifest);
  const now = new Date();
  const stages = { read: 0, parse: 0, assess: 0 };
  const byStyle = new Map<
    string,
    { cpu: number; resources: number; bytes: number }
  >();
  let resources = 0;
  let evaluations = 0;
  let bytes = 0;
  let checksum = 0;
  collectGarbage();
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (const e of entities) {
    const t0 = process.cpuUsage();
    const file = path.join(dir, e.file);
    const content = await fs.readFile(file);
    const t1 = process.cpuUsage();
    const decoded = decodeText(content);
    if ('error' in decoded) throw new Error(`${file}: ${decoded.error}`);
    const scanned = scanText(decoded.text, file, {
      normalizers: defaultNormalizers,
      provider: 'manifests',
      location: file,
    });
    const t2 = process.cpuUsage();
    const assessment = engine.assess(scanned.resources, {
      entity: `${e.kind.toLowerCase()}:default/${e.name}`,
      now,
    });
    const t3 = process.cpuUsage();
    checksum += assessment.score.score.earned;
    resources += scanned.resources.length;
    evaluations += assessment.evaluations;
    bytes += content.length;
    const us = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) =>
      (b.user - a.user + b.system - a.system) / 1e6;
    stages.read += us(t0, t1);
    stages.parse += us(t1, t2);
    stages.assess += us(t2, t3);
    const s = byStyle.get(e.style) ?? { cpu: 0, resources: 0, bytes: 0 };
    s.cpu += us(t1, t3);
    s.resources += scanned.resources.length;
    s.bytes += content.length;
    byStyle.set(e.style, s);
  }
  const totalCpu = cpuSeconds(cpu);
  const totalWall = Number(process.hrtime.bigint() - wall) / 1e9;
  if (resources !== manifest.resources) {
    throw new Error(
      `expected ${manifest.resources} resources, the pipeline read ${resources}`,
    );
  }
  report.log(
    `  estate ${scale}: ${fmt(entities.length)} entities, ${fmt(
      resources,
    )} resources, ${fmt(bytes / 1024 / 1024)} MiB in ${fmt(
      manifest.files,
    )} files; ${fmt(evaluations)} evaluations; ${totalCpu.toFixed(
      1,
    )} CPU-s, ${totalWall.toFixed(1)} s wall (score checksum ${checksum})`,
  );
  report.log(
    `  CPU by stage: read ${stages.read.toFixed(
      1,
    )} s, parse+normalise ${stages.parse.toFixed(
      1,
    )} s, evaluate+score ${stages.assess.toFixed(1)} s`,
  );
  report.add({
    bench: 'pipeline',
    name: `local pipeline (parse → normalise → evaluate → score), ${fmt(
      resources,
    )} resources`,
    value: resources / totalCpu,
    unit: 'resources/s/core',
    target: { op: '>=', value: 10_000, text: '≥ 10,000 resources/s per core' },
    note: `${totalCpu.toFixed(1)} CPU-s, ${totalWall.toFixed(1)} s wall`,
  });
  report.add({
    bench: 'pipeline',
    name: '  of which parse → normalise → evaluate → score without reading the files (CPU of the read system calls left out)',
    value: resources / (stages.parse + stages.assess),
    unit: 'resources/s/core',
    note: `${(stages.parse + stages.assess).toFixed(1)} CPU-s`,
  });
  for (const [style, s] of [...byStyle].sort()) {
    report.add({
      bench: 'pipeline',
      name: `  of which ${STYLE_NAMES[style] ?? style} (parse → score)`,
      value: s.resources / s.cpu,
      unit: 'resources/s/core',
      note: `${fmt(s.resources)} resources, ${fmt(s.bytes / 1024 / 1024)} MiB`,
    });
  }
}
