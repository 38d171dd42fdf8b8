/** What the demo spent, per model: the rows of its summary table. */
import type { FamilyId } from '@bedrock-embeddings/core';
import { formatCost, formatCount, formatDuration, table } from './format.js';

/** One call's figures. `tokens` / `costUsd` undefined: not reported or no price known. */
export interface CallFigures {
  inputs: number;
  requests: number;
  tokens: number | undefined;
  costUsd: number | undefined;
  ms: number;
}

interface Row {
  model: string;
  family: FamilyId;
  inputs: number;
  requests: number;
  /** Undefined as soon as one call did not report its tokens: a partial sum would mislead. */
  tokens: number | undefined;
  costUsd: number | undefined;
  ms: number;
}

/** Sums the calls of each model, in the order models are first seen. */
export class Ledger {
  private readonly rows = new Map<string, Row>();

  /** Adds one call of `model` (as given to the client) to its row. */
  record(model: string, family: FamilyId, call: CallFigures): void {
    const row = this.rows.get(model);
    if (row === undefined) {
      this.rows.set(model, { model, family, ...call });
      return;
    }
    row.inputs += call.inputs;
    row.requests += call.requests;
    row.tokens = row.tokens === undefined || call.tokens === undefined ? undefined : row.tokens + call.tokens;
    row.costUsd =
      row.costUsd === undefined || call.costUsd === undefined ? undefined : row.costUsd + call.costUsd;
    row.ms += call.ms;
  }

  /** The summary table, with a total row (its cost covers the models whose price is known). */
  render(): string[] {
    const rows = [...this.rows.values()];
    const sum = (pick: (row: Row) => number | undefined) =>
      rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
    const known = rows.filter((row) => row.costUsd !== undefined).length;
    const body = rows.map((row) => [
      row.model,
      row.family,
      formatCount(row.inputs),
      formatCount(row.requests),
      formatCount(row.tokens),
      formatCost(row.costUsd),
      formatDuration(row.ms),
    ]);
    body.push([
      'total',
      '',
      formatCount(sum((row) => row.inputs)),
      formatCount(sum((row) => row.requests)),
      formatCount(sum((row) => row.tokens)),
      `${formatCost(sum((row) => row.costUsd))}${known < rows.length ? ' *' : ''}`,
      formatDuration(sum((row) => row.ms)),
    ]);
    const lines = table(['Model', 'Family', 'Inputs', 'Requests', 'Tokens', 'Est. cost', 'Time'], body, [
      'left',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
    ]);
    // The rule above the total row.
    lines.splice(lines.length - 1, 0, lines[1] ?? '');
    if (known < rows.length) lines.push('  * models without a known price (n/a) are not in the total');
    return lines;
  }
}
