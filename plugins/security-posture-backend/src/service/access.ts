import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  securityPostureEntityReadPermission,
  securityPostureScanCreatePermission,
} from '@internal/backstage-plugin-security-posture-common';
import { chunk } from '../database/util';

const BATCH = 250;

/**
 * Applies the permission policy to posture data. `security-posture.entity.read`
 * is a resource permission on `catalog-entity`: for a single entity the
 * permission framework evaluates conditional decisions (such as `isEntityOwner`)
 * by asking the catalog about that entity; lists ask the same way for every item,
 * in batches, unless the policy allows or denies unconditionally.
 */
export class PostureAccess {
  constructor(private readonly permissions: PermissionsService) {}

  /** Throws NotAllowedError unless the caller may read the entity's posture. */
  async assertCanRead(credentials: BackstageCredentials, entityRef: string) {
    const [decision] = await this.permissions.authorize(
      [
        {
          permission: securityPostureEntityReadPermission,
          resourceRef: entityRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to read the security posture of ${entityRef}`,
      );
    }
  }

  /** Whether the policy lets the caller read every entity's posture. */
  async canReadAll(credentials: BackstageCredentials): Promise<boolean> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: securityPostureEntityReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The entity refs among `refs` the caller may read. */
  async readable(
    credentials: BackstageCredentials,
    refs: readonly string[],
  ): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission: securityPostureEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return new Set(refs);
    if (decision.result === AuthorizeResult.DENY) return new Set();
    const allowed = new Set<string>();
    for (const part of chunk([...new Set(refs)], BATCH)) {
      const decisions = await this.permissions.authorize(
        part.map(resourceRef => ({
          permission: securityPostureEntityReadPermission,
          resourceRef,
        })),
        { credentials },
      );
      decisions.forEach((d, i) => {
        if (d.result === AuthorizeResult.ALLOW) allowed.add(part[i]);
      });
    }
    return allowed;
  }

  /** Throws NotAllowedError unless the caller may trigger scans. */
  async assertCanScan(credentials: BackstageCredentials) {
    const [decision] = await this.permissions.authorize(
      [{ permission: securityPostureScanCreatePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        'You are not allowed to trigger security posture scans (security-posture.scan.create)',
      );
    }
  }
}
