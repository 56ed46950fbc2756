import { promises as fs } from 'node:fs';
import { extname, join } from 'node:path';

/** File extensions read when walking directories. */
export const SCANNED_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** Directories never entered while walking. */
export const SKIPPED_DIRECTORIES: readonly string[] = [
  'node_modules',
  '.git',
  '.terraform',
];

/** A file found under the scanned paths, or a path that could not be read. */
export type FoundFile =
  | { path: string; explicit: boolean; size: number }
  | { path: string; error: string };

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Walks the given files and directories, yielding one file at a time: files named
 * explicitly whatever their extension, and under directories the `.yaml`, `.yml`
 * and `.json` files, in name order, skipping `node_modules`, `.git` and
 * `.terraform`, and not following symbolic links to directories (no cycles).
 */
export async function* findFiles(
  paths: readonly string[],
): AsyncGenerator<FoundFile> {
  for (const path of paths) {
    let stat;
    try {
      stat = await fs.stat(path);
    } catch (e) {
      yield { path, error: describe(e) };
      continue;
    }
    if (stat.isFile()) {
      yield { path, explicit: true, size: stat.size };
    } else if (stat.isDirectory()) {
      yield* walk(path);
    } else {
      yield { path, error: 'not a regular file or directory' };
    }
  }
}

async function* walk(dir: string): AsyncGenerator<FoundFile> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    yield { path: dir, error: describe(e) };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : Number(a.name > b.name)));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.includes(entry.name)) yield* walk(path);
      continue;
    }
    if (!SCANNED_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
      continue;
    }
    if (entry.isFile() || entry.isSymbolicLink()) {
      try {
        const stat = await fs.stat(path);
        if (stat.isFile()) yield { path, explicit: false, size: stat.size };
      } catch (e) {
        yield { path, error: describe(e) };
      }
    }
  }
}
