/** Terminal output for the demo: aligned tables, a few colours (off when piped or with `NO_COLOR`). */

const useColour = process.stdout.isTTY === true && !process.env.NO_COLOR;

function paint(code: number): (text: string) => string {
  return (text) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);
}

/** Text styles. */
export const style = { bold: paint(1), dim: paint(2), red: paint(31), green: paint(32), yellow: paint(33) };

/** Display width of `text`, ignoring colour codes. */
function width(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ANSI escape character is the point.
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Column alignment: left for text, right for numbers. */
export type Align = 'left' | 'right';

/**
 * An aligned table: a header row, a rule, then the rows, each line indented by `indent` spaces.
 * Columns are separated by two spaces; `align` gives each column's alignment (default left).
 */
export function table(headers: string[], rows: string[][], align: Align[] = [], indent = 2): string[] {
  const widths = headers.map((header, i) =>
    Math.max(width(header), ...rows.map((row) => width(row[i] ?? ''))),
  );
  const line = (cells: string[]) =>
    ' '.repeat(indent) +
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = ' '.repeat(indent) + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(headers.map((header) => style.bold(header))), rule, ...rows.map(line)];
}

/** `$0.000012`, or `n/a` when the price is unknown. */
export function formatCost(usd: number | undefined): string {
  if (usd === undefined) return 'n/a';
  if (usd === 0) return '$0';
  return `$${usd < 0.01 ? usd.toPrecision(2) : usd.toFixed(4)}`;
}

/** `1,234`, or `n/a` when unknown. */
export function formatCount(value: number | undefined): string {
  return value === undefined ? 'n/a' : value.toLocaleString('en-US');
}

/** `420 ms` or `1.3 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
