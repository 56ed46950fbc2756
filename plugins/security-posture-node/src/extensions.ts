import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { CheckDefinition } from '@internal/security-posture-engine';
import type { SecurityPostureCheckSource } from './checks';
import type { SecurityPostureResourceProvider } from './providers';

/**
 * Lets backend modules add resource providers to the Security Posture backend.
 * @public
 */
export interface SecurityPostureResourceProvidersExtensionPoint {
  addResourceProvider(
    ...providers: Array<
      SecurityPostureResourceProvider | SecurityPostureResourceProvider[]
    >
  ): void;
}

/**
 * Extension point `security-posture.resource-providers`.
 *
 * @example
 * ```ts
 * createBackendModule({
 *   pluginId: 'security-posture',
 *   moduleId: 'kubernetes',
 *   register(env) {
 *     env.registerInit({
 *       deps: { providers: securityPostureResourceProvidersExtensionPoint },
 *       async init({ providers }) {
 *         providers.addResourceProvider(new MyClusterProvider());
 *       },
 *     });
 *   },
 * });
 * ```
 * @public
 */
export const securityPostureResourceProvidersExtensionPoint =
  createExtensionPoint<SecurityPostureResourceProvidersExtensionPoint>({
    id: 'security-posture.resource-providers',
  });

/**
 * Lets backend modules add checks: fixed check definitions, or sources that are
 * reloaded before each scan.
 * @public
 */
export interface SecurityPostureChecksExtensionPoint {
  /** Adds check definitions to the catalogue (ids must be unique). */
  addChecks(
    ...checks: Array<CheckDefinition | readonly CheckDefinition[]>
  ): void;
  /** Adds a source of checks reloaded before each scan. */
  addCheckSource(...sources: SecurityPostureCheckSource[]): void;
}

/**
 * Extension point `security-posture.checks`.
 * @public
 */
export const securityPostureChecksExtensionPoint =
  createExtensionPoint<SecurityPostureChecksExtensionPoint>({
    id: 'security-posture.checks',
  });
