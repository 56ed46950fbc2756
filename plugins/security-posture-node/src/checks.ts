import type { LoggerService } from '@backstage/backend-plugin-api';
import type { CheckDefinition } from '@internal/security-posture-engine';

/**
 * A source of checks that is (re)loaded before every scan, so edited policies apply
 * without a restart: a folder of Kyverno policies, CEL checks, a remote catalogue.
 * @public
 */
export interface SecurityPostureCheckSource {
  /** Unique id, shown in logs and errors. */
  readonly id: string;
  /**
   * Loads the checks. Throwing keeps the checks of the previous successful load
   * (and logs the error); a source that never loaded contributes nothing.
   */
  loadChecks(context: {
    logger: LoggerService;
  }): Promise<readonly CheckDefinition[]>;
}
