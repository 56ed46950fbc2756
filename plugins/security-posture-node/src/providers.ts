import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Resource } from '@internal/security-posture-engine';

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
   * Group (or user) that owns the resource when no entity claims it (for example an
   * `owner` tag): the resource then counts against that team's ownership coverage.
   */
  ownerRef?: string;
}

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
   * Every resource the provider sees, in batches, with ownership hints. Called once
   * per scan run (per shard).
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
