import { CORE_SCHEMA, load as loadYaml, type LoadOptions } from 'js-yaml';
import { CST, Composer, Parser, type Document } from 'yaml';

/** Limits that keep hostile or accidental input from exhausting memory, stack or time. */
export interface ParseLimits {
  /**
   * Largest single resource document (a YAML document, or a JSON file holding one
   * object), in bytes. Kubernetes objects are capped at 1.5 MiB by the API server,
   * so anything much larger is not a real object. `List` documents, Terraform
   * JSON and AWS Config exports are bounded by the file limit only.
   */
  maxDocumentBytes: number;
  /** Deepest nesting of collections accepted in a document. */
  maxDepth: number;
  /** YAML aliases resolved per document (alias bombs). */
  maxAliasCount: number;
  /**
   * Syntax errors tolerated per YAML document (and stray tokens per file) before
   * the text is refused without composing it: the composer builds an error with
   * a message for each, which on megabytes of junk takes minutes. Default 100.
   */
  maxSyntaxErrors?: number;
}

/** Defaults of {@link ParseLimits}. */
export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxDocumentBytes: 3 * 1024 * 1024,
  maxDepth: 100,
  maxAliasCount: 100,
  maxSyntaxErrors: 100,
};

/** One document of a file: its value, or why it was rejected. */
export interface ParsedDocument {
  /** 0-based index of the document in the file. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  /** Size of the document in bytes (characters for YAML text). */
  bytes: number;
  /** Character offset of the document in the text (YAML). */
  offset?: number;
  value?: unknown;
  /** Set when the document could not be read; `value` is then absent. */
  error?: string;
  /** The document is a Kubernetes `List` (exempt from the document size limit). */
  isList?: boolean;
}

