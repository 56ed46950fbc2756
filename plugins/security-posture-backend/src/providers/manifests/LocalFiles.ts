import { promises as fs } from 'node:fs';
import {
  extname,
  isAbsolute,
  join,
  relative,
  resolve as resolvePath,
  sep,
} from 'node:path';

/** One file read from a local target, or why it was not. */
export type LocalFile =
  | {
      file: string;
      content: Buffer;
      /** Path relative to the root that holds it: stable, whatever the annotation wrote. */
      location: string;
    }
  | { file: string; error: string; unreadable: boolean };

const SCANNED = new Set(['.yaml', '.yml', '.json']);
const OUTSIDE_ROOTS =
  'outside the directories local manifests may be read from (securityPosture.providers.manifests.localRoots)';
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform']);

/**
 * Reads local files for `file:` catalog locations, only under configured root
 * directories: paths are resolved through symbolic links and refused when they
 * end up outside every root, so `../` and symlinks cannot escape.
 */
export class LocalFiles {
  private realRoots?: Promise<string[]>;

  constructor(private readonly roots: readonly string[]) {}

  /** Whether any root is configured (local reading is off otherwise). */
  get enabled(): boolean {
    return this.roots.length > 0;
  }

  private async resolvedRoots(): Promise<string[]> {
    if (!this.realRoots) {
      this.realRoots = Promise.all(
        this.roots.map(r => fs.realpath(r).catch(() => r)),
      );
    }
    return this.realRoots;
  }

  /** Whether `path`, as written (before links are resolved), is under a root. */
  private async lexicallyInside(path: string): Promise<boolean> {
    const roots = [
      ...this.roots.map(r => resolvePath(r)),
      ...(await this.resolvedRoots()),
    ];
    const target = resolvePath(path);
    return roots.some(root => {
      const rel = relative(root, target);
      return (
        rel === '' ||
        (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
      );
    });
  }

  /** The real path of `path` when it is inside a root, else undefined. */
  async inside(path: string): Promise<string | undefined> {
    return (await this.locate(path))?.real;
  }

  /** The real path and its path relative to the root that holds it. */
  private async locate(
    path: string,
  ): Promise<{ real: string; location: string } | undefined> {
    let real: string;
    try {
      real = await fs.realpath(path);
    } catch {
      return undefined;
    }
    for (const root of await this.resolvedRoots()) {
      const rel = relative(root, real);
      if (
        rel === '' ||
        (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
      ) {
        return { real, location: rel.split(sep).join('/') };
      }
    }
    return undefined;
  }

  /**
   * Reads a file, or the `.yaml`/`.yml`/`.json` files under a directory (name
   * order, skipping `node_modules`, `.git`, `.terraform`), within the limits.
   * `display` names the target in results (`<display>/<relative path>`).
   */
  async *read(
    path: string,
    display: string,
    limits: { maxFileBytes: number; budget: { files: number; bytes: number } },
    signal?: AbortSignal,
  ): AsyncGenerator<LocalFile> {
    // Refused before the file system is asked, so the answer does not tell
    // whether something exists outside the roots.
    if (!(await this.lexicallyInside(path))) {
      yield {
        file: display,
        error: OUTSIDE_ROOTS,
        unreadable: true,
      };
      return;
    }
    let stat;
    try {
      stat = await fs.stat(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      yield {
        file: display,
        error: code === 'ENOENT' ? 'no such file or directory' : String(e),
        unreadable: true,
      };
      return;
    }
    const real = await this.inside(path);
    if (!real) {
      yield { file: display, error: OUTSIDE_ROOTS, unreadable: true };
      return;
    }
    if (stat.isFile()) {
      yield await this.readOne(real, display, limits);
      return;
    }
    if (!stat.isDirectory()) {
      yield {
        file: display,
        error: 'not a file or directory',
        unreadable: true,
      };
      return;
    }
    yield* this.walk(real, display, limits, signal);
  }

  private async *walk(
    dir: string,
    display: string,
    limits: { maxFileBytes: number; budget: { files: number; bytes: number } },
    signal?: AbortSignal,
  ): AsyncGenerator<LocalFile> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : Number(a.name > b.name)));
    for (const entry of entries) {
      if (signal?.aborted) return;
      const path = join(dir, entry.name);
      const shown = `${display.replace(/\/+$/, '')}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) {
          yield* this.walk(path, shown, limits, signal);
        }
        continue;
      }
      if (!SCANNED.has(extname(entry.name).toLowerCase())) continue;
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const real = await this.inside(path);
      if (!real) {
        // Refused, and the result is incomplete: the entity says why.
        yield {
          file: shown,
          error:
            'a symbolic link to a file outside the directories local manifests may be read from, not read',
          unreadable: true,
        };
        continue;
      }
      const stat = await fs.stat(real).catch(() => undefined);
      if (!stat?.isFile()) continue;
      yield await this.readOne(real, shown, limits);
    }
  }

  private async readOne(
    real: string,
    display: string,
    limits: { maxFileBytes: number; budget: { files: number; bytes: number } },
  ): Promise<LocalFile> {
    const stat = await fs.stat(real);
    if (stat.size > limits.maxFileBytes) {
      return {
        file: display,
        error: `file is ${stat.size} bytes, larger than the ${limits.maxFileBytes} byte limit`,
        unreadable: true,
      };
    }
    if (limits.budget.files <= 0 || limits.budget.bytes < stat.size) {
      return {
        file: display,
        error: 'the file or byte limit of one entity was reached',
        unreadable: true,
      };
    }
    limits.budget.files -= 1;
    limits.budget.bytes -= stat.size;
    const located = await this.locate(real);
    return {
      file: display,
      content: await fs.readFile(real),
      location: located?.location ?? display,
    };
  }
}
