import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  ANNOTATION_MANIFESTS,
  ANNOTATION_TERRAFORM_ADDRESSES,
  splitAnnotationList,
  type EntityResourcesResult,
  type ResourceProviderContext,
  type SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import {
  decodeText,
  scanText,
  uniqueResourceIds,
  type Normalizers,
  type Resource,
} from '@internal/security-posture-engine';
import type { ManifestsProviderConfig } from '../../config';
import { LocalFiles } from './LocalFiles';
import { ReadCache } from './ReadCache';
import {
  addressMatchesPrefix,
  checkUrlHost,
  resolveManifestTargets,
} from './targets';

const SCANNED_FILE = /\.(ya?ml|json)$/i;

/** How many URLs (files or trees) the provider remembers the last read of. */
export const DEFAULT_READ_CACHE_ENTRIES = 1000;

/** What scanning one file gave. */
type FileOutcome = {
  resources: Resource[];
  problems: string[];
  warnings: string[];
};

/** One file of a remembered read; no outcome when it was over the size limit. */
type CachedFile = { path: string; size: number; outcome?: FileOutcome };

/** The last complete read of a URL: the reader's etag and what it gave. */
type CachedRead = { etag: string; files: CachedFile[] };

/**
 * The built-in manifests / IaC provider: reads the files and directories named by
 * an entity's `security-posture.backstage.io/manifests` annotation (Kubernetes
 * YAML/JSON, Terraform plan/state JSON, AWS Config items; format detected) through
 * the UrlReader — which enforces `backend.reading.allow` and the integrations — or,
 * for entities read from local `file:` locations, from configured local roots.
 */