/** Depth of nested arrays/objects in a parsed value, computed without recursion; stops past `limit`. */
export function valueDepth(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    if (Array.isArray(v)) {
      for (const item of v) {
        if (typeof item === 'object' && item !== null) {
          stack.push([item, depth + 1]);
        }
      }
    } else {
      for (const key in v as Record<string, unknown>) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        const item = (v as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) {
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return max;
}

/** Depth of nested collections in a YAML CST token, without recursion; stops past `limit`. */
function cstDepth(token: CST.Token | undefined, limit: number): number {
  if (!token) return 0;
  let max = 0;
  const stack: Array<[CST.Token, number]> = [[token, 0]];
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    if (
      t.type === 'block-map' ||
      t.type === 'block-seq' ||
      t.type === 'flow-collection'
    ) {
      const d = depth + 1;
      if (d > max) {
        max = d;
        if (max > limit) return max;
      }
      for (const item of t.items) {
        if (item.key) stack.push([item.key, d]);
        if (item.value) stack.push([item.value, d]);
      }
    }
  }
  return max;
}

/** Tokens that may follow a node in its `end` list in valid YAML. */
const END_TOKENS = new Set([
  'space',
  'newline',
  'comment',
  'flow-seq-end',
  'flow-map-end',
  'comma',
  'doc-end',
]);

/**
 * Syntax errors in a YAML CST token, counted without recursion and without
 * composing: error tokens, and content the parser left after a node (each
 * becomes one composer error). Stops past `limit`.
 */
function cstSyntaxErrors(token: CST.Token | undefined, limit: number): number {
  let n = 0;
  const stack: Array<CST.Token | undefined> = [token];
  const list = (tokens: unknown, end: boolean) => {
    if (!Array.isArray(tokens)) return;
    for (const t of tokens as Array<{ type: string }>) {
      if (t.type === 'error' || (end && !END_TOKENS.has(t.type))) n++;
    }
  };
  while (stack.length > 0 && n <= limit) {
    const t = stack.pop() as Record<string, any> | undefined;
    if (!t) continue;
    if (t.type === 'error') {
      n++;
      continue;
    }
    list(t.start, false);
    list(t.sep, false);
    list(t.end, true);
    stack.push(t.key, t.value);
    if (Array.isArray(t.items)) {
      for (const item of t.items) {
        list(item.start, false);
        list(item.sep, false);
        stack.push(item.key, item.value);
      }
    }
  }
  return n;
}

function scalarText(token: CST.Token | null | undefined): string | undefined {
  if (!token) return undefined;
  if (
    token.type === 'scalar' ||
    token.type === 'single-quoted-scalar' ||
    token.type === 'double-quoted-scalar'
  ) {
    return CST.resolveAsScalar(token)?.value;
  }
  return undefined;
}

/** Whether a document's top-level mapping says `kind: …List`, read from the CST without composing it. */
function isListDocument(token: CST.Document): boolean {
  const value = token.value;
  if (
    !value ||
    (value.type !== 'block-map' && value.type !== 'flow-collection')
  ) {
    return false;
  }
  for (const item of value.items) {
    if (scalarText(item.key) === 'kind') {
      const kind = scalarText(item.value);
      return kind !== undefined && kind.endsWith('List');
    }
  }
  return false;
}

/** Converts character offsets to 1-based line numbers, scanning forward only. */
class LineTracker {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}
  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    const end = Math.min(offset, this.text.length);
    let at = this.text.indexOf('\n', this.offset);
    while (at >= 0 && at < end) {
      this.line++;
      at = this.text.indexOf('\n', at + 1);
    }
    this.offset = end;
    return this.line;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

function describeError(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return 'nesting too deep to read';
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Feeds CST tokens to a `yaml` Composer and pairs the documents it emits (one
 * token late) with their metadata. A composer that throws is replaced.
 */
class ComposedDocuments {
  private static readonly OPTIONS = {
    prettyErrors: false,
    uniqueKeys: false,
  } as const;
  private composer = new Composer(ComposedDocuments.OPTIONS);
  private readonly pending: Array<Omit<ParsedDocument, 'value'>> = [];

  constructor(
    private readonly lines: LineTracker,
    private readonly limits: ParseLimits,
  ) {}

  *next(
    token: CST.Token,
    meta?: Omit<ParsedDocument, 'value'>,
  ): Generator<ParsedDocument> {
    if (meta) this.pending.push(meta);
    try {
      yield* this.emit(this.composer.next(token));
    } catch (e) {
      yield* this.fail(e);
    }
  }

  *flush(): Generator<ParsedDocument> {
    try {
      yield* this.emit(this.composer.end());
    } catch (e) {
      yield* this.fail(e);
    }
    this.pending.length = 0;
    this.composer = new Composer(ComposedDocuments.OPTIONS);
  }

  private *emit(docs: Iterable<Document.Parsed>): Generator<ParsedDocument> {
    for (const doc of docs) {
      const meta = this.pending.shift();
      if (meta) yield toParsed(doc, meta, this.lines, this.limits);
    }
  }

  private *fail(e: unknown): Generator<ParsedDocument> {
    this.composer = new Composer(ComposedDocuments.OPTIONS);
    const failed = this.pending.splice(0);
    for (const meta of failed) yield { ...meta, error: describeError(e) };
  }
}

/**
 * The careful path of {@link parseYamlDocuments}: the `yaml` package's concrete
 * syntax tree (built without recursion) gives each document's size and nesting
 * depth before it is composed, so oversized or deeply nested documents are
 * rejected without deep recursion; aliases are capped with `maxAliasCount`.
 */
function* carefulYamlDocuments(
  text: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Generator<ParsedDocument> {
  let tokens: CST.Token[];
  try {
    tokens = [...new Parser().parse(text)];
  } catch (e) {
    yield { index: 0, line: 1, bytes: text.length, error: describeError(e) };
    return;
  }
  const lines = new LineTracker(text);
  const stream = new ComposedDocuments(lines, limits);
  const maxSyntaxErrors =
    limits.maxSyntaxErrors ?? DEFAULT_PARSE_LIMITS.maxSyntaxErrors!;
  let index = -1;
  let stray = 0;

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.type !== 'document') {
      if (token.type === 'error' && ++stray > maxSyntaxErrors) {
        // Megabytes of stray tokens: the first ones say enough.
        if (stray === maxSyntaxErrors + 1) {
          const line = lines.lineAt(token.offset);
          yield {
            index: Math.max(index, 0),
            line,
            bytes: 0,
            error: `line ${line}: more than ${maxSyntaxErrors} syntax errors (not valid YAML); the rest are not reported`,
          };
        }
        continue;
      }
      if (token.type === 'error' && index < 0) {
        // Stray content before the first document.
        const line = lines.lineAt(token.offset);
        yield {
          index: 0,
          line,
          bytes: 0,
          error: `line ${line}: ${token.message}`,
        };
        continue;
      }
      yield* stream.next(token);
      continue;
    }
    index++;
    const end = t + 1 < tokens.length ? tokens[t + 1].offset : text.length;
    const bytes = end - token.offset;
    const line = lines.lineAt(token.value?.offset ?? token.offset);
    const isList = isListDocument(token);
    let error: string | undefined;
    if (!isList && bytes > limits.maxDocumentBytes) {
      error = `document is ${formatBytes(bytes)}, larger than the ${formatBytes(
        limits.maxDocumentBytes,
      )} limit for one resource document`;
    } else if (cstDepth(token.value, limits.maxDepth) > limits.maxDepth) {
      error = `document nests deeper than ${limits.maxDepth} levels`;
    } else if (cstSyntaxErrors(token, maxSyntaxErrors) > maxSyntaxErrors) {
      error = `more than ${maxSyntaxErrors} syntax errors (not valid YAML), not read`;
    }
    const offset = token.offset;
    if (error) {
      // Emit the documents composed so far, so results stay in document order.
      yield* stream.flush();
      yield { index, line, bytes, offset, error };
      continue;
    }
    yield* stream.next(token, {
      index,
      line,
      bytes,
      offset,
      ...(isList ? { isList } : {}),
    });
  }
  yield* stream.flush();
}

/**
 * Checks YAML text on its concrete syntax tree (built without recursion) before
 * anything composes it: the first document that nests collections deeper than
 * `maxDepth`, or text with more than `maxSyntaxErrors` syntax errors, described;
 * undefined when the text is safe to compose. For the readers that compose YAML
 * with the `yaml` package themselves (Kyverno policies and `parse_yaml`, CEL
 * custom checks, exemptions, scoring files): composing very deep flow
 * collections takes super-linear time and memory, enough to hang or abort the
 * process on a few kilobytes of text, and megabytes of junk take minutes to
 * report error by error. Never throws.
 */
export function yamlShapeProblem(
  text: string,
  limits: Partial<Pick<ParseLimits, 'maxDepth' | 'maxSyntaxErrors'>> = {},
): string | undefined {
  const maxDepth = limits.maxDepth ?? DEFAULT_PARSE_LIMITS.maxDepth;
  const maxErrors =
    limits.maxSyntaxErrors ?? DEFAULT_PARSE_LIMITS.maxSyntaxErrors!;
  try {
    const lines = new LineTracker(text);
    let index = -1;
    let errors = 0;
    for (const token of new Parser().parse(text)) {
      if (token.type !== 'document') {
        if (token.type === 'error') errors++;
      } else {
        index++;
        const line = () => lines.lineAt(token.value?.offset ?? token.offset);
        if (cstDepth(token.value, maxDepth) > maxDepth) {
          return `document ${
            index + 1
          } (line ${line()}) nests deeper than ${maxDepth} levels`;
        }
        errors += cstSyntaxErrors(token, maxErrors - errors);
      }
      if (errors > maxErrors) {
        return `more than ${maxErrors} syntax errors (not valid YAML)`;
      }
    }
  } catch (e) {
    return describeError(e);
  }
  return undefined;
}

/** A document marker (`---`) at the start of a line. */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;
/** Document end markers and directives: left to the careful path. */
const END_OR_DIRECTIVE = /^(?:\.\.\.(?=[ \t\r\n]|$)|%)/m;
/** An anchor (`&name`) where a node property can start: aliases need one. */
const ANCHOR = /(?:^|[\s[{,])&[^\s[\]{},]/m;
/** Nothing but blank lines, comments and a document marker. */
const NO_CONTENT =
  /^(?:[ \t]*(?:#.*)?(?:\r?\n|$)|---[ \t]*(?:#.*)?(?:\r?\n|$))*$/;

/**
 * The fast path of {@link parseYamlDocuments}: plain manifests (no anchors or
 * aliases, no directives, documents within the size limit) are read with
 * js-yaml's YAML 1.2 core schema, whose `maxDepth` stops deep nesting before it
 * recurses. Undefined when the text needs the careful path, or when js-yaml
 * rejects a document (the careful path then says precisely what is wrong).
 */
function fastYamlDocuments(
  text: string,
  limits: ParseLimits,
): ParsedDocument[] | undefined {
  if (ANCHOR.test(text) || END_OR_DIRECTIVE.test(text)) return undefined;
  const starts: number[] = [0];
  for (const m of text.matchAll(DOCUMENT_START)) {
    if (m.index! > 0) starts.push(m.index!);
  }
  // A prefix of comments before the first marker belongs to the first document.
  if (starts.length > 1 && NO_CONTENT.test(text.slice(0, starts[1]))) {
    starts.splice(1, 1);
  }
  // js-yaml counts every node, scalars included, so this also stops collections
  // nested exactly `maxDepth` deep that hold scalars: those (rare) documents take
  // the careful path, which measures collection depth exactly.
  const options = {
    schema: CORE_SCHEMA,
    json: true,
    maxDepth: limits.maxDepth,
  } as LoadOptions;
  const lines = new LineTracker(text);
  const docs: ParsedDocument[] = [];
  for (let i = 0; i < starts.length; i++) {
    const offset = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    const bytes = end - offset;
    if (bytes > limits.maxDocumentBytes) return undefined;
    const source = text.slice(offset, end);
    let value: unknown;
    try {
      value = loadYaml(source, options);
    } catch {
      return undefined;
    }
    docs.push({
      index: i,
      line: lines.lineAt(offset + firstContent(source)),
      bytes,
      offset,
      value: value === undefined ? null : value,
    });
  }
  return docs;
}

/** Offset of the first line with content (not blank, a comment or a bare `---`). */
function firstContent(source: string): number {
  let at = 0;
  while (at < source.length) {
    const next = source.indexOf('\n', at);
    const line = source.slice(at, next < 0 ? source.length : next);
    const trimmed = line.trim();
    if (
      trimmed !== '' &&
      !trimmed.startsWith('#') &&
      !/^---\s*(#.*)?$/.test(trimmed)
    ) {
      return at + (line.length - line.trimStart().length);
    }
    if (next < 0) break;
    at = next + 1;
  }
  return 0;
}

/**
 * Splits YAML text into documents and converts each to plain data. Plain
 * manifests take a fast path (js-yaml, core schema, depth-limited); anything
 * else — anchors and aliases, directives, oversized or malformed documents —
 * takes a careful path that checks each document's size and nesting depth on
 * the concrete syntax tree before composing it and caps aliases, so hostile
 * input gives per-document errors, never a crash or a hang. Never throws.
 */
export function* parseYamlDocuments(
  text: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): Generator<ParsedDocument> {
  const fast = fastYamlDocuments(text, limits);
  if (fast) {
    yield* fast;
    return;
  }
  const oversized = oversizedSingleDocument(text, limits);
  if (oversized) {
    yield oversized;
    return;
  }
  yield* carefulYamlDocuments(text, limits);
}

/** A top-level `kind: …List` line (kubectl output): exempt from the document size limit. */
const LIST_KIND = /^kind:[ \t]*["']?[A-Za-z]*List["']?[ \t]*(?:#.*)?\r?$/m;

/**
 * A text over the document size limit with no document marker after its start
 * is one oversized document (unless it is a `List`): refused by its size alone,
 * without building its syntax tree, which on megabytes of hostile text costs
 * several seconds.
 */
function oversizedSingleDocument(
  text: string,
  limits: ParseLimits,
): ParsedDocument | undefined {
  if (text.length <= limits.maxDocumentBytes || LIST_KIND.test(text)) {
    return undefined;
  }
  for (const m of text.matchAll(DOCUMENT_START)) {
    if (m.index! > 0) return undefined;
  }
  return {
    index: 0,
    line: 1,
    bytes: text.length,
    offset: 0,
    error: `document is ${formatBytes(
      text.length,
    )}, larger than the ${formatBytes(
      limits.maxDocumentBytes,
    )} limit for one resource document`,
  };
}

function toParsed(
  doc: Document.Parsed,
  meta: Omit<ParsedDocument, 'value'>,
  lines: LineTracker,
  limits: ParseLimits,
): ParsedDocument {
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = lines.lineAt(err.pos[0]);
    return { ...meta, error: `invalid YAML at line ${line}: ${err.message}` };
  }
  try {
    const value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    // Aliases can nest documents deeper than their text does.
    if (valueDepth(value, limits.maxDepth) > limits.maxDepth) {
      return {
        ...meta,
        error: `document nests deeper than ${limits.maxDepth} levels`,
      };
    }
    return { ...meta, value };
  } catch (e) {
    const message = describeError(e);
    return {
      ...meta,
      error: /alias/i.test(message)
        ? `too many YAML aliases (more than ${limits.maxAliasCount}; possible alias bomb): ${message}`
        : message,
    };
  }
}

/**
 * Parses JSON text as one document; the depth limit applies, the document size
 * limit is left to the caller (it depends on what the document turns out to be).
 * Never throws.
 */
export function parseJsonDocument(
  text: string,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ParsedDocument {
  const base = { index: 0, line: 1, bytes: text.length };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ...base, error: `invalid JSON: ${describeError(e)}` };
  }
  if (valueDepth(value, limits.maxDepth) > limits.maxDepth) {
    return {
      ...base,
      error: `document nests deeper than ${limits.maxDepth} levels`,
    };
  }
  return { ...base, value };
}
