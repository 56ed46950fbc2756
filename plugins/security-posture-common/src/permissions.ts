import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of catalog entities, so catalog conditions such as isEntityOwner apply. @public */
export const SECURITY_POSTURE_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/**
 * Reading an entity's security posture (score, findings, history). A resource permission on
 * catalog entities: policies can use catalog conditions such as `isEntityOwner`.
 * @public
 */
export const securityPostureEntityReadPermission = createPermission({
  name: 'security-posture.entity.read',
  attributes: { action: 'read' },
  resourceType: SECURITY_POSTURE_ENTITY_RESOURCE_TYPE,
});

/**
 * Triggering a scan (of everything, or of one entity).
 * @public
 */
export const securityPostureScanCreatePermission = createPermission({
  name: 'security-posture.scan.create',
  attributes: { action: 'create' },
});

/** Every permission of the plugin. @public */
export const securityPosturePermissions = [
  securityPostureEntityReadPermission,
  securityPostureScanCreatePermission,
];
