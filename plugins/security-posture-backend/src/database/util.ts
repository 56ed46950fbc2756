import { createHash } from 'node:crypto';

/** SQLite returns timestamps as numbers or strings, PostgreSQL as Date. */
export function toDate(value: Date | string | number): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    return new Date(Number(value));
  }
  return new Date(value);
}

/** Like {@link toDate}, keeping null/undefined as null. */
export function toDateOrNull(
  value: Date | string | number | null | undefined,
): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

/** SQLite returns booleans as 0/1. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** Numbers may come back as strings (bigint ids, numeric). */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Like {@link toNumber}, keeping null/undefined as null. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Parses a JSON column, falling back when it is empty or broken. */
export function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string' || value === '') return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

/** Hex sha256 of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Splits a list into chunks. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Rounds to one decimal (percentages, deltas). */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
