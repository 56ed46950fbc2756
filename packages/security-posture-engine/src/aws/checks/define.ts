import type {
  FrameworkMappings,
  Severity,
} from '@internal/backstage-plugin-security-posture-common';
import type {
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
} from '../../model/check';
import type { AwsResourceType, Resource } from '../../model/resource';
import { DEFAULT_CONTROLS } from '../../scorecard/defaultScorecard';
import { KNOWN_AFTER_APPLY, type AwsCommonAttributes } from '../types';

/** Default weight of a check inside its control, by severity. */
const WEIGHT_BY_SEVERITY: Record<Severity, number> = {
  critical: 10,
  high: 7,
  medium: 4,
  low: 2,
};

/** What a built-in AWS check declares; category, origin and weight are derived. */
export interface AwsCheckSpec<A> {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  control: string;
  weight?: number;
  appliesTo: AwsResourceType[];
  frameworks: FrameworkMappings;
  remediation: { text: string; url: string };
  evaluate(resource: Resource<A>, ctx: EvaluationContext): CheckOutcome;
}

/**
 * Declares a built-in AWS check. The category is taken from the control, so a check
 * can never disagree with the scorecard it feeds.
 */
export function defineAwsCheck<A>(spec: AwsCheckSpec<A>): CheckDefinition<A> {
  const control = DEFAULT_CONTROLS.find(c => c.id === spec.control);
  if (!control) {
    throw new Error(`check ${spec.id} feeds unknown control ${spec.control}`);
  }
  return {
    ...spec,
    category: control.category,
    weight: spec.weight ?? WEIGHT_BY_SEVERITY[spec.severity],
    origin: 'builtin',
  };
}

/** True when the canonical attribute is only known after apply (plan). */
export function isUnknown(attrs: AwsCommonAttributes, name: string): boolean {
  return attrs.unknown !== undefined && attrs.unknown.includes(name);
}

/** A string value that is set but only known after apply. */
export function isPending(value: string | undefined): boolean {
  return value === KNOWN_AFTER_APPLY;
}

const skips = new Map<string, CheckOutcome>();

/**
 * A skip with a reason, for resources a check cannot judge (unknown at plan time,
 * not recorded by the source). Outcomes are shared per reason, so skipping
 * allocates nothing either.
 */
export function skip(reason: string): CheckOutcome {
  let outcome = skips.get(reason);
  if (!outcome) {
    outcome = Object.freeze({ status: 'skip' as const, reason });
    skips.set(reason, outcome);
  }
  return outcome;
}
