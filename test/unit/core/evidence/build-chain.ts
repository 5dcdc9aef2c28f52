import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EvidenceSigner, ed25519EvidenceSigner } from '../../../../core/evidence/dsse.js';
import { makeCheckpointLine } from '../../../../core/evidence/checkpoint.js';
import { type ChainState, type EvidenceStatement, initialChainState, makeRecordLine } from '../../../../core/evidence/evidence-record.js';
import type { EvidenceLine } from '../../../../core/evidence/verify-chain.js';

/** A new Ed25519 appliance key: the signer and the site-file form of its public key. */
export function newApplianceKey(): { signer: EvidenceSigner; publicRaw: Uint8Array; signingKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { signer: ed25519EvidenceSigner(privateKey), publicRaw: new Uint8Array(Buffer.from(x, 'base64url')), signingKey: x };
}

export interface BuiltChain {
  site: string;
  appliance: string;
  lines: string[];
  statements: EvidenceStatement[];
  checkpointLines: string[];
  states: ChainState[];
}

const T0 = Date.parse('2026-03-01T00:00:00Z');

/**
 * A chain of `count` records, one every 10 minutes from 2026-03-01T00:00Z (so 200 records span two
 * UTC days), with a checkpoint after each size in `checkpointsAt`. Kinds cycle through check,
 * remediation, escalation and cycle.
 */
export function buildChain(options: { count: number; signer: EvidenceSigner; checkpointsAt?: number[]; site?: string; appliance?: string }): BuiltChain {
  const site = options.site ?? 'clinic-a';
  const appliance = options.appliance ?? 'clinic-a-appl-1';
  const kinds = ['check', 'remediation', 'escalation', 'cycle'] as const;
  let state = initialChainState();
  const out: BuiltChain = { site, appliance, lines: [], statements: [], checkpointLines: [], states: [state] };
  for (let i = 0; i < options.count; i++) {
    const time = new Date(T0 + i * 600_000).toISOString();
    const kind = kinds[i % kinds.length]!;
    const r = makeRecordLine({
      appliance, site, time, kind, run_id: `run-${Math.floor(i / 4)}`, release: { version: 7, digest: 'ab'.repeat(32) },
      host: `ws-${i % 5}`, rule: 'L1-LIN-SSH-001', runbook: 'LIN-SSH-001', runbook_digest: 'cd'.repeat(32), decision: kind === 'check' ? 'compliant' : 'remediate',
      result: { status: 'pass', observed: { permit_root_login: 'no' }, message: `record ${i}` }, timing: { started: time, duration_ms: 12 },
    }, state, options.signer);
    state = r.chainState;
    out.lines.push(r.line);
    out.statements.push(r.statement);
    out.states.push(state);
    if (options.checkpointsAt?.includes(i + 1)) {
      out.checkpointLines.push(makeCheckpointLine({ appliance, site, time }, state, options.signer).line);
    }
  }
  return out;
}

/** The chain as the verifier's input lines (daily files by UTC date). */
export function asEvidenceLines(chain: { site: string; appliance: string; lines: readonly string[]; statements: readonly { time: string }[] }): EvidenceLine[] {
  const perFile = new Map<string, number>();
  return chain.lines.map((text, i) => {
    const file = `${chain.site}/${chain.appliance}/${chain.statements[i]!.time.slice(0, 10)}.jsonl`;
    const line = (perFile.get(file) ?? 0) + 1;
    perFile.set(file, line);
    return { file, line, text, terminated: true };
  });
}

export const checkpointInput = (chain: BuiltChain): EvidenceLine[] =>
  chain.checkpointLines.map((text, i) => ({ file: `${chain.site}/${chain.appliance}/checkpoints.jsonl`, line: i + 1, text, terminated: true }));

/** Writes the chain under `dir/<site>/<appliance>/` as daily files and checkpoints.jsonl. */
export function writeChain(dir: string, chain: BuiltChain): string {
  const chainDir = join(dir, chain.site, chain.appliance);
  mkdirSync(chainDir, { recursive: true });
  const files = new Map<string, string[]>();
  chain.lines.forEach((line, i) => {
    const name = `${chain.statements[i]!.time.slice(0, 10)}.jsonl`;
    files.set(name, [...(files.get(name) ?? []), line]);
  });
  for (const [name, lines] of files) writeFileSync(join(chainDir, name), lines.map((l) => `${l}\n`).join(''));
  writeFileSync(join(chainDir, 'checkpoints.jsonl'), chain.checkpointLines.map((l) => `${l}\n`).join(''));
  return chainDir;
}
