/** A duration in hours as words: `40 min`, `5.5 h`, `3.0 days`; an en dash without data. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '–';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${(Math.round(hours * 10) / 10).toFixed(1)} h`;
  return `${(Math.round((hours / 24) * 10) / 10).toFixed(1)} days`;
}

/** `in 3 days`, `today`, `2 days ago` from whole days left. */
export function formatDaysLeft(daysLeft: number): string {
  if (daysLeft === 0) return 'expires today';
  if (daysLeft > 0) return `${daysLeft} day${daysLeft === 1 ? '' : 's'} left`;
  const ago = -daysLeft;
  return `expired ${ago} day${ago === 1 ? '' : 's'} ago`;
}
