import { escapeControl } from '../report/escape-control.js';
import type { ChainVerdict } from './verify-chain.js';

/** Most problems the text output lists per chain; JSON lists all. */
export const MAX_TEXT_PROBLEMS = 50;

/**
 * The one-line state of a chain: "verified through N (of M records; checkpoint at K)".
 *
 * @example
 * chainSummary(v); // 'verified through 149 (of 200 records; checkpoint at 150)'
 */
export function chainSummary(v: ChainVerdict): string {
  const through = v.verifiedThrough >= 0 ? `verified through ${v.verifiedThrough}` : 'verified through none';
  const cp = v.checkpoint ? `checkpoint at ${v.checkpoint.tree_size}` : 'no matching checkpoint';
  return `${through} (of ${v.records} record${v.records === 1 ? '' : 's'}; ${cp})`;
}

/**
 * Text report of `writ evidence verify`: per chain its state and its problems with code, index,
 * file and line; each code's hint once per chain; a closing count.
 *
 * @example
 * renderEvidenceText([verdict]);
 * // clinic-a/appl-1: verified through 199 (of 200 records; checkpoint at 200)
 */
export function renderEvidenceText(verdicts: readonly ChainVerdict[]): string {
  const out: string[] = [];
  for (const v of verdicts) {
    const errors = v.problems.filter((p) => p.severity === 'error').length;
    const state = v.ok ? '' : `FAILED (${errors} error${errors === 1 ? '' : 's'}), `;
    out.push(`${escapeControl(`${v.site}/${v.appliance}`)}: ${state}${chainSummary(v)}`);
    const hinted = new Set<string>();
    for (const p of v.problems.slice(0, MAX_TEXT_PROBLEMS)) {
      const at = [p.index !== undefined ? `index ${p.index}` : p.tree_size !== undefined ? `tree size ${p.tree_size}` : '', p.file ? `(${p.file}${p.line ? `:${p.line}` : ''})` : ''].filter(Boolean).join(' ');
      out.push(`  ${p.severity} ${p.code}${at ? ` at ${escapeControl(at)}` : ''}: ${escapeControl(p.message)}`);
      if (!hinted.has(p.code)) {
        hinted.add(p.code);
        out.push(`    hint: ${p.hint}`);
      }
    }
    if (v.problems.length > MAX_TEXT_PROBLEMS) out.push(`  … and ${v.problems.length - MAX_TEXT_PROBLEMS} more problems (--format json lists all)`);
  }
  const failed = verdicts.filter((v) => !v.ok).length;
  const records = verdicts.reduce((n, v) => n + v.records, 0);
  out.push('', failed === 0
    ? `${verdicts.length} chain${verdicts.length === 1 ? '' : 's'} verified, ${records} records, no errors.`
    : `${failed} of ${verdicts.length} chain${verdicts.length === 1 ? '' : 's'} with errors (${records} records).`);
  return out.join('\n') + '\n';
}

/**
 * JSON report of `writ evidence verify` (docs/evidence.md "JSON output").
 *
 * @example
 * JSON.parse(renderEvidenceJson([verdict])).chains[0].verified_through; // 199
 */
export function renderEvidenceJson(verdicts: readonly ChainVerdict[]): string {
  return JSON.stringify({
    format: 'writ-evidence-verify/v1',
    ok: verdicts.every((v) => v.ok),
    chains: verdicts.map((v) => ({
      site: v.site, appliance: v.appliance, ok: v.ok, records: v.records,
      verified_through: v.verifiedThrough, chain_valid_through: v.chainValidThrough, checkpointed_through: v.checkpointedThrough,
      checkpoint: v.checkpoint, signatures_checked: v.signaturesChecked, problems: v.problems,
    })),
    summary: { chains: verdicts.length, failed: verdicts.filter((v) => !v.ok).length, records: verdicts.reduce((n, v) => n + v.records, 0) },
  }, null, 2) + '\n';
}
