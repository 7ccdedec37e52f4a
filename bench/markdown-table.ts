/** A Markdown table with padded columns, so it reads the same in a terminal as rendered. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string {
  const widths = header.map((title, column) => Math.max(title.length, 3, ...rows.map((row) => (row[column] ?? '').length)));
  const cell = (text: string, column: number): string => (rightAligned.includes(column) ? text.padStart(widths[column]!) : text.padEnd(widths[column]!));
  const line = (cells: readonly string[]): string => `| ${cells.map((text, column) => cell(text, column)).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (rightAligned.includes(column) ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
