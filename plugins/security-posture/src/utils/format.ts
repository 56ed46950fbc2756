import { gradeFor } from '@internal/backstage-plugin-security-posture-common';
import type { ScoreSummary } from '@internal/backstage-plugin-security-posture-common';

/** `89.8%`, or an en dash when there is no score. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return '–';
  return `${percent.toFixed(1)}%`;
}

/** `114/127` */
export function formatFraction(score: ScoreSummary): string {
  return `${trimNumber(score.earned)}/${trimNumber(score.possible)}`;
}

/** Numbers without trailing zeros: 26, 26.5. */
export function trimNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A coverage ratio (0–1) as `83%`. */
export function formatCoverage(coverage: number | null | undefined): string {
  if (coverage === null || coverage === undefined) return '–';
  return `${Math.round(coverage * 100)}%`;
}

/** A score delta in percentage points, signed: `+2.5 pts`, `−1.0 pts`, `±0 pts`. */
export function formatDelta(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return 'no data';
  if (delta === 0) return '±0 pts';
  const sign = delta > 0 ? '+' : '−';
  return `${sign}${Math.abs(delta).toFixed(1)} pts`;
}

/** Letter grade of a score. */
export function gradeOf(score: ScoreSummary | undefined) {
  return gradeFor(score?.percent ?? null);
}

/** Date and time in the user's locale, or `never`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString();
}

/** A date in the user's locale. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString();
}

/** `3 hours ago`, `in 2 days` relative to `now`. */
export function formatRelative(
  iso: string | null | undefined,
  now = Date.now(),
): string {
  if (!iso) return 'never';
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((then - now) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 365 * 24 * 3600],
    ['month', 30 * 24 * 3600],
    ['day', 24 * 3600],
    ['hour', 3600],
    ['minute', 60],
  ];
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      return rtf.format(Math.round(seconds / size), unit);
    }
  }
  return rtf.format(seconds, 'second');
}

/** Evidence value as short text. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
