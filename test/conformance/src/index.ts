/**
 * Helpers for the conformance suites; the suites themselves are the `*.test.ts` files.
 *
 * @packageDocumentation
 */
import fs from 'node:fs';
import path from 'node:path';

// The conformance data lives beside the repository, not in a package.
// eslint-disable-next-line no-restricted-syntax
const REPO_ROOT = path.resolve(__dirname, '../../..');

/**
 * Root of the shared, read-only conformance data: `$SECURITY_POSTURE_CONFORMANCE_DIR`, or
 * `../shared/conformance` from the repository root. Throws when neither exists, so a
 * missing fixture set fails the suite instead of silently passing.
 */
export function conformanceRoot(): string {
  const candidates = [
    process.env.SECURITY_POSTURE_CONFORMANCE_DIR,
    path.resolve(REPO_ROOT, '../shared/conformance'),
  ].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    if (fs.existsSync(path.join(candidate, 'README.md'))) {
      return candidate;
    }
  }
  throw new Error(
    `Conformance data not found (looked in ${candidates.join(
      ', ',
    )}); set SECURITY_POSTURE_CONFORMANCE_DIR`,
  );
}
