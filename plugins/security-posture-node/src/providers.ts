import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Resource } from '@internal/security-posture-engine';
import type { ProviderEntities } from './entities';

export {
  ProviderEntityIndex,
  type ProviderEntities,
  type ProviderEntity,
} from './entities';

/**
 * What a provider gets with every call.
 * @public
 */
export interface ResourceProviderContext {
  /** Aborted when the scan is cancelled or times out; stop work and throw. */
  signal: AbortSignal;
  logger: LoggerService;
  /** Start time of the scan. */
  now: Date;
  /**
   * The entities whose resources the scan assesses (the kinds of
   * `securityPosture.scan.entityKinds`), with their annotations and lookups by
   * annotation: providers that resolve ownership themselves (label selectors, for
   * example) read them here instead of querying the catalog. In a scheduled scan
   * it is the whole catalog, every shard included; in a requested scan of one
   * entity, only the entities being scanned. The backend always sets it.
   */
  entities?: ProviderEntities;
}

/**
 * The resources one entity owns, according to one provider.
 * @public
 */
export interface EntityResourcesResult {
  /** Resources the entity owns. */
  resources: Resource[];
  /**
   * Resources seen in the entity's sources that the entity does not claim (for
   * example outside its Terraform address prefixes). They are listed as unowned
   * unless another entity claims them, and count against the owning team's
   * ownership coverage.
   */
  unclaimed?: Resource[];
  /**
   * Non-fatal problems (a malformed document skipped, an unsupported kind). They are
   * shown with the entity's status but do not make it partial.
   */
  warnings?: string[];
  /**
   * Set when part of the entity's sources could not be read (a file missing, a
   * cluster unreachable): the entity keeps its last known results and becomes
   * `partial`, exactly as if the call had thrown.
   */
  incomplete?: string;
}

/**
 * Ownership hints on a resource listed by a provider; the backend resolves them to
 * catalog entities.
 * @public
 */
export interface OwnershipHints {
  /** Entities that claim the resource directly (for example from a `backstage.io/component` tag). */
  entityRefs?: string[];
  /** A `backstage.io/kubernetes-id` label value, matched against the entities' annotation of that name. */
  kubernetesId?: string;
  /**
   * ARNs of the resource, matched against the ARNs entities list in their ARN
   * annotations (the provider's {@link SecurityPostureResourceProvider.arnAnnotations},
   * by default {@link DEFAULT_ARN_ANNOTATIONS}); `*` in an annotation matches any
   * characters.
   */
  arns?: string[];
  /**
   * Group (or user) that owns the resource when no entity claims it (for example an
   * `owner` tag): the resource then counts against that team's ownership coverage.
   */
  ownerRef?: string;
}

/**
 * When the backend holds back a provider's result that shrank, as a sign the
 * provider lost data rather than the resources going away:
 * - `default`: when it is below `securityPosture.scan.quarantine.minRatio` (half)
 *   of the last accepted one, for an entity or for a whole listing, an empty one
 *   included — right for inventories (clusters, accounts, files), which do not
 *   shrink by half from one scan to the next;
 * - `when-empty`: only when it drops to nothing (a scanner that restarted and has
 *   not reported yet), while a result that only shrank is applied;
 * - `never`: every result is applied — for findings imported from other scanners,
 *   which shrink legitimately when people fix things, from providers that report
 *   missing inputs as `incomplete` or by throwing.
 *
 * A quarantined result is accepted once it has been seen
 * `securityPosture.scan.quarantine.releaseAfterScans` scans in a row.
 * @public
 */
export type QuarantinePolicy = 'default' | 'when-empty' | 'never';

/**
 * A resource listed by a provider, with where it might belong.
 * @public
 */
export interface ListedResource {
  resource: Resource;
  hints: OwnershipHints;
}

/**
 * A source of resources: manifest files, a live cluster, a cloud account, another
 * scanner's findings.
 *
 * A provider implements either or both styles:
 * - {@link SecurityPostureResourceProvider.getEntityResources}: the backend asks,
 *   entity by entity, which resources an entity owns (the provider reads the
 *   entity's annotations);
 * - {@link SecurityPostureResourceProvider.listResources}: the provider lists every
 *   resource it sees with {@link OwnershipHints}; the backend resolves the hints to
 *   entities and reports what no entity claims as unowned.
 *
 * Failures never lower a score. Throwing from `getEntityResources` (or returning
 * `incomplete`) fails that entity only; throwing {@link ProviderUnavailableError},
 * or throwing from `listResources`, fails the provider for the whole scan. The
 * affected entities keep their last known results, become `partial` with
 * `staleSince`, and the controls fed by {@link SecurityPostureResourceProvider.resourceTypes}
 * are `unknown` for entities that were never scanned.
 *
 * @public
 */
export interface SecurityPostureResourceProvider {
  /** Unique id, for example `manifests`, `kubernetes`, `aws`. */
  readonly id: string;
  /** Canonical resource types (`k8s.workload`, `aws.s3.bucket` …) the provider can supply. */
  readonly resourceTypes: readonly string[];
  /** How shrinking results are quarantined (see {@link QuarantinePolicy}); `default` when absent. */
  readonly quarantine?: QuarantinePolicy;
  /**
   * The entity annotations its listed resources' {@link OwnershipHints.arns} are
   * matched against; {@link DEFAULT_ARN_ANNOTATIONS} when absent.
   */
  readonly arnAnnotations?: readonly string[];
  /**
   * Whether the provider has anything to say about an entity (usually: the entity
   * carries its annotation). Entities no provider applies to are reported as
   * never scanned. When absent, every entity is asked.
   */
  appliesTo?(entity: Entity): boolean;
  /**
   * The resources an entity owns; `undefined` when the provider has nothing for it.
   */
  getEntityResources?(
    entity: Entity,
    context: ResourceProviderContext,
  ): Promise<EntityResourcesResult | undefined>;
  /**
   * Every resource the provider sees, in batches, with ownership hints.
   *
   * Called once per scan interval: with several shards, the first shard task of an
   * interval lists the provider, and the other shards — on this replica or
   * another — read that listing from the database rather than calling the
   * provider again (see the backend README). A requested scan lists afresh.
   */
  listResources?(
    context: ResourceProviderContext,
  ): AsyncIterable<ListedResource[]>;
}

/**
 * Thrown by a provider when it cannot work at all (credentials rejected, endpoint
 * down): every entity it applies to keeps its last results and becomes partial, and
 * the provider is not called again in this scan.
 * @public
 */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}
