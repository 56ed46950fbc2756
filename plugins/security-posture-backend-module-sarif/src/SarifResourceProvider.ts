import type {
  CacheService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  splitAnnotationList,
  type EntityResourcesResult,
  type ResourceProviderContext,
  type SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import type { Resource } from '@internal/security-posture-engine';
import type { SarifProviderConfig } from './config';
import {
  mapFindings,
  SARIF_RESULT_TYPE,
  type SarifFindingAttributes,
} from './findings';
import { LocalSarifFiles, type ReadBudget } from './localFiles';
import { parseSarif, type ParsedSarif } from './sarif';
import {
  ANNOTATION_SARIF,
  refusedUrl,
  resolveSarifTargets,
  SARIF_FILE,
} from './targets';

/** SARIF documents read from one URL, kept with the ETag they were read at. */
interface CachedRead {
  etag: string;
  documents: Array<{ file: string; parsed: ParsedSarif }>;
}

/** A finding remembered after it stopped being reported. */
interface ResolvedEntry {
  uid: string;
  attributes: Omit<SarifFindingAttributes, 'evidence' | 'failMessage'>;
  file: string;
  /** ISO time it was first missing from a report of its tool. */
  resolvedAt: string;
}

const MAX_CACHED_URLS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of {@link SarifResourceProvider}. */
export interface SarifResourceProviderOptions {
  urlReader: UrlReaderService;
  integrations: ScmIntegrationRegistry;
  cache: CacheService;
  logger: LoggerService;
  config: SarifProviderConfig;
  /** How long a finding no longer reported counts as passing evidence (default 30 days). */
  resolvedForMs?: number;
}

/**
 * Imports the results other scanners wrote as SARIF 2.1.0 (tfsec, Trivy, Checkov
 * in CI) from the files named by an entity's `security-posture.backstage.io/sarif`
 * annotation, read through the UrlReader (which enforces `backend.reading.allow`)
 * or, for `file:` locations, from the configured local roots. Results become
 * `sarif.result` resources that the generated `sarif-<control>-<severity>` checks
 * judge, so they count in the same scorecard as the built-in checks.
 *
 * - Files are re-read only when their ETag changed (`NotModifiedError` reuses the
 *   documents parsed last time).
 * - A finding that disappears from a report its tool still produced is kept for a
 *   while as a passing result: the fix is evidence for its control, and fixing
 *   many findings at once does not look like a provider that suddenly lost data.
 */
export class SarifResourceProvider implements SecurityPostureResourceProvider {
  readonly id = 'sarif';
  readonly resourceTypes = [SARIF_RESULT_TYPE];
  private readonly local: LocalSarifFiles;
  private readonly reads = new Map<string, CachedRead>();

  constructor(private readonly options: SarifResourceProviderOptions) {
    this.local = new LocalSarifFiles(options.config.localRoots);
  }

  appliesTo(entity: Entity): boolean {
    return (
      splitAnnotationList(entity.metadata.annotations?.[ANNOTATION_SARIF])
        .length > 0
    );
  }

  async getEntityResources(
    entity: Entity,
    context: ResourceProviderContext,
  ): Promise<EntityResourcesResult | undefined> {
    const items = splitAnnotationList(
      entity.metadata.annotations?.[ANNOTATION_SARIF],
    );
    if (items.length === 0) return undefined;
    const { config, integrations } = this.options;
    const { targets, errors } = resolveSarifTargets(
      entity,
      items,
      integrations,
    );
    const problems = [...errors];
    const warnings: string[] = [];
    const documents: Array<{ file: string; parsed: ParsedSarif }> = [];
    const budget: ReadBudget = {
      files: config.maxFiles,
      bytes: config.maxTotalBytes,
      maxFileBytes: config.maxFileBytes,
    };
    const add = (file: string, parsed: ParsedSarif) => {
      if (parsed.error) problems.push(`${file}: ${parsed.error}`);
      else documents.push({ file, parsed });
      for (const w of parsed.warnings) problems.push(`${file}: ${w}`);
    };

    for (const target of targets) {
      if (context.signal.aborted) throw abortError();
      if (target.kind === 'local') {
        if (!this.local.enabled) {
          problems.push(
            `${target.display}: reading local files is disabled (configure securityPosture.providers.sarif.localRoots)`,
          );
          continue;
        }
        for await (const read of this.local.read(
          target.path,
          target.display,
          budget,
          context.signal,
        )) {
          if ('error' in read) problems.push(`${read.file}: ${read.error}`);
          else add(read.file, parseSarif(read.content.toString('utf8')));
        }
        continue;
      }
      const refused = refusedUrl(target.url);
      if (refused) {
        problems.push(refused);
        continue;
      }
      try {
        const read = await this.readRemote(target, budget, context.signal);
        for (const d of read.documents) add(d.file, d.parsed);
        for (const p of read.problems) problems.push(p);
      } catch (e) {
        if (context.signal.aborted) throw abortError();
        problems.push(`${target.display}: ${errorMessage(e)}`);
      }
    }

    const mapped = mapFindings(documents, config.mapping, this.id);
    if (mapped.unmapped.size > 0) {
      const total = [...mapped.unmapped.values()].reduce((a, b) => a + b, 0);
      const rules = [...mapped.unmapped.entries()]
        .slice(0, 5)
        .map(([rule, n]) => (n > 1 ? `${rule} (${n})` : rule))
        .join(', ');
      warnings.push(
        `${total} SARIF result(s) match no control and were not imported: ${rules}${
          mapped.unmapped.size > 5 ? ', …' : ''
        } (add rules to securityPosture.providers.sarif.mapping)`,
      );
    }
    const resources: Resource[] = [...mapped.resources];
    if (problems.length === 0) {
      resources.push(
        ...(await this.resolvedFindings(
          entity,
          mapped.resources,
          documents,
          context.now,
        )),
      );
    }
    return {
      resources,
      warnings,
      ...(problems.length > 0 ? { incomplete: summarize(problems) } : {}),
    };
  }

  /** Reads a file or a tree, reusing what was parsed when the ETag is unchanged. */
  private async readRemote(
    target: { url: string; tree: boolean; display: string },
    budget: ReadBudget,
    signal: AbortSignal,
  ): Promise<{ documents: CachedRead['documents']; problems: string[] }> {
    const { urlReader } = this.options;
    const cached = this.reads.get(target.url);
    const problems: string[] = [];
    try {
      if (!target.tree) {
        const response = await urlReader.readUrl(target.url, {
          signal,
          ...(cached ? { etag: cached.etag } : {}),
        });
        const content = await response.buffer();
        const documents: CachedRead['documents'] = [];
        if (content.length > budget.maxFileBytes) {
          problems.push(
            `${target.display}: file is ${content.length} bytes, larger than the ${budget.maxFileBytes} byte limit`,
          );
        } else if (budget.files <= 0 || budget.bytes < content.length) {
          problems.push(
            `${target.display}: the file or byte limit of one entity was reached`,
          );
        } else {
          budget.files -= 1;
          budget.bytes -= content.length;
          documents.push({
            file: target.display,
            parsed: parseSarif(content.toString('utf8')),
          });
        }
        this.remember(target.url, response.etag, documents, problems);
        return { documents, problems };
      }
      const tree = await urlReader.readTree(target.url, {
        signal,
        ...(cached ? { etag: cached.etag } : {}),
        filter: (path, info) =>
          SARIF_FILE.test(path) &&
          (info?.size === undefined || info.size <= budget.maxFileBytes),
      });
      const documents: CachedRead['documents'] = [];
      for (const file of await tree.files()) {
        const name = `${target.display.replace(/\/+$/, '')}/${file.path}`;
        // An empty file (or a symbolic link) comes back as an empty array.
        const content = Buffer.from(await file.content());
        if (budget.files <= 0 || budget.bytes < content.length) {
          problems.push(
            `${target.display}: the file or byte limit of one entity was reached`,
          );
          break;
        }
        budget.files -= 1;
        budget.bytes -= content.length;
        documents.push({
          file: name,
          parsed: parseSarif(content.toString('utf8')),
        });
      }
      this.remember(target.url, tree.etag, documents, problems);
      return { documents, problems };
    } catch (e) {
      if ((e as Error)?.name === 'NotModifiedError' && cached) {
        // Touch the entry so it stays among the most recently used.
        this.reads.delete(target.url);
        this.reads.set(target.url, cached);
        return { documents: cached.documents, problems };
      }
      throw e;
    }
  }

  private remember(
    url: string,
    etag: string | undefined,
    documents: CachedRead['documents'],
    problems: string[],
  ) {
    this.reads.delete(url);
    // Only complete reads are reused: a limit hit must be retried next time.
    if (!etag || problems.length > 0) return;
    this.reads.set(url, { etag, documents });
    if (this.reads.size > MAX_CACHED_URLS) {
      this.reads.delete(this.reads.keys().next().value!);
    }
  }

  /**
   * Findings reported in earlier scans that the latest reports of the same tools
   * no longer contain: returned as passing results for `resolvedForMs`, and
   * remembered in the cache service with the ones still failing.
   */
  private async resolvedFindings(
    entity: Entity,
    current: Resource<SarifFindingAttributes>[],
    documents: ReadonlyArray<{ file: string; parsed: ParsedSarif }>,
    now: Date,
  ): Promise<Resource<SarifFindingAttributes>[]> {
    const { cache, logger } = this.options;
    const resolvedFor = this.options.resolvedForMs ?? 30 * DAY_MS;
    const key = `sarif-findings:${stringifyEntityRef(entity)}`;
    const toolsRun = new Set(
      documents.flatMap(d => d.parsed.toolNames.map(t => t.toLowerCase())),
    );
    let previous:
      | { failing: ResolvedEntry[]; resolved: ResolvedEntry[] }
      | undefined;
    try {
      const stored = await cache.get(key);
      if (
        stored &&
        typeof stored === 'object' &&
        !Array.isArray(stored) &&
        Array.isArray(stored.failing) &&
        Array.isArray(stored.resolved)
      ) {
        previous = stored as unknown as typeof previous;
      }
    } catch (e) {
      logger.debug(`SARIF provider: cannot read the cache: ${errorMessage(e)}`);
    }
    const currentUids = new Set(current.map(r => r.uid));
    const out: Resource<SarifFindingAttributes>[] = [];
    const resolved: ResolvedEntry[] = [];
    const candidates = [
      ...(previous?.resolved ?? []),
      ...(previous?.failing ?? []).map(e => ({
        ...e,
        resolvedAt: now.toISOString(),
      })),
    ];
    for (const entry of candidates) {
      if (currentUids.has(entry.uid)) continue;
      if (resolved.some(r => r.uid === entry.uid)) continue;
      // Only a report of the same tool can say the finding is gone.
      if (!toolsRun.has(entry.attributes.tool.toLowerCase())) continue;
      if (now.getTime() - Date.parse(entry.resolvedAt) > resolvedFor) continue;
      resolved.push(entry);
      out.push({
        uid: entry.uid,
        type: SARIF_RESULT_TYPE,
        kind: entry.attributes.tool,
        name: `${entry.attributes.ruleId} in ${entry.attributes.uri}`,
        source: {
          format: 'sarif',
          file: entry.file,
          provider: this.id,
          location: entry.attributes.tool,
        },
        attributes: {
          ...entry.attributes,
          outcome: 'pass',
          failMessage: '',
          evidence: [],
        },
        raw: {
          ...entry.attributes,
          outcome: 'pass',
          resolvedAt: entry.resolvedAt,
        },
      });
    }
    const failing: ResolvedEntry[] = current
      .filter(r => r.attributes.outcome === 'fail')
      .map(r => {
        const { evidence: _e, failMessage: _m, ...attributes } = r.attributes;
        return {
          uid: r.uid,
          attributes,
          file: r.source.file ?? '',
          resolvedAt: '',
        };
      });
    try {
      await cache.set(key, JSON.parse(JSON.stringify({ failing, resolved })), {
        ttl: resolvedFor + 7 * DAY_MS,
      });
    } catch (e) {
      logger.debug(
        `SARIF provider: cannot write the cache: ${errorMessage(e)}`,
      );
    }
    return out;
  }
}

function summarize(problems: string[]): string {
  const shown = problems.slice(0, 5).join('; ');
  return problems.length > 5
    ? `${shown} (and ${problems.length - 5} more problems)`
    : shown;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function abortError(): Error {
  const error = new Error('The scan was aborted');
  error.name = 'AbortError';
  return error;
}
