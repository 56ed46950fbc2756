import type { Evidence } from '@internal/backstage-plugin-security-posture-common';
import type { Resource } from '../model/resource';
import type { AttributeOrigin } from './types';

/**
 * Evidence for a field of a sub-object or list item: the origin's path plus the
 * field's name in the source (Terraform `block_public_acls`, AWS Config
 * `blockPublicAcls`), with the Terraform address of the joined resource when the
 * value came from one.
 */
export function originEvidence(
  origin: AttributeOrigin,
  field: string | undefined,
  value: unknown,
): Evidence {
  let path = origin.path;
  if (field !== undefined) {
    const name = origin.fields?.[field] ?? field;
    path = path === '' ? name : `${path}.${name}`;
  }
  const evidence: Evidence = { path, value };
  if (origin.address !== undefined) evidence.address = origin.address;
  return evidence;
}

/**
 * Evidence for a top-level attribute of a resource, at the path the normaliser
 * recorded in `resource.origins` (Terraform `publicly_accessible`, AWS Config
 * `configuration.publiclyAccessible`).
 */
export function attributeEvidence(
  resource: Resource,
  attribute: string,
  value: unknown,
): Evidence {
  return { path: resource.origins?.[attribute] ?? attribute, value };
}