export class ManifestsResourceProvider
  implements SecurityPostureResourceProvider
{
  readonly id = 'manifests';
  private readonly localFiles: LocalFiles;
  private readonly readCache: ReadCache<CachedRead>;

  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      logger: LoggerService;
      config: ManifestsProviderConfig;
      normalizers: Normalizers;
      resourceTypes: readonly string[];
    },
  ) {
    this.localFiles = new LocalFiles(options.config.localRoots);
    this.readCache = new ReadCache(
      options.config.readCacheEntries ?? DEFAULT_READ_CACHE_ENTRIES,
    );
  }

  private remember(
    key: string,
    etag: string | undefined,
    files: CachedFile[],
  ): void {
    if (etag) this.readCache.set(key, { etag, files });
    else this.readCache.delete(key);
  }

  get resourceTypes(): readonly string[] {
    return this.options.resourceTypes;
  }

  appliesTo(entity: Entity): boolean {
    return (
      splitAnnotationList(entity.metadata.annotations?.[ANNOTATION_MANIFESTS])
        .length > 0
    );
  }

  async getEntityResources(
    entity: Entity,
    context: ResourceProviderContext,
  ): Promise<EntityResourcesResult | undefined> {
    const annotations = entity.metadata.annotations ?? {};
    const items = splitAnnotationList(annotations[ANNOTATION_MANIFESTS]);
    if (items.length === 0) return undefined;
    const prefixes = splitAnnotationList(
      annotations[ANNOTATION_TERRAFORM_ADDRESSES],
    );
    const { config, normalizers } = this.options;
    const { targets, errors } = resolveManifestTargets(
      entity,
      items,
      this.options.integrations,
    );
    const problems: string[] = [...errors];
    const warnings: string[] = [];
    const resources: Resource[] = [];
    const budget = { files: config.maxFiles, bytes: config.maxTotalBytes };

    const scanFile = (
      file: string,
      content: Buffer,
      location: string,
    ): FileOutcome => {
      const decoded = decodeText(content);
      if ('error' in decoded) {
        return {
          resources: [],
          problems: [`${file}: ${decoded.error}`],
          warnings: [],
        };
      }
      // The location makes uids unique per file (two plans may share addresses).
      const result = scanText(decoded.text, file, {
        normalizers,
        provider: this.id,
        location,
        maxFileBytes: config.maxFileBytes,
      });
      const outcome: FileOutcome = {
        resources: result.resources,
        problems: [],
        warnings: [],
      };
      for (const e of result.errors) {
        const message = `${file}: ${e.message}`;
        if (e.unreadable) outcome.problems.push(message);
        else outcome.warnings.push(message);
      }
      return outcome;
    };
    const replay = (outcome: FileOutcome) => {
      resources.push(...outcome.resources);
      problems.push(...outcome.problems);
      warnings.push(...outcome.warnings);
    };
    const scan = (file: string, content: Buffer, location: string) => {
      const outcome = scanFile(file, content, location);
      replay(outcome);
      return outcome;
    };

    /** Whether the one file a URL names may be scanned (size and budget). */
    const admitFile = (display: string, size: number): boolean => {
      if (size > config.maxFileBytes) {
        problems.push(
          `${display}: file is ${size} bytes, larger than the ${config.maxFileBytes} byte limit`,
        );
        return false;
      }
      if (budget.files <= 0 || budget.bytes < size) {
        problems.push(
          `${display}: the file or byte limit of one entity was reached`,
        );
        return false;
      }
      budget.files -= 1;
      budget.bytes -= size;
      return true;
    };
    /** Whether a file of a tree may be scanned, skipped, or ends the tree. */
    const admitTreeFile = (
      display: string,
      name: string,
      size: number,
    ): 'scan' | 'skip' | 'stop' => {
      if (size > config.maxFileBytes) {
        problems.push(
          `${name}: file is ${size} bytes, larger than the ${config.maxFileBytes} byte limit`,
        );
        return 'skip';
      }
      if (budget.bytes < size) {
        problems.push(
          `${display}: more than ${config.maxTotalBytes} bytes (securityPosture.providers.manifests.maxTotalBytes)`,
        );
        return 'stop';
      }
      budget.files -= 1;
      budget.bytes -= size;
      return 'scan';
    };
    const filesExhausted = (display: string): boolean => {
      if (budget.files > 0) return false;
      problems.push(
        `${display}: more than ${config.maxFiles} files (securityPosture.providers.manifests.maxFiles)`,
      );
      return true;
    };

    for (const target of targets) {
      if (context.signal.aborted) throw abortError();
      if (target.kind === 'local') {
        if (!this.localFiles.enabled) {
          problems.push(
            `${target.display}: reading local files is disabled (configure securityPosture.providers.manifests.localRoots)`,
          );
          continue;
        }
        for await (const file of this.localFiles.read(
          target.path,
          target.display,
          { maxFileBytes: config.maxFileBytes, budget },
          context.signal,
        )) {
          if ('error' in file) {
            (file.unreadable ? problems : warnings).push(
              `${file.file}: ${file.error}`,
            );
          } else {
            scan(file.file, file.content, file.location);
          }
        }
        continue;
      }
      const refused = checkUrlHost(target.url);
      if (refused) {
        problems.push(refused);
        continue;
      }
      // What the last complete read of this URL gave: its etag goes with the
      // read, and the reader's NotModifiedError means it is still the content.
      // The reader is asked every time, so its allow list and integrations
      // still decide whether the URL may be read.
      const cacheKey = `${target.tree ? 'tree' : 'file'}\0${target.url}\0${
        target.display
      }`;
      const cached = this.readCache.get(cacheKey);
      const etagOption = cached ? { etag: cached.etag } : {};
      // One read may not hold up the whole scan: it has its own deadline.
      const deadline = AbortSignal.timeout(config.readTimeoutMs);
      const signal = AbortSignal.any([context.signal, deadline]);
      try {
        if (!target.tree) {
          let response;
          try {
            response = await this.options.urlReader.readUrl(target.url, {
              signal,
              ...etagOption,
            });
          } catch (e) {
            if (!cached || !isNotModified(e)) throw e;
            const [file] = cached.files;
            if (admitFile(target.display, file.size) && file.outcome) {
              replay(file.outcome);
            }
            continue;
          }
          const content = await response.buffer();
          const oversize = content.length > config.maxFileBytes;
          if (admitFile(target.display, content.length)) {
            const outcome = scan(target.display, content, target.url);
            this.remember(cacheKey, response.etag, [
              { path: '', size: content.length, outcome },
            ]);
          } else if (oversize) {
            // Too large stays too large: no need to download it again.
            this.remember(cacheKey, response.etag, [
              { path: '', size: content.length },
            ]);
          } else {
            // Left out for this entity's budget only: not a result to keep.
            this.readCache.delete(cacheKey);
          }
          continue;
        }
        let tree;
        try {
          tree = await this.options.urlReader.readTree(target.url, {
            signal,
            ...etagOption,
            filter: (path, info) =>
              SCANNED_FILE.test(path) &&
              (info?.size === undefined || info.size <= config.maxFileBytes),
          });
        } catch (e) {
          if (!cached || !isNotModified(e)) throw e;
          for (const file of cached.files) {
            if (filesExhausted(target.display)) break;
            const name = `${target.display.replace(/\/+$/, '')}/${file.path}`;
            const admitted = admitTreeFile(target.display, name, file.size);
            if (admitted === 'stop') break;
            if (admitted === 'scan' && file.outcome) replay(file.outcome);
          }
          continue;
        }
        const files = await tree.files();
        const read: CachedFile[] = [];
        let complete = true;
        for (const file of files) {
          const name = `${target.display.replace(/\/+$/, '')}/${file.path}`;
          if (filesExhausted(target.display)) {
            complete = false;
            break;
          }
          // An empty file (or a symbolic link: its target is never read) comes
          // back from the tree reader as an empty array, not a Buffer.
          const content = Buffer.from(await file.content());
          const admitted = admitTreeFile(target.display, name, content.length);
          if (admitted === 'stop') {
            complete = false;
            break;
          }
          if (admitted === 'skip') {
            read.push({ path: file.path, size: content.length });
            continue;
          }
          const outcome = scan(
            name,
            content,
            `${target.url.replace(/\/+$/, '')}/${file.path}`,
          );
          read.push({ path: file.path, size: content.length, outcome });
        }
        // A tree cut short by this entity's budget is not kept: another
        // entity (or a larger budget) would need the files that were left out.
        if (complete) this.remember(cacheKey, tree.etag, read);
        else this.readCache.delete(cacheKey);
      } catch (e) {
        if (context.signal.aborted) throw abortError();
        problems.push(
          deadline.aborted
            ? `${target.display}: no answer within ${Math.round(
                config.readTimeoutMs / 1000,
              )} seconds (securityPosture.providers.manifests.readTimeout)`
            : `${target.display}: ${errorMessage(e)}`,
        );
      }
    }

    // The same object in two files (overlays, copies) keeps distinct uids.
    const unique = uniqueResourceIds();
    const owned: Resource[] = [];
    const unclaimed: Resource[] = [];
    for (const resource of resources.map(unique)) {
      if (
        prefixes.length > 0 &&
        resource.address !== undefined &&
        !prefixes.some(p => addressMatchesPrefix(resource.address!, p))
      ) {
        unclaimed.push(resource);
      } else {
        owned.push(resource);
      }
    }
    return {
      resources: owned,
      unclaimed,
      warnings,
      ...(problems.length > 0 ? { incomplete: summarize(problems) } : {}),
    };
  }
}

function summarize(problems: string[]): string {
  const shown = problems.slice(0, 5).join('; ');
  return problems.length > 5
    ? `${shown} (and ${problems.length - 5} more problems)`
    : shown;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Backstage's NotModifiedError (checked by name: it may come from another copy of the package). */
function isNotModified(e: unknown): boolean {
  return isError(e) && e.name === 'NotModifiedError';
}

function abortError(): Error {
  const error = new Error('The scan was aborted');
  error.name = 'AbortError';
  return error;
}
