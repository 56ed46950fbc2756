import { promises as fs } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a function lives: a package under node_modules, a workspace folder or Node.js. */
export function moduleOf(url: string): string {
  if (!url) return '(native / GC / idle)';
  if (url.startsWith('node:')) return 'node:internal';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ws = url.match(/\/(packages|plugins)\/([^/]+)\//);
  if (ws) return `${ws[1]}/${ws[2]}`;
  return url.replace(/^file:\/\//, '');
}

/**
 * Summarises a `node --cpu-prof` profile: self time by module and by function,
 * the top `limit` of each, as text lines.
 */
export async function summarizeProfile(
  file: string,
  limit = 15,
): Promise<string[]> {
  const profile: CpuProfile = JSON.parse(await fs.readFile(file, 'utf8'));
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    self.set(samples[i], (self.get(samples[i]) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const special = ['(idle)', '(garbage collector)', '(program)', '(root)'];
    const mod = special.includes(functionName)
      ? `${
          functionName === '(idle)' ? '(idle: waiting for I/O)' : functionName
        }`
      : moduleOf(url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${mod}${
      url ? `:${lineNumber + 1}` : ''
    }`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(
        ([k, us]) =>
          `  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6)
            .toFixed(2)
            .padStart(7)} s  ${k}`,
      );
  return [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled`,
    'self time by module:',
    ...top(byModule),
    'self time by function:',
    ...top(byFunction),
  ];
}

/**
 * Runs `fn` under the V8 CPU profiler when SP_BENCH_CPU_PROF names a folder,
 * writing `<name>.cpuprofile` there (the same format as `node --cpu-prof`).
 */
export async function profiled<T>(
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const dir = process.env.SP_BENCH_CPU_PROF;
  if (!dir) return fn();
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await fs.mkdir(dir, { recursive: true });
    const file = `${dir}/${name}.cpuprofile`;
    await fs.writeFile(file, JSON.stringify(profile));
    session.disconnect();
  }
}
