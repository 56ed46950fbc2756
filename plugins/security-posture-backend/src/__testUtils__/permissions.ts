import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';

/** What the steered policy allows; tests change it between requests. */
export interface SteeredPolicy {
  /** Entities the caller may read: everything, nothing, or these refs. */
  read: 'all' | 'none' | Set<string>;
  /** Whether `security-posture.scan.create` is allowed. */
  scan: boolean;
}

/**
 * A permissions service the tests steer through the returned `policy`. For a
 * set of readable refs, single decisions allow exactly those, and conditional
 * ones answer what an isEntityOwner policy answers (the catalog decides per
 * entity) with `claims`.
 */
export function steeredPermissions(options: { claims?: string[] } = {}) {
  const policy: SteeredPolicy = { read: 'all', scan: true };
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(r => {
        if (r.permission.name === 'security-posture.scan.create') {
          return {
            result: policy.scan ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          };
        }
        const ref = (r as { resourceRef?: string }).resourceRef;
        const allowed =
          policy.read === 'all' ||
          (policy.read instanceof Set &&
            ref !== undefined &&
            policy.read.has(ref));
        return {
          result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
        };
      }),
    authorizeConditional: async requests =>
      requests.map((): PolicyDecision => {
        if (policy.read === 'all') return { result: AuthorizeResult.ALLOW };
        if (policy.read === 'none') return { result: AuthorizeResult.DENY };
        return {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: options.claims ?? [] },
          },
        };
      }),
  });
  return { policy, permissions };
}
