import { InputError } from '@backstage/errors';
import {
  CATEGORY_IDS,
  FINDING_SORT_KEYS,
  SEVERITIES,
  type FindingSort,
} from '@internal/backstage-plugin-security-posture-common';
import { z } from 'zod';
import { isFindingSort } from '../database/findingsSort';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

/** Route parameters naming an entity. */
export const entityParams = z.object({
  kind: z
    .string()
    .regex(KIND, 'kind must be letters, digits, "-" or "_" (at most 63)'),
  namespace: z
    .string()
    .regex(
      NAME,
      'namespace must be 1-63 letters, digits, ".", "-" or "_", starting and ending with a letter or digit',
    ),
  name: z
    .string()
    .regex(
      NAME,
      'name must be 1-63 letters, digits, ".", "-" or "_", starting and ending with a letter or digit',
    ),
});

/** Route parameters naming a team. */
export const teamParams = entityParams.omit({ kind: true });

/** A comma-separated (or repeated) query parameter restricted to known values. */
function listOf<T extends string>(values: readonly T[], what: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const items = (Array.isArray(value) ? value : [value])
        .flatMap(v => v.split(','))
        .map(v => v.trim())
        .filter(Boolean);
      for (const item of items) {
        if (!values.includes(item as T)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown ${what} ${JSON.stringify(
              item,
            )} (expected ${values.join(', ')})`,
          });
          return z.NEVER;
        }
      }
      return items as T[];
    });
}

function limit(max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      if (!/^\d+$/.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a whole number, got ${JSON.stringify(value)}`,
        });
        return z.NEVER;
      }
      const n = Number(value);
      if (n < 1 || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `must be between 1 and ${max}, got ${n}`,
        });
        return z.NEVER;
      }
      return n;
    });
}

const single = z.string().optional();

/** `sort=<key>` or `sort=-<key>` (descending), once. */
const findingSort = z
  .unknown()
  .optional()
  .transform((value, ctx): FindingSort | undefined => {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !isFindingSort(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be one of ${FINDING_SORT_KEYS.join(
          ', ',
        )}, optionally with a leading "-" for descending, got ${JSON.stringify(
          value,
        )}`,
      });
      return z.NEVER;
    }
    return value;
  });

/** `GET …/findings` */
export const findingsQuery = z
  .object({
    status: listOf(
      ['open', 'exempted', 'resolved', 'error'] as const,
      'status',
    ),
    severity: listOf(SEVERITIES, 'severity'),
    category: listOf(CATEGORY_IDS, 'category'),
    limit: limit(500, 50),
    cursor: single,
    sort: findingSort,
  })
  .strict();

function instant(what: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const ok =
        /^\d{4}-\d{2}-\d{2}$/.test(value) ||
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(
          value,
        );
      const date = new Date(value);
      if (!ok || Number.isNaN(date.getTime())) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} must be an ISO 8601 date or timestamp (2026-11-28 or 2026-11-28T10:00:00Z), got ${JSON.stringify(
            value,
          )}`,
        });
        return z.NEVER;
      }
      return date;
    });
}

/** `GET …/history` */
export const historyQuery = z
  .object({ from: instant('from'), to: instant('to') })
  .strict();

/** `GET /leaderboard` */
export const leaderboardQuery = z.object({ limit: limit(100, 20) }).strict();

/** `GET /frameworks` */
export const frameworksQuery = z
  .object({ limit: limit(500, 100), cursor: single })
  .strict();

/** `GET /ownership` */
export const ownershipQuery = z
  .object({ limit: limit(500, 100), cursor: single })
  .strict();

/** `POST /scans` */
export const scanRequestBody = z
  .object({ entityRef: z.string().min(1).max(512).optional() })
  .strict();

/** `GET /scans/:id` */
export const scanParams = z.object({
  id: z.string().uuid('scan id must be a UUID'),
});

/** Parses with a schema, turning problems into a 400 with a clear message. */
export function parse<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  where: string,
): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = result.error.issues
    .map(issue => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return `unknown ${where} ${(issue as { keys: string[] }).keys
          .map(k => JSON.stringify(k))
          .join(', ')}`;
      }
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  throw new InputError(`Invalid ${where}: ${details}`);
}

/** Opaque cursors: base64url JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Decodes a cursor, validating it with a schema. */
export function decodeCursor<T extends z.ZodTypeAny>(
  cursor: string,
  schema: T,
): z.output<T> {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const result = schema.safeParse(value);
    if (result.success) return result.data;
  } catch {
    // fall through
  }
  throw new InputError(
    'Invalid cursor: pass the nextCursor of a previous page',
  );
}
