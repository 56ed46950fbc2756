/**
 * Links to Software Templates that fix findings ("Fix with template").
 */

/** Where the scaffolder is mounted in the app by default. @public */
export const DEFAULT_SCAFFOLDER_PATH = '/create';

/**
 * The app-relative link that opens a Software Template with its form prefilled:
 * `/create/templates/<namespace>/<name>?formData=<json>` (the scaffolder reads the
 * `formData` query parameter as JSON).
 * @public
 */
export function scaffolderTemplateUrl(
  templateRef: string,
  formData: Record<string, unknown>,
  scaffolderPath: string = DEFAULT_SCAFFOLDER_PATH,
): string {
  const match = /^(?:template:)?(?:([^/:]+)\/)?([^/:]+)$/i.exec(
    templateRef.trim(),
  );
  if (!match) {
    throw new Error(
      `Invalid template reference ${JSON.stringify(
        templateRef,
      )}: expected template:<namespace>/<name>`,
    );
  }
  const namespace = match[1] ?? 'default';
  const name = match[2];
  const base = scaffolderPath.replace(/\/+$/, '');
  const query = new URLSearchParams({ formData: JSON.stringify(formData) });
  return `${base}/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}?${query.toString()}`;
}
