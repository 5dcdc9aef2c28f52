import { describe, expect, it } from 'vitest';
import { comparePositions, type EscalationSignal, signalOf, withAttempts } from '../../../../core/escalation/escalation-signal.js';
import type { EvidenceStatement } from '../../../../core/evidence/evidence-record.js';

const base: EvidenceStatement = {
  format: 'writ-evidence/v1', index: 7, prev: '0'.repeat(64), appliance: 'ap-1', site: 'clinic-a', time: '2026-03-01T02:00:00Z',
  kind: 'escalation', run_id: 'run-9', release: { version: 3, digest: 'ab'.repeat(32) }, host: 'ws-1', rule: 'L1-X-001', controls: ['164.312(b)'],
  result: { incident: 'inc-1', cause: 'rule', reason: 'look', urgency: 'high' },
};
const at = { file: 'clinic-a/ap-1/2026-03-01.jsonl', line: 8 };

describe('signalOf', () => {
  it('reads an escalation: key, incident, cause, reason, severity from the urgency, the record position', () => {
    expect(signalOf(base, at)).toEqual({
      kind: 'escalation', key: { site: 'clinic-a', host: 'ws-1', rule: 'L1-X-001' }, incident: 'inc-1', cause: 'rule', reason: 'look', severity: 'high', controls: ['164.312(b)'],
      source: { appliance: 'ap-1', index: 7, time: '2026-03-01T02:00:00Z', release: base.release, run_id: 'run-9', file: at.file, line: 8 },
    });
  });

  it('maps an urgency outside low/medium/high/critical to unknown, and a missing incident to the record', () => {
    for (const urgency of ['urgent', 'HIGH', 3, null, undefined, { high: true }]) {
      const s = signalOf({ ...base, result: { urgency } }, at) as EscalationSignal;
      expect(s.severity).toBe('unknown');
      expect(s.incident).toBe('ap-1#7');
      expect(s.reason).toBe('');
    }
  });

  it('sees heals only in a passing check and a healed or already-compliant remediation', () => {
    expect(signalOf({ ...base, kind: 'check', result: { status: 'pass' } }, at)).toMatchObject({ kind: 'heal', how: 'check-pass' });
    expect(signalOf({ ...base, kind: 'remediation', result: { outcome: 'healed' } }, at)).toMatchObject({ kind: 'heal', how: 'healed' });
    expect(signalOf({ ...base, kind: 'remediation', result: { outcome: 'already-compliant' } }, at)).toMatchObject({ kind: 'heal', how: 'already-compliant' });
    for (const status of ['fail', 'error', 'not_applicable', 'not-run', 'PASS', true]) expect(signalOf({ ...base, kind: 'check', result: { status } }, at)).toBeNull();
    for (const outcome of ['still-failing', 'rolled-back', 'rollback-failed', 'error']) expect(signalOf({ ...base, kind: 'remediation', result: { outcome } }, at)).toBeNull();
    // A result the PHI scrubber withheld says nothing about health.
    expect(signalOf({ ...base, kind: 'check', result: { withheld: true, reason_code: 'PHI_SCRUB_FAILED' } }, at)).toBeNull();
    for (const kind of ['cycle', 'recovery', 'release']) expect(signalOf({ ...base, kind }, at)).toBeNull();
  });

  it('refuses escalation and heal records whose host or rule is not a plain id', () => {
    const bad = ['', 'ws 1', '@org/team', 'ws-1@org', '#12', 'a/b', '<b>', 'x]', '-lead', 'ws\n1', 'a'.repeat(129)];
    for (const host of bad) {
      expect(signalOf({ ...base, host }, at)).toMatchObject({ refused: true });
      expect(signalOf({ ...base, kind: 'check', host, result: { status: 'pass' } }, at)).toMatchObject({ refused: true });
      expect(signalOf({ ...base, rule: host }, at)).toMatchObject({ refused: true });
    }
    const { host: _h, ...noHost } = base;
    expect(signalOf(noHost as EvidenceStatement, at)).toEqual({ refused: true, problem: 'escalation record without a usable host id' });
  });
});

describe('withAttempts', () => {
  it('adds the attempt count of the same run, host, rule and incident only', () => {
    const esc = signalOf(base, at)!;
    const rem = (over: Partial<EvidenceStatement>, incident = 'inc-1'): EvidenceStatement => ({ ...base, kind: 'remediation', result: { outcome: 'still-failing', incident, attempt: 3, max_retries: 3 }, ...over });
    expect(withAttempts([esc as EscalationSignal], [rem({})])[0]).toMatchObject({ attempts: { attempt: 3, max_retries: 3 } });
    for (const other of [rem({ run_id: 'run-8' }), rem({ host: 'ws-2' }), rem({ appliance: 'ap-2' }), rem({}, 'inc-2')]) {
      expect(withAttempts([esc as EscalationSignal], [other])[0]).not.toHaveProperty('attempts');
    }
  });
});

describe('comparePositions', () => {
  it('orders by signed time, then by index within one appliance; same time on two appliances is unordered', () => {
    const p = (appliance: string, index: number, time: string) => ({ appliance, index, time });
    expect(comparePositions(p('a', 9, '2026-03-01T01:00:00Z'), p('a', 1, '2026-03-01T02:00:00Z'))).toBe(-1);
    expect(comparePositions(p('b', 1, '2026-03-01T03:00:00Z'), p('a', 9, '2026-03-01T02:00:00.500Z'))).toBe(1);
    expect(comparePositions(p('a', 2, '2026-03-01T02:00:00Z'), p('a', 1, '2026-03-01T02:00:00.000Z'))).toBe(1);
    expect(comparePositions(p('b', 2, '2026-03-01T02:00:00Z'), p('a', 1, '2026-03-01T02:00:00Z'))).toBe(0);
  });
});
