import { promises as fs } from 'node:fs';
import { extname } from 'node:path';
import type {
  NormalizeError,
  NormalizeResult,
  Resource,
  ResourceSource,
  SourceFormat,
} from '../model/resource';
import { detectDocument } from './detect';
import { defaultNormalizers } from './normalizers';
import { findFiles } from './files';
import {
  DEFAULT_PARSE_LIMITS,
  parseJsonDocument,
  parseYamlDocuments,
  type ParseLimits,
  type ParsedDocument,
} from './parse';

/** The normalisers the scan hands documents to. */
export interface Normalizers {
  kubernetes(objects: unknown[], source: ResourceSource): NormalizeResult;
  terraform(doc: unknown, source: ResourceSource): NormalizeResult;
  awsConfig(items: unknown[], source: ResourceSource): NormalizeResult;
}

/** A problem with one file or document; the rest of the scan goes on. */
export interface ScanError {
  /** The file (as found under the scanned paths). */
  source: string;
  message: string;
  /** 1-based line of the document, when known. */
  line?: number;
  /** 0-based index of the document in the file, when known. */
  document?: number;
  /**
   * Content could not be read at all (I/O error, binary, too large, malformed,
   * too deep): resources it may hold are missing, so the scan is incomplete.
   * Unsupported kinds and formats are not unreadable.
   */
  unreadable?: boolean;
}

/** What one file produced. */
export interface FileScanResult {
  file: string;
  resources: Resource[];
  errors: ScanError[];
  /** Source formats found in the file. */
  formats: SourceFormat[];
  /** 1-based start line of each document (YAML), by document index. */
  documentLines: number[];
  /**
   * Documents skipped on purpose: Backstage catalog entities, Kyverno policies
   * and tests, custom checks (see `NON_RESOURCE_API_GROUPS`).
   */
  ignored: number;
}

/** Options of the scan functions. */
export interface ScanOptions extends Partial<ParseLimits> {
  /** The normalisers documents are handed to; the built-in ones by default. */
  normalizers?: Normalizers;
  /** Largest file read, in bytes (64 MiB by default). */
  maxFileBytes?: number;
  /** Provider id recorded in each resource's source. */
  provider?: string;
  /** Location (cluster, account/region) recorded in each resource's source. */
  location?: string;
}

/** Default largest file read. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

function limitsOf(options: ScanOptions): ParseLimits {
  return {
    maxDocumentBytes:
      options.maxDocumentBytes ?? DEFAULT_PARSE_LIMITS.maxDocumentBytes,
    maxDepth: options.maxDepth ?? DEFAULT_PARSE_LIMITS.maxDepth,
    maxAliasCount: options.maxAliasCount ?? DEFAULT_PARSE_LIMITS.maxAliasCount,
  };
}

function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    return c === 123 /* { */ || c === 91 /* [ */;
  }
  return false;
}

/**
 * Scans the text of one file: splits it into documents (YAML, or one JSON
 * document), detects each document's format and calls the matching normaliser.
 * Never throws: every problem becomes an entry in `errors`.
 */
