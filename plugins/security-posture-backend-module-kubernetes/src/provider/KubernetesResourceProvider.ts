import type { Entity } from '@backstage/catalog-model';
import type {
  ListedResource,
  ResourceProviderContext,
  SecurityPostureResourceProvider,
} from '@internal/backstage-plugin-security-posture-node';
import { ANNOTATION_KUBERNETES_CLUSTER } from '../ownership/EntityIndex';
import type { SecurityPostureKubernetesService } from '../service/KubernetesClustersService';

const BATCH = 500;

/**
 * Live objects of one cluster. One provider per cluster (id
 * `kubernetes:<cluster>`), so a cluster that cannot be read fails alone: only the
 * entities that had resources from it (or are pinned to it with
 * `backstage.io/kubernetes-cluster`) become partial; every other cluster's
 * results are applied as usual.
 *
 * Everything is listed once per scan with ownership already resolved to entity
 * refs (see `buildClusterSnapshot`); objects no entity claims are listed with no
 * hint, for the unowned report.
 * @public
 */
export class KubernetesResourceProvider
  implements SecurityPostureResourceProvider
{
  readonly id: string;
  readonly resourceTypes: readonly string[];

  constructor(
    private readonly cluster: string,
    private readonly service: SecurityPostureKubernetesService,
    resourceTypes: readonly string[],
  ) {
    this.id = `kubernetes:${cluster}`;
    this.resourceTypes = resourceTypes;
  }

  /**
   * True for entities pinned to this cluster: a failure of the cluster makes them
   * partial even before they ever had resources from it. Other entities are
   * affected by a failure only if they had resources from this cluster before.
   */
  appliesTo(entity: Entity): boolean {
    return (
      entity.metadata.annotations?.[ANNOTATION_KUBERNETES_CLUSTER]?.trim() ===
      this.cluster
    );
  }

  async *listResources(
    context: ResourceProviderContext,
  ): AsyncIterable<ListedResource[]> {
    const snapshot = await this.service.getSnapshot(this.cluster, context);
    let batch: ListedResource[] = [];
    for (const { resource, owners, reportIfUnowned } of snapshot.resources) {
      if (owners.length > 0) {
        batch.push({ resource, hints: { entityRefs: owners } });
      } else if (reportIfUnowned) {
        batch.push({ resource, hints: {} });
      } else {
        continue;
      }
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}
