import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
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
import {
  addressMatchesPrefix,
  checkUrlHost,
  resolveManifestTargets,
} from './targets';

const SCANNED_FILE = /\.(ya?ml|json)$/i;

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

    const scan = (file: string, content: Buffer, location: string) => {
      const decoded = decodeText(content);
      if ('error' in decoded) {
        problems.push(`${file}: ${decoded.error}`);
        return;
      }
      // The location makes uids unique per file (two plans may share addresses).
      const result = scanText(decoded.text, file, {
        normalizers,
        provider: this.id,
        location,
        maxFileBytes: config.maxFileBytes,
      });
      resources.push(...result.resources);
      for (const e of result.errors) {
        const message = `${file}: ${e.message}`;
        if (e.unreadable) problems.push(message);
        else warnings.push(message);
      }
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
      // One read may not hold up the whole scan: it has its own deadline.
      const deadline = AbortSignal.timeout(config.readTimeoutMs);
      const signal = AbortSignal.any([context.signal, deadline]);
      try {
        if (!target.tree) {
          const response = await this.options.urlReader.readUrl(target.url, {
            signal,
          });
          const content = await response.buffer();
          if (content.length > config.maxFileBytes) {
            problems.push(
              `${target.display}: file is ${content.length} bytes, larger than the ${config.maxFileBytes} byte limit`,
            );
          } else if (budget.files <= 0 || budget.bytes < content.length) {
            problems.push(
              `${target.display}: the file or byte limit of one entity was reached`,
            );
          } else {
            budget.files -= 1;
            budget.bytes -= content.length;
            scan(target.display, content, target.url);
          }
          continue;
        }
        const tree = await this.options.urlReader.readTree(target.url, {
          signal,
          filter: (path, info) =>
            SCANNED_FILE.test(path) &&
            (info?.size === undefined || info.size <= config.maxFileBytes),
        });
        const files = await tree.files();
        for (const file of files) {
          const name = `${target.display.replace(/\/+$/, '')}/${file.path}`;
          if (budget.files <= 0) {
            problems.push(
              `${target.display}: more than ${config.maxFiles} files (securityPosture.providers.manifests.maxFiles)`,
            );
            break;
          }
          // An empty file (or a symbolic link: its target is never read) comes
          // back from the tree reader as an empty array, not a Buffer.
          const content = Buffer.from(await file.content());
          if (content.length > config.maxFileBytes) {
            problems.push(
              `${name}: file is ${content.length} bytes, larger than the ${config.maxFileBytes} byte limit`,
            );
            continue;
          }
          if (budget.bytes < content.length) {
            problems.push(
              `${target.display}: more than ${config.maxTotalBytes} bytes (securityPosture.providers.manifests.maxTotalBytes)`,
            );
            break;
          }
          budget.files -= 1;
          budget.bytes -= content.length;
          scan(name, content, `${target.url.replace(/\/+$/, '')}/${file.path}`);
        }
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

function abortError(): Error {
  const error = new Error('The scan was aborted');
  error.name = 'AbortError';
  return error;
}