export function scanText(
  text: string,
  file: string,
  options: ScanOptions = {},
): FileScanResult {
  const limits = limitsOf(options);
  const normalizers = options.normalizers ?? defaultNormalizers;
  const result: FileScanResult = {
    file,
    resources: [],
    errors: [],
    formats: [],
    documentLines: [],
    ignored: 0,
  };
  const isJsonFile = extname(file).toLowerCase() === '.json';
  let documents: Iterable<ParsedDocument>;
  let json = false;
  if (isJsonFile || looksLikeJson(text)) {
    const parsed = parseJsonDocument(text, limits);
    if (parsed.error && !isJsonFile) {
      // Not JSON after all (YAML flow style, or malformed): read it as YAML.
      documents = parseYamlDocuments(text, limits);
    } else {
      json = true;
      documents = [parsed];
    }
  } else {
    documents = parseYamlDocuments(text, limits);
  }

  const k8sFormat: SourceFormat = json ? 'kubernetes-json' : 'kubernetes-yaml';
  const base = (format: SourceFormat, document?: number): ResourceSource => ({
    format,
    file,
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.location ? { location: options.location } : {}),
    ...(document !== undefined && !json ? { document } : {}),
  });
  const addFormat = (format: SourceFormat) => {
    if (!result.formats.includes(format)) result.formats.push(format);
  };
  const where = (doc: ParsedDocument) =>
    json ? '' : `document ${doc.index + 1} (line ${doc.line}): `;
  const error = (doc: ParsedDocument, message: string, unreadable = false) => {
    result.errors.push({
      source: file,
      message: `${where(doc)}${message}`,
      ...(json ? {} : { line: doc.line, document: doc.index }),
      ...(unreadable ? { unreadable } : {}),
    });
  };
  const absorb = (
    doc: ParsedDocument,
    normalized: NormalizeResult | undefined,
    format: SourceFormat,
  ) => {
    if (!normalized) return;
    if (normalized.resources.length > 0) addFormat(format);
    for (const r of normalized.resources) result.resources.push(r);
    for (const e of normalized.errors) error(doc, describeNormalizeError(e));
  };
  const call = <T>(doc: ParsedDocument, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      error(
        doc,
        `could not normalise: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }
  };

  for (const doc of documents) {
    result.documentLines[doc.index] = doc.line;
    if (doc.error !== undefined) {
      error(doc, doc.error, true);
      continue;
    }
    const detected = detectDocument(doc.value);
    const tooBig =
      json && doc.bytes > limits.maxDocumentBytes
        ? `document is ${formatMiB(doc.bytes)}, larger than the ${formatMiB(
            limits.maxDocumentBytes,
          )} limit for one resource document`
        : undefined;
    switch (detected.kind) {
      case 'empty':
        break;
      case 'ignored':
        result.ignored++;
        break;
      case 'kubernetes':
        if (tooBig && !detected.isList) {
          error(doc, tooBig, true);
          break;
        }
        absorb(
          doc,
          call(doc, () =>
            normalizers.kubernetes(
              detected.objects,
              base(k8sFormat, doc.index),
            ),
          ),
          k8sFormat,
        );
        break;
      case 'terraform':
        absorb(
          doc,
          call(doc, () =>
            normalizers.terraform(doc.value, base(detected.format)),
          ),
          detected.format,
        );
        break;
      case 'aws-config':
        if (
          tooBig &&
          detected.items.length === 1 &&
          detected.items[0] === doc.value
        ) {
          error(doc, tooBig, true);
          break;
        }
        absorb(
          doc,
          call(doc, () =>
            normalizers.awsConfig(detected.items, base('aws-config')),
          ),
          'aws-config',
        );
        break;
      case 'mixed':
        if (detected.kubernetes.length > 0) {
          absorb(
            doc,
            call(doc, () =>
              normalizers.kubernetes(
                detected.kubernetes,
                base(k8sFormat, doc.index),
              ),
            ),
            k8sFormat,
          );
        }
        if (detected.aws.length > 0) {
          absorb(
            doc,
            call(doc, () =>
              normalizers.awsConfig(detected.aws, base('aws-config')),
            ),
            'aws-config',
          );
        }
        error(
          doc,
          `${detected.unknown.length} list item(s) are neither Kubernetes objects nor AWS Config items (first at index ${detected.unknown[0]}), skipped`,
        );
        break;
      default:
        error(doc, `unrecognised document: ${detected.reason}`);
    }
  }
  return result;
}

function describeNormalizeError(e: NormalizeError): string {
  return e.path ? `${e.message} (at ${e.path})` : e.message;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const UTF16LE = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: false });

/**
 * Decodes file content as text: UTF-8 (BOM optional) or UTF-16LE with a BOM.
 * Returns an error for binary content (NUL bytes, invalid UTF-8).
 */
export function decodeText(
  buffer: Uint8Array,
): { text: string } | { error: string } {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) {
    try {
      return { text: UTF16LE.decode(buffer) };
    } catch {
      return { error: 'binary file (invalid UTF-16 text), skipped' };
    }
  }
  const probe = Math.min(buffer.length, 8192);
  for (let i = 0; i < probe; i++) {
    if (buffer[i] === 0) {
      return { error: 'binary file (contains NUL bytes), skipped' };
    }
  }
  try {
    return { text: UTF8.decode(buffer) };
  } catch {
    return { error: 'binary file (not valid UTF-8 text), skipped' };
  }
}

/** Reads and scans one file. Never throws. */
export async function scanFile(
  file: string,
  options: ScanOptions = {},
): Promise<FileScanResult> {
  const empty = (message: string): FileScanResult => ({
    file,
    resources: [],
    errors: [{ source: file, message, unreadable: true }],
    formats: [],
    documentLines: [],
    ignored: 0,
  });
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let buffer: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.size > maxFileBytes) {
      return empty(
        `file is ${formatMiB(stat.size)}, larger than the ${formatMiB(
          maxFileBytes,
        )} limit, skipped`,
      );
    }
    buffer = await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    return empty(
      code === 'ENOENT'
        ? 'no such file'
        : `could not read: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const decoded = decodeText(buffer);
  if ('error' in decoded) return empty(decoded.error);
  try {
    return scanText(decoded.text, file, options);
  } catch (e) {
    // scanText does not throw; this is a last line of defence.
    return empty(
      `could not scan: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Scans files and directories one file at a time, yielding each file's result as
 * soon as it is read, so no more than one file's text is held at once. Paths that
 * do not exist or cannot be read yield a result with an error.
 */
export async function* scanPaths(
  paths: readonly string[],
  options: ScanOptions = {},
): AsyncGenerator<FileScanResult> {
  for await (const found of findFiles(paths)) {
    if ('error' in found) {
      yield {
        file: found.path,
        resources: [],
        errors: [
          { source: found.path, message: found.error, unreadable: true },
        ],
        formats: [],
        documentLines: [],
        ignored: 0,
      };
      continue;
    }
    yield await scanFile(found.path, options);
  }
}

/**
 * Makes resource uids unique across files: the same object declared in two
 * files (overlays, copies) would otherwise share a uid. Later duplicates get the
 * file and document appended to their uid. Returns the (possibly renamed) resource.
 */
export function uniqueResourceIds(): (resource: Resource) => Resource {
  const seen = new Set<string>();
  return resource => {
    if (!seen.has(resource.uid)) {
      seen.add(resource.uid);
      return resource;
    }
    const doc =
      resource.source.document !== undefined
        ? `#${resource.source.document}`
        : '';
    let uid = `${resource.uid}@${resource.source.file ?? ''}${doc}`;
    for (let n = 2; seen.has(uid); n++) uid = `${resource.uid}@${n}`;
    seen.add(uid);
    return { ...resource, uid };
  };
}
