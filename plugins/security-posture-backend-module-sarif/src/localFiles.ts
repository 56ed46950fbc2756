import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { SARIF_FILE } from './targets';

/** A file read, or why it was not. */
export type LocalRead =
  | { file: string; content: Buffer }
  | { file: string; error: string };

/** Files and bytes an entity may still read. */
export interface ReadBudget {
  files: number;
  bytes: number;
  maxFileBytes: number;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform']);

/**
 * Reads SARIF files of entities registered from local `file:` locations, only
 * under the configured roots: paths are resolved through symbolic links and
 * refused when they end up outside every root.
 */
export class LocalSarifFiles {
  private realRoots?: Promise<string[]>;

  constructor(private readonly roots: readonly string[]) {}

  get enabled(): boolean {
    return this.roots.length > 0;
  }

  private async inside(path: string): Promise<string | undefined> {
    this.realRoots ??= Promise.all(
      this.roots.map(r => fs.realpath(r).catch(() => r)),
    );
    let real: string;
    try {
      real = await fs.realpath(path);
    } catch {
      return undefined;
    }
    for (const root of await this.realRoots) {
      const rel = relative(root, real);
      if (
        rel === '' ||
        (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
      ) {
        return real;
      }
    }
    return undefined;
  }

  /** Reads a file, or the SARIF files under a directory (name order). */
  async *read(
    path: string,
    display: string,
    budget: ReadBudget,
    signal: AbortSignal,
  ): AsyncGenerator<LocalRead> {
    const real = await this.inside(path);
    if (!real) {
      const exists = await fs.stat(path).then(
        () => true,
        () => false,
      );
      yield {
        file: display,
        error: exists
          ? 'outside the directories SARIF files may be read from (securityPosture.providers.sarif.localRoots)'
          : 'no such file or directory',
      };
      return;
    }
    const stat = await fs.stat(real);
    if (stat.isDirectory()) {
      yield* this.walk(real, display, budget, signal);
    } else {
      yield await this.readOne(real, display, budget);
    }
  }

  private async *walk(
    dir: string,
    display: string,
    budget: ReadBudget,
    signal: AbortSignal,
  ): AsyncGenerator<LocalRead> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : Number(a.name > b.name)));
    for (const entry of entries) {
      if (signal.aborted) return;
      const path = join(dir, entry.name);
      const shown = `${display.replace(/\/+$/, '')}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) {
          yield* this.walk(path, shown, budget, signal);
        }
      } else if (SARIF_FILE.test(entry.name)) {
        const real = await this.inside(path);
        if (real) yield await this.readOne(real, shown, budget);
        else
          yield { file: shown, error: 'links outside the allowed directories' };
      }
    }
  }

  private async readOne(
    real: string,
    display: string,
    budget: ReadBudget,
  ): Promise<LocalRead> {
    const { size } = await fs.stat(real);
    if (size > budget.maxFileBytes) {
      return {
        file: display,
        error: `file is ${size} bytes, larger than the ${budget.maxFileBytes} byte limit`,
      };
    }
    if (budget.files <= 0 || budget.bytes < size) {
      return {
        file: display,
        error: 'the file or byte limit of one entity was reached',
      };
    }
    budget.files -= 1;
    budget.bytes -= size;
    return { file: display, content: await fs.readFile(real) };
  }
}
