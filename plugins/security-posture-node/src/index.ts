/**
 * Node.js library of the Security Posture plugin: the extension points backend
 * modules use to add resource providers and checks, their interfaces, and the
 * catalog annotations the plugin reads.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './providers';
export * from './checks';
export * from './extensions';
export type {
  CanonicalType,
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
  Resource,
  ResourceSource,
  SourceFormat,
} from '@internal/security-posture-engine';
