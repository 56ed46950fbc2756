import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ProviderUnavailableError,
  type ResourceProviderContext,
} from '@internal/backstage-plugin-security-posture-node';
import {
  KubernetesApiClient,
  KubernetesApiError,
  type JsonObject,
} from '../client/KubernetesApiClient';
import type {
  KubernetesClusterConfig,
  KubernetesProviderConfig,
} from '../config';
import type { KubernetesKindSpec } from '../kinds';
import {
  buildClusterSnapshot,
  type ClusterSnapshot,
} from '../ownership/ClusterSnapshot';
import { EntityIndex } from '../ownership/EntityIndex';

/**
 * The configured clusters, read once per scan and shared by the modules of the
 * Security Posture plugin that read clusters (live objects, policy reports).
 * @public
 */
export interface SecurityPostureKubernetesService {
  /** The configured clusters (empty: the modules stay idle). */
  readonly clusters: readonly KubernetesClusterConfig[];
  /** Problems found in the configuration that did not stop the module. */
  readonly warnings: readonly string[];
  /** The kinds listed in every cluster. */
  readonly kinds: readonly KubernetesKindSpec[];
  /** Namespaces never listed. */
  readonly excludeNamespaces: readonly string[];
  /**
   * The cluster's objects and who owns them, listed once per scan (calls with the
   * same scan context share one listing). Throws
   * {@link @internal/backstage-plugin-security-posture-node#ProviderUnavailableError}
   * when the cluster cannot be read completely.
   */
  getSnapshot(
    cluster: string,
    context: ResourceProviderContext,
  ): Promise<ClusterSnapshot>;
  /**
   * Every object of one more kind (for example PolicyReports), or `undefined` when
   * the cluster does not serve it. Throws `ProviderUnavailableError` like
   * {@link SecurityPostureKubernetesService.getSnapshot}.
   */
  listObjects(
    cluster: string,
    kind: KubernetesKindSpec,
    context: ResourceProviderContext,
    options?: { fieldSelector?: string },
  ): Promise<JsonObject[] | undefined>;
}

/** Per-scan memo, keyed by the scan's abort signal. */
interface ScanMemo {
  at: number;
  entities?: EntityIndex;
  snapshots: Map<string, Promise<ClusterSnapshot>>;
}

