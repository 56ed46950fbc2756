import { promises as fs } from 'node:fs';
import type { CheckDefinition } from '../model/check';
import { CUSTOM_CHECK_KIND, loadCustomChecks } from '../policy/cel';
import {
  DEFAULT_KYVERNO_MAPPING,
  isKyvernoPolicy,
  kyvernoPolicyChecks,
  loadKyvernoPolicies,
  type KyvernoCheckMapping,
} from '../policy/kyverno';
import { findFiles } from '../scan/files';
import { parseYamlDocuments, type ParsedDocument } from '../scan/parse';
import { decodeText } from '../scan/scan';
import type { ScorecardControl } from '../scorecard/defaultScorecard';

/** A problem with a policy file or document. */
export interface PolicyLoadError {
  source: string;
  message: string;
}

/** What loading policy files produced. */
export interface PolicyLoadResult {
  checks: CheckDefinition[];
  /** Broken policy documents (invalid YAML, malformed policies, invalid CEL). */
  errors: PolicyLoadError[];
  /** Policies that load but use something deprecated or not evaluated. */
  warnings: PolicyLoadError[];
  /** Documents that are not policies (test suites, test resources, other kinds), skipped. */
  ignored: number;
  /** Files read. */
  files: number;
}

/** Options of {@link loadPolicyText} and {@link loadPolicyDirectory}. */
export interface PolicyLoadOptions {
  /** Where Kyverno policies land in the scorecard (default: by policy category and name). */
  kyvernoMapping?: KyvernoCheckMapping;
  /** Controls custom checks may name (default: the default scorecard). */
  controls?: readonly ScorecardControl[];
  /** Largest policy file read (4 MiB by default). */
  maxFileBytes?: number;
}

const DEFAULT_MAX_POLICY_FILE_BYTES = 4 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type PolicyKind = 'kyverno' | 'cel' | 'other';

function kindOf(value: unknown): PolicyKind {
  if (!isRecord(value)) return 'other';
  if (isKyvernoPolicy(value)) return 'kyverno';
  if (value.kind === 'List' && Array.isArray(value.items)) {
    return value.items.some(item => kindOf(item) === 'kyverno')
      ? 'kyverno'
      : 'other';
  }
  if (value.kind === CUSTOM_CHECK_KIND) return 'cel';
  return 'other';
}

/**
 * The text with every document outside `keep` emptied, line breaks and `---`
 * separators preserved: document indexes and line numbers stay those of the file.
 */
function keepDocuments(
  text: string,
  docs: readonly ParsedDocument[],
  keep: ReadonlySet<number>,
): string {
  let out = '';
  let cursor = 0;
  for (const doc of docs) {
    if (doc.offset === undefined) continue;
    const start = doc.offset;
    const end = start + doc.bytes;
    if (keep.has(doc.index)) continue;
    out += text.slice(cursor, start);
    const span = text.slice(start, end);
    const firstBreak = span.indexOf('\n');
    const firstLine = firstBreak < 0 ? span : span.slice(0, firstBreak);
    // Keep the `---` separator (so later documents keep their index; a first
    // document without one becomes `~`, an empty document) and the line breaks
    // (so lines keep their numbers); drop everything else.
    out += firstLine.startsWith('---') ? '---' : '~';
    out += span.replace(/[^\n]/g, '');
    cursor = end;
  }
  return out + text.slice(cursor);
}

/**
 * Loads the policies in one YAML (or JSON) file: `ClusterPolicy`/`Policy`
 * documents (`kyverno.io/*`) become Kyverno checks, `CustomCheck` documents
 * (security-posture.backstage.io/v1alpha1) become CEL checks; other documents
 * (Kyverno test suites and their resources, for instance) are ignored. The text
 * is first split with the scanner's guarded parser (size, depth, aliases), so a
 * hostile file gives errors, never a crash. Never throws.
 */
