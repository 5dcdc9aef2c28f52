import type { Finding, Severity } from '../model/finding.js';
import { nodeAtPointer } from '../load/node-at-pointer.js';
import { findingAt, type ParsedFile } from '../load/parsed-file.js';

/**
 * A finding at the YAML node a JSON pointer names (the key of a mapping entry when `atKey`).
 *
 * @example
 * findingAtPointer(entry.file, '/action/runbook', 'LINT_REF_UNKNOWN_RUNBOOK', 'no runbook LIN-X-001', 'Create …');
 */
export function findingAtPointer(
  file: ParsedFile,
  pointer: string,
  code: string,
  message: string,
  hint: string,
  severity: Severity = 'error',
  atKey = false,
): Finding {
  const where = file.doc ? nodeAtPointer(file.doc, pointer) : { node: null, key: null };
  const node = atKey ? (where.key ?? where.node) : where.node;
  const range = node?.range ? ([node.range[0], node.range[1]] as [number, number]) : undefined;
  return findingAt(file, range, pointer, code, message, hint, severity);
}
