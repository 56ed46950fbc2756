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
export { refusedUrlReason, resolveInRepository } from './urls';
export type { UrlResolver } from './urls';
export type {
  CanonicalType,
  CheckDefinition,
  CheckOutcome,
  EvaluationContext,
  Resource,
  ResourceSource,
  SourceFormat,
} from '@internal/security-posture-engine';