export function loadPolicyText(
  text: string,
  file: string,
  options: PolicyLoadOptions = {},
): PolicyLoadResult {
  const result: PolicyLoadResult = {
    checks: [],
    errors: [],
    warnings: [],
    ignored: 0,
    files: 1,
  };
  const docs = [...parseYamlDocuments(text)];
  const kyverno = new Set<number>();
  const cel = new Set<number>();
  for (const doc of docs) {
    if (doc.error !== undefined) {
      result.errors.push({
        source: file,
        message: `document ${doc.index + 1} (line ${doc.line}): ${doc.error}`,
      });
      continue;
    }
    if (doc.value === null || doc.value === undefined) continue;
    const kind = kindOf(doc.value);
    if (kind === 'kyverno') kyverno.add(doc.index);
    else if (kind === 'cel') cel.add(doc.index);
    else result.ignored++;
  }

  if (kyverno.size > 0) {
    try {
      const loaded = loadKyvernoPolicies(keepDocuments(text, docs, kyverno), {
        file,
      });
      const describe = (p: {
        document?: number;
        policy?: string;
        message: string;
      }) =>
        `${p.document !== undefined ? `document ${p.document + 1}: ` : ''}${
          p.policy ? `policy ${p.policy}: ` : ''
        }${p.message}`;
      for (const e of loaded.errors) {
        result.errors.push({ source: file, message: describe(e) });
      }
      for (const w of loaded.warnings) {
        result.warnings.push({ source: file, message: describe(w) });
      }
      result.checks.push(
        ...kyvernoPolicyChecks(
          loaded.policies,
          options.kyvernoMapping ?? DEFAULT_KYVERNO_MAPPING,
        ),
      );
    } catch (e) {
      result.errors.push({
        source: file,
        message: `could not load Kyverno policies: ${(e as Error).message}`,
      });
    }
  }

  if (cel.size > 0) {
    try {
      const loaded = loadCustomChecks(keepDocuments(text, docs, cel), file, {
        ...(options.controls ? { controls: options.controls } : {}),
      });
      result.checks.push(...loaded.checks);
      for (const e of loaded.errors) {
        result.errors.push({ source: file, message: e.message });
      }
    } catch (e) {
      result.errors.push({
        source: file,
        message: `could not load custom checks: ${(e as Error).message}`,
      });
    }
  }
  return result;
}

/**
 * Loads every policy file (`.yaml`, `.yml`, `.json`) under a folder, or one file,
 * in name order. Check ids must be unique: a later duplicate is reported and left
 * out. Unreadable, binary or oversized files are reported. Never throws.
 */
export async function loadPolicyDirectory(
  dir: string,
  options: PolicyLoadOptions = {},
): Promise<PolicyLoadResult> {
  const result: PolicyLoadResult = {
    checks: [],
    errors: [],
    warnings: [],
    ignored: 0,
    files: 0,
  };
  const seen = new Map<string, string>();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_POLICY_FILE_BYTES;
  for await (const found of findFiles([dir])) {
    if ('error' in found) {
      result.errors.push({ source: found.path, message: found.error });
      continue;
    }
    if (found.size > maxBytes) {
      result.errors.push({
        source: found.path,
        message: `policy file is larger than ${maxBytes} bytes, skipped`,
      });
      continue;
    }
    let buffer: Buffer;
    try {
      buffer = await fs.readFile(found.path);
    } catch (e) {
      result.errors.push({
        source: found.path,
        message: `could not read: ${(e as Error).message}`,
      });
      continue;
    }
    const decoded = decodeText(buffer);
    if ('error' in decoded) {
      result.errors.push({ source: found.path, message: decoded.error });
      continue;
    }
    const loaded = loadPolicyText(decoded.text, found.path, options);
    result.files++;
    result.ignored += loaded.ignored;
    result.errors.push(...loaded.errors);
    result.warnings.push(...loaded.warnings);
    for (const check of loaded.checks) {
      const other = seen.get(check.id);
      if (other !== undefined) {
        result.errors.push({
          source: found.path,
          message: `duplicate check id ${check.id} (already loaded from ${other}), skipped`,
        });
        continue;
      }
      seen.set(check.id, found.path);
      result.checks.push(check);
    }
  }
  return result;
}
