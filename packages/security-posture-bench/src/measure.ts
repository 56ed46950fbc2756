import os from 'node:os';

/** The machine a figure was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  loadAverage: [number, number, number];
}

/** CPU model, cores, memory, Node.js version and load average, now. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: loadAverage(),
  };
}

/** The 1, 5 and 15 minute load averages, rounded. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  const r = (x: number) => Math.round(x * 100) / 100;
  return [r(a), r(b), r(c)];
}

/** One-line description of the machine. */
export function describeMachine(m: MachineInfo = machineInfo()): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node.js ${
    m.node
  }, ${m.platform}; load average ${m.loadAverage.join(' ')}`;
}

/** CPU seconds (user + system) of this process since `start`. */
export function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

/** Measures CPU and wall time of a function. */
export async function timed<T>(
  fn: () => Promise<T> | T,
): Promise<{ value: T; cpu: number; wall: number }> {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await fn();
  return {
    value,
    cpu: cpuSeconds(cpu),
    wall: Number(process.hrtime.bigint() - wall) / 1e9,
  };
}

/** Samples this process's RSS every `intervalMs` and keeps the peak. */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  peak = 0;
  /** Largest V8 heap in use seen while sampling. */
  peakHeapUsed = 0;
  readonly baseline: number;

  constructor(private readonly intervalMs = 50) {
    this.baseline = process.memoryUsage.rss();
  }

  start(): this {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    this.timer = setInterval(() => {
      const m = process.memoryUsage();
      if (m.rss > this.peak) this.peak = m.rss;
      if (m.heapUsed > this.peakHeapUsed) this.peakHeapUsed = m.heapUsed;
    }, this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return this.peak;
  }
}

/** Peak RSS of this process over its whole life (from the kernel), in bytes. */
export function maxRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Runs a full garbage collection when Node.js was started with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/** Percentile (0–100) of a list of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[rank];
}

/** Formats a number with thousands separators and at most `digits` decimals. */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** Formats bytes as MiB or KiB. */
export function fmtBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024)
    return `${fmt(bytes / 1024 / 1024, 1)} MiB`;
  return `${fmt(bytes / 1024, 1)} KiB`;
}
