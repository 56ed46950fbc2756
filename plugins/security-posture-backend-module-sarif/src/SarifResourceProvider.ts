import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ANNOTATION_SARIF,
  splitAnnotationList,
  type EntityResourcesResult,
  type QuarantinePolicy,
  type ResourceProviderContext,
  type SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import type { SarifProviderConfig } from './config';
import { mapFindings, SARIF_RESULT_TYPE } from './findings';
import { LocalSarifFiles, type ReadBudget } from './localFiles';
import { parseSarif, type ParsedSarif } from './sarif';
import { refusedUrl, resolveSarifTargets, SARIF_FILE } from './targets';

/** SARIF documents read from one URL, kept with the ETag they were read at. */
interface CachedRead {
  etag: string;
  documents: Array<{ file: string; parsed: ParsedSarif }>;
}

const MAX_CACHED_URLS = 1000;

/** Options of {@link SarifResourceProvider}. */
export interface SarifResourceProviderOptions {
  urlReader: UrlReaderService;
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
  config: SarifProviderConfig;
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
 * - A finding the reports no longer contain is no longer returned, and the
 *   backend resolves it. Its quarantine policy is `never`: fixing many findings at
 *   once shrinks the result legitimately, while a report that cannot be read makes
 *   the result `incomplete` (the entity keeps its last results, partial).
 */
export class SarifResourceProvider implements SecurityPostureResourceProvider {
  readonly id = 'sarif';
  readonly resourceTypes = [SARIF_RESULT_TYPE];
  readonly quarantine: QuarantinePolicy = 'never';
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
    return {
      resources: mapped.resources,
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
