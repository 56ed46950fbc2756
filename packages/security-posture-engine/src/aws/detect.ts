import { extractAwsConfigItems } from './config/normalize';
import { isObject } from './util';

/**
 * What kind of AWS document a parsed JSON file is: `terraform show -json` output of
 * a plan or a state, AWS Config items, or none of these (undefined).
 */
export function detectAwsDocument(
  doc: unknown,
): 'terraform-plan' | 'terraform-state' | 'aws-config' | undefined {
  if (isObject(doc)) {
    if (
      'planned_values' in doc ||
      'resource_changes' in doc ||
      ('configuration' in doc && 'format_version' in doc)
    ) {
      return 'terraform-plan';
    }
    if (
      isObject(doc.values) &&
      ('root_module' in doc.values || 'outputs' in doc.values) &&
      ('format_version' in doc || 'terraform_version' in doc)
    ) {
      return 'terraform-state';
    }
  }
  const items = extractAwsConfigItems(doc);
  return items && items.length > 0 ? 'aws-config' : undefined;
}