/** Default implementation of {@link SecurityPostureKubernetesService}. */
export class KubernetesClustersService
  implements SecurityPostureKubernetesService
{
  private readonly clients = new Map<string, KubernetesApiClient>();
  private readonly memos = new WeakMap<AbortSignal, ScanMemo>();

  constructor(
    private readonly options: {
      config: KubernetesProviderConfig;
      logger: LoggerService;
      /** Base delay of retries (tests shorten it). */
      retryDelayMs?: number;
    },
  ) {
    for (const cluster of options.config.clusters) {
      this.clients.set(
        cluster.name,
        new KubernetesApiClient(cluster, {
          pageSize: options.config.pageSize,
          retries: options.config.retries,
          retryDelayMs: options.retryDelayMs,
        }),
      );
    }
  }

  get clusters(): readonly KubernetesClusterConfig[] {
    return this.options.config.clusters;
  }

  get warnings(): readonly string[] {
    return this.options.config.warnings;
  }

  get kinds(): readonly KubernetesKindSpec[] {
    return this.options.config.kinds;
  }

  get excludeNamespaces(): readonly string[] {
    return this.options.config.excludeNamespaces;
  }

  private memo(context: ResourceProviderContext): ScanMemo {
    const at = context.now.getTime();
    let memo = this.memos.get(context.signal);
    if (!memo || memo.at !== at) {
      memo = { at, snapshots: new Map() };
      this.memos.set(context.signal, memo);
    }
    return memo;
  }

  private client(cluster: string): KubernetesApiClient {
    const client = this.clients.get(cluster);
    if (!client) throw new Error(`Unknown Kubernetes cluster "${cluster}"`);
    return client;
  }

  /**
   * The scan's entities that select Kubernetes objects (the backend passes the
   * whole catalog's in `context.entities`), indexed once per scan.
   */
  entityIndex(context: ResourceProviderContext): EntityIndex {
    const memo = this.memo(context);
    if (!memo.entities) {
      const entities = context.entities;
      if (!entities) {
        throw new ProviderUnavailableError(
          "the Security Posture backend did not pass the scan's entities (context.entities); update @internal/backstage-plugin-security-posture-backend",
        );
      }
      const annotated = new Set([
        ...entities.withAnnotation(ANNOTATION_KUBERNETES_ID),
        ...entities.withAnnotation(ANNOTATION_KUBERNETES_LABEL_SELECTOR),
      ]);
      memo.entities = new EntityIndex(annotated);
    }
    return memo.entities;
  }

  getSnapshot(
    cluster: string,
    context: ResourceProviderContext,
  ): Promise<ClusterSnapshot> {
    const memo = this.memo(context);
    let snapshot = memo.snapshots.get(cluster);
    if (!snapshot) {
      snapshot = this.takeSnapshot(cluster, context);
      memo.snapshots.set(cluster, snapshot);
    }
    return snapshot;
  }

  private async takeSnapshot(
    cluster: string,
    context: ResourceProviderContext,
  ): Promise<ClusterSnapshot> {
    const client = this.client(cluster);
    const entities = this.entityIndex(context);
    const snapshot = await this.bounded(client, context, signal =>
      buildClusterSnapshot({
        client,
        config: this.options.config,
        entities,
        signal,
      }),
    );
    const owned = snapshot.resources.filter(r => r.owners.length > 0).length;
    const { stats } = snapshot;
    this.options.logger.info(
      `Security posture: cluster ${cluster} listed ${
        stats.objects
      } objects in ${stats.requests} requests${
        stats.restarts
          ? ` (${stats.restarts} lists restarted after 410 Gone)`
          : ''
      } in ${stats.durationMs} ms; ${owned} of ${
        snapshot.resources.length
      } resources are owned by ${entities.size} annotated entities${
        snapshot.kindsNotServed.length
          ? `; not served: ${snapshot.kindsNotServed.join(', ')}`
          : ''
      }`,
    );
    for (const w of snapshot.warnings.slice(0, 20)) {
      this.options.logger.warn(`Security posture: ${w}`);
    }
    return snapshot;
  }

  async listObjects(
    cluster: string,
    kind: KubernetesKindSpec,
    context: ResourceProviderContext,
    options?: { fieldSelector?: string },
  ): Promise<JsonObject[] | undefined> {
    const client = this.client(cluster);
    const result = await this.bounded(client, context, signal =>
      client.listAll(kind, { signal, fieldSelector: options?.fieldSelector }),
    );
    return result?.items;
  }

  /**
   * Runs a cluster read within the cluster's time budget; every failure but the
   * scan's own abort becomes a `ProviderUnavailableError` naming the cluster.
   */
  private async bounded<T>(
    client: KubernetesApiClient,
    context: ResourceProviderContext,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { name, timeoutMs } = client.cluster;
    const budget = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([context.signal, budget]);
    try {
      return await fn(signal);
    } catch (e) {
      if (context.signal.aborted) throw e;
      if (budget.aborted) {
        throw new ProviderUnavailableError(
          `cluster ${name} could not be listed within ${timeoutMs} ms (securityPosture.providers.kubernetes timeout)`,
          { cause: e },
        );
      }
      if (e instanceof KubernetesApiError) {
        throw new ProviderUnavailableError(e.message, { cause: e });
      }
      throw new ProviderUnavailableError(
        `cluster ${name} could not be read: ${
          e instanceof Error ? e.message : String(e)
        }`,
        { cause: e },
      );
    }
  }
}
