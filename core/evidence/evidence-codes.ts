import type { LintCode } from '../lint/lint-context.js';

/** How much an evidence problem counts: errors fail `writ evidence verify` (exit 1); warnings and infos do not. */
export type EvidenceSeverity = 'error' | 'warning' | 'info';

/** The EVD_ codes `writ evidence verify` reports. */
export type EvidenceCode =
  | 'EVD_MALFORMED'
  | 'EVD_SIGNATURE_INVALID'
  | 'EVD_UNKNOWN_KEY'
  | 'EVD_WRONG_KEY'
  | 'EVD_WRONG_CHAIN'
  | 'EVD_CHAIN_BROKEN'
  | 'EVD_RECORD_MISSING'
  | 'EVD_OUT_OF_ORDER'
  | 'EVD_TRUNCATED'
  | 'EVD_CHECKPOINT_MISMATCH'
  | 'EVD_FORK'
  | 'EVD_TAIL_UNCHECKPOINTED'
  | 'EVD_TORN_TAIL'
  | 'EVD_PARTIAL_RECOVERED'
  | 'EVD_QUARANTINE_UNRECORDED'
  | 'EVD_MISFILED';

/** Severity of each code; the verifier never decides it case by case. */
export const EVIDENCE_SEVERITY: Readonly<Record<EvidenceCode, EvidenceSeverity>> = {
  EVD_MALFORMED: 'error',
  EVD_SIGNATURE_INVALID: 'error',
  EVD_UNKNOWN_KEY: 'error',
  EVD_WRONG_KEY: 'error',
  EVD_WRONG_CHAIN: 'error',
  EVD_CHAIN_BROKEN: 'error',
  EVD_RECORD_MISSING: 'error',
  EVD_OUT_OF_ORDER: 'error',
  EVD_TRUNCATED: 'error',
  EVD_CHECKPOINT_MISMATCH: 'error',
  EVD_FORK: 'error',
  EVD_TAIL_UNCHECKPOINTED: 'warning',
  EVD_TORN_TAIL: 'warning',
  EVD_QUARANTINE_UNRECORDED: 'warning',
  EVD_MISFILED: 'warning',
  EVD_PARTIAL_RECOVERED: 'info',
};

/** Reason codes of evidence verification (docs/evidence.md). Listed in docs/reason-codes.md. */
export const EVIDENCE_CODES: readonly (LintCode & { code: EvidenceCode })[] = [
  { code: 'EVD_MALFORMED', title: 'Evidence line malformed', help: 'The line is not one canonical DSSE envelope with a canonical, schema-valid writ-evidence/v1 (or writ-checkpoint/v1) statement, or is longer than 1 MiB. The record at that index cannot be trusted; restore the file from the evidence branch history.' },
  { code: 'EVD_SIGNATURE_INVALID', title: 'Signature invalid', help: 'The Ed25519 signature does not verify over the line\'s payload: the record (or its signature) was changed after signing. Restore the file from the evidence branch history and find out who changed it.' },
  { code: 'EVD_UNKNOWN_KEY', title: 'Signed by an unknown key', help: 'The line\'s keyid matches no signing_key in the keys file, or the appliance has no key there. Pass the site file that lists the appliance (retired ones included); if it does, the line was re-signed by someone else.' },
  { code: 'EVD_WRONG_KEY', title: 'Signed by another appliance\'s key', help: 'The line is signed by a key the keys file lists for a different appliance: a record was moved or re-signed. Treat it as tampering.' },
  { code: 'EVD_WRONG_CHAIN', title: 'Record of another chain', help: 'The signed record names another appliance or site than the folder it is in: it was copied from another chain.' },
  { code: 'EVD_CHAIN_BROKEN', title: 'Hash chain broken', help: 'The record\'s prev is not the SHA-256 of the record before it: the record before was replaced by another validly signed one, or a different history was spliced in.' },
  { code: 'EVD_RECORD_MISSING', title: 'Record missing', help: 'The named index is absent from the chain (deleted). Restore it from the evidence branch history.' },
  { code: 'EVD_OUT_OF_ORDER', title: 'Records out of order', help: 'A record is not where its index puts it in the files (records were moved or swapped), or appears twice. Restore the files from the evidence branch history.' },
  { code: 'EVD_TRUNCATED', title: 'Evidence truncated', help: 'A signed checkpoint covers more records than the files hold: records from the named index on were removed. Restore them from the evidence branch history.' },
  { code: 'EVD_CHECKPOINT_MISMATCH', title: 'Checkpoint does not match the records', help: 'The checkpoint\'s Merkle root differs from the root of the records it covers: records under it were replaced, or the checkpoint was. Compare with the evidence branch history.' },
  { code: 'EVD_FORK', title: 'Fork: two histories signed', help: 'The appliance key signed two different histories (two checkpoints of one size with different roots, checkpoints whose trees are inconsistent, or two different records with one index). Suspect a cloned appliance, a restored backup or a stolen key; retire the key.' },
  { code: 'EVD_TAIL_UNCHECKPOINTED', title: 'Tail not under a checkpoint (warning)', help: 'The newest records are signed and chained but no checkpoint covers them yet, so removing them would go unnoticed offline. Normal between agent cycles; the next checkpoint covers them.' },
  { code: 'EVD_TORN_TAIL', title: 'Torn last line (warning)', help: 'The last line of the newest file is incomplete (the appliance stopped mid-write). The agent moves it to quarantine/ and records a recovery on its next start; it is not part of the chain.' },
  { code: 'EVD_PARTIAL_RECOVERED', title: 'Torn write recovered (info)', help: 'A recovery record says the agent found a torn line after a crash and moved it to quarantine/. Nothing was lost from the chain.' },
  { code: 'EVD_QUARANTINE_UNRECORDED', title: 'Quarantined file without a recovery record (warning)', help: 'A file in quarantine/ is named by no recovery record (the agent may have stopped between moving it and recording). Look at it; it is not part of the chain.' },
  { code: 'EVD_MISFILED', title: 'Record in the wrong daily file (warning)', help: 'The record\'s UTC date differs from its file\'s name. The chain still verifies; the writer or someone moving files put it there.' },
];
