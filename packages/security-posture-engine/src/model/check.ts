import type {
  CheckMetadata,
  Evidence,
} from '@internal/backstage-plugin-security-posture-common';
import type { CanonicalType, Resource } from './resource';

/** What a check says about one resource. */
export type CheckOutcome =
  | { status: 'pass' }
  | { status: 'skip'; reason?: string }
  | { status: 'fail'; message: string; evidence: Evidence[] };

/** Read access to the other resources of the set being evaluated (the entity's resources). */
export interface ResourceIndex {
  all(): readonly Resource[];
  ofType<A = unknown>(type: CanonicalType): readonly Resource<A>[];
  /** Resources of a type in a Kubernetes namespace. */
  inNamespace<A = unknown>(
    type: CanonicalType,
    namespace: string | undefined,
  ): readonly Resource<A>[];
  byUid(uid: string): Resource | undefined;
}

export interface EvaluationContext {
  resources: ResourceIndex;
  /** Evaluation time (exemption expiry, credential age). */
  now: Date;
}

/** A check: metadata plus a pure, fast evaluation function. */
export interface CheckDefinition<A = any> extends CheckMetadata {
  appliesTo: CanonicalType[];
  /**
   * Evaluates the check on a resource whose type is in `appliesTo`. Must not throw
   * for well-formed resources; a throw is recorded as an `error` result.
   */
  evaluate(resource: Resource<A>, ctx: EvaluationContext): CheckOutcome;
}

/** The result of one check on one resource. */
export interface CheckResult {
  checkId: string;
  resourceUid: string;
  status: 'pass' | 'fail' | 'skip' | 'error';
  message?: string;
  evidence?: Evidence[];
}

/** Shared outcome objects, so passing checks allocate nothing. */
export const PASS: CheckOutcome = Object.freeze({ status: 'pass' as const });
export const SKIP: CheckOutcome = Object.freeze({ status: 'skip' as const });

export function fail(message: string, ...evidence: Evidence[]): CheckOutcome {
  return { status: 'fail', message, evidence };
}
