import { describe, expect, it } from 'vitest';
import { trustedKey, trustedKeyMap } from '../../../../core/evidence/dsse.js';
import { makeCheckpointLine, parseCheckpointLine } from '../../../../core/evidence/checkpoint.js';
import { EvidenceError } from '../../../../core/evidence/evidence-error.js';
import { ZERO_HASH, chainRoot, initialChainState, makeRecordLine, parseRecordLine, resumeChainState } from '../../../../core/evidence/evidence-record.js';
import { leafHash, merkleRoot } from '../../../../core/evidence/merkle.js';
import { lineHash, openEnvelopeLine } from '../../../../core/evidence/open-envelope-line.js';
import { envelopeLine, signEnvelope } from '../../../../core/evidence/dsse.js';
import { buildChain, newApplianceKey } from './build-chain.js';

const key = newApplianceKey();
const other = newApplianceKey();
const keys = trustedKeyMap([trustedKey('clinic-a-appl-1', key.publicRaw), trustedKey('clinic-b-appl-1', other.publicRaw)]);
const base = { appliance: 'clinic-a-appl-1', site: 'clinic-a', time: '2026-03-01T02:00:00Z', kind: 'check', run_id: 'run-1', release: { version: 3, digest: 'ab'.repeat(32) } } as const;

