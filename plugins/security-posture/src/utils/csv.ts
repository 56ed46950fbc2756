/** One CSV field, quoted when needed (RFC 4180), with formula injection defused. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  // Spreadsheet applications evaluate cells starting with these characters.
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) {
    text = `'${text}`;
  }
  if (/[",\r\n]/.test(text)) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/** CSV text with a header row. */
export function toCsv<T>(
  rows: T[],
  columns: Array<{ header: string; value: (row: T) => unknown }>,
): string {
  const lines = [columns.map(c => csvField(c.header)).join(',')];
  for (const row of rows) {
    lines.push(columns.map(c => csvField(c.value(row))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Makes the browser download a text file. */
export function downloadText(
  filename: string,
  text: string,
  type = 'text/csv;charset=utf-8',
) {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  document.body.removeChild(anchor);
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
