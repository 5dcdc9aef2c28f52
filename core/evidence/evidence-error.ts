import { WritError, type Recovery } from '../errors/writ-error.js';
import type { EvidenceCode } from './evidence-codes.js';

/**
 * A writer was asked to produce an evidence line the verifier would refuse (a statement outside
 * the writ-evidence/v1 shape, a line over the size cap). Thrown before anything is signed.
 */
export class EvidenceError extends WritError {
  readonly code: EvidenceCode;
  constructor(code: EvidenceCode, message: string, options: { hint: string; recovery?: Recovery; data?: Record<string, unknown>; cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