describe('evidence records', () => {
  it('chains records: index from 0, prev = SHA-256 of the previous line, 64 zeros first', () => {
    const a = makeRecordLine(base, initialChainState(), key.signer);
    const b = makeRecordLine({ ...base, host: 'ws-1', rule: 'L1-LIN-SSH-001' }, a.chainState, key.signer);
    expect(a.statement).toMatchObject({ format: 'writ-evidence/v1', index: 0, prev: ZERO_HASH });
    expect(b.statement).toMatchObject({ index: 1, prev: lineHash(a.line) });
    expect(b.chainState).toMatchObject({ nextIndex: 2, prevHash: lineHash(b.line) });
    expect(chainRoot(b.chainState)).toBe(merkleRoot([leafHash(a.line), leafHash(b.line)]).toString('hex'));
    expect(resumeChainState([a.line, b.line])).toEqual(b.chainState);
  });

  it('writes one canonical DSSE envelope per line and reads it back after verifying', () => {
    const { line, statement } = makeRecordLine({ ...base, data: { note: 'x' } }, initialChainState(), key.signer);
    expect(line).toMatch(/^\{"payload":"[A-Za-z0-9+/=]+","payloadType":"application\/vnd\.writ\.evidence\+json","signatures":\[\{"keyid":"[0-9a-f]{64}","sig":"[A-Za-z0-9+/=]{88}"\}\]\}$/);
    expect(parseRecordLine(line, keys, { appliance: 'clinic-a-appl-1' })).toEqual({ ok: true, statement, keyid: key.signer.keyid });
  });

  it('refuses, before signing, a statement the verifier would refuse', () => {
    expect(() => makeRecordLine({ ...base, time: '2026-03-01 02:00' }, initialChainState(), key.signer)).toThrow(EvidenceError);
    expect(() => makeRecordLine({ ...base, extra: 1 } as never, initialChainState(), key.signer)).toThrow(/unknown field "extra"/);
    expect(() => makeRecordLine({ ...base, kind: 'recovery' }, initialChainState(), key.signer)).toThrow(/recovery/);
    expect(() => makeRecordLine({ ...base, data: { big: 'x'.repeat(1024 * 1024) } }, initialChainState(), key.signer)).toThrow(/line cap/);
  });

  it('refuses a wrong key, a bad signature and a malformed line with their codes', () => {
    const { line } = makeRecordLine(base, initialChainState(), key.signer);
    const foreign = makeRecordLine(base, initialChainState(), other.signer).line;
    expect(parseRecordLine(foreign, keys, { appliance: 'clinic-a-appl-1' })).toMatchObject({ ok: false, code: 'EVD_WRONG_KEY' });
    expect(parseRecordLine(line, trustedKeyMap([trustedKey('clinic-b-appl-1', other.publicRaw)]))).toMatchObject({ ok: false, code: 'EVD_UNKNOWN_KEY' });
    const sigAt = line.indexOf('"sig":"') + 10;
    const flipped = line.slice(0, sigAt) + (line[sigAt] === 'A' ? 'B' : 'A') + line.slice(sigAt + 1);
    expect(parseRecordLine(flipped, keys)).toMatchObject({ ok: false, code: 'EVD_SIGNATURE_INVALID' });
    expect(parseRecordLine(line.slice(0, -5), keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED' });
    expect(parseRecordLine(line.replace('{"payload"', '{ "payload"'), keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED', message: expect.stringContaining('canonical') });
    expect(parseRecordLine('', keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED', message: 'empty line' });
  });

  it('checks the signature before it parses the payload', () => {
    // A payload that is not JSON at all, under a bogus signature: the refusal is the signature.
    const junk = Buffer.from('not json').toString('base64');
    const line = `{"payload":"${junk}","payloadType":"application/vnd.writ.evidence+json","signatures":[{"keyid":"${key.signer.keyid}","sig":"${'A'.repeat(86)}=="}]}`;
    expect(parseRecordLine(line, keys)).toMatchObject({ ok: false, code: 'EVD_SIGNATURE_INVALID' });
  });

  it('refuses a validly signed payload that is not canonical JSON', () => {
    const payload = Buffer.from('{"b":1, "a":2}');
    const env = { payload: payload.toString('base64'), sig: Buffer.from(key.signer.sign(Buffer.concat([Buffer.from(`DSSEv1 34 application/vnd.writ.evidence+json ${payload.length} `), payload]))).toString('base64') };
    const line = `{"payload":"${env.payload}","payloadType":"application/vnd.writ.evidence+json","signatures":[{"keyid":"${key.signer.keyid}","sig":"${env.sig}"}]}`;
    expect(parseRecordLine(line, keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED', message: expect.stringContaining('canonical JSON') });
  });

  it('signs checkpoints over the chain state\'s Merkle root', () => {
    const chain = buildChain({ count: 5, signer: key.signer });
    const { line, checkpoint } = makeCheckpointLine({ appliance: chain.appliance, site: chain.site, time: '2026-03-01T01:00:00Z' }, chain.states[5]!, key.signer);
    expect(checkpoint).toEqual({ format: 'writ-checkpoint/v1', appliance: 'clinic-a-appl-1', site: 'clinic-a', tree_size: 5, root_hash: merkleRoot(chain.lines.map((l) => leafHash(l))).toString('hex'), time: '2026-03-01T01:00:00Z' });
    expect(parseCheckpointLine(line, keys, { appliance: 'clinic-a-appl-1' })).toEqual({ ok: true, checkpoint, keyid: key.signer.keyid });
    expect(parseRecordLine(line, keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED', message: expect.stringContaining('payloadType') });
  });

  it('accepts canonical JSON JavaScript would reorder, and refuses non-canonical base64', () => {
    const line = (text: string) => envelopeLine(signEnvelope('t', Buffer.from(text), key.signer));
    expect(openEnvelopeLine(line('{"10":1,"9":2}'), 't', keys)).toMatchObject({ ok: true, value: { 9: 2, 10: 1 } });
    expect(openEnvelopeLine(line('{"9":2,"10":1}'), 't', keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED' });
    expect(openEnvelopeLine(line('{"a":1,"a":2}'), 't', keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED' });
    const good = line('{"a":1}'); // payload eyJhIjoxfQ== : 'Q' before '==' has zero low bits
    expect(good).toContain('"payload":"eyJhIjoxfQ=="');
    expect(openEnvelopeLine(good.replace('eyJhIjoxfQ==', 'eyJhIjoxfR=='), 't', keys)).toMatchObject({ ok: false, code: 'EVD_MALFORMED', message: 'payload is not canonical base64' });
  });
});
