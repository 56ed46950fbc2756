import type { CheckDefinition } from '../model/check';

/** What loading policy files produced. */
export interface PolicyLoadResult {
  checks: CheckDefinition[];
  errors: Array<{ source: string; message: string }>;
}

/** Loads every policy file under a folder (or one file). */
export async function loadPolicyDirectory(
  _dir: string,
): Promise<PolicyLoadResult> {
  return { checks: [], errors: [] };
}
