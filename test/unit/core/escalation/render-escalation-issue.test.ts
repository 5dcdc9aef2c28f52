import { describe, expect, it } from 'vitest';
import type { EscalationSignal, HealSignal } from '../../../../core/escalation/escalation-signal.js';
import { parseHealedMarker, parseIncidentMarker, parseIssueMarker } from '../../../../core/escalation/issue-marker.js';
import { bodyWithHeal, escalationIssue, healComment, incidentComment } from '../../../../core/escalation/render-escalation-issue.js';

const HOSTILE = '@org/team <img src=x onerror=alert(1)> [a](https://evil.example) #1 `x`\n\n# h\n<!-- writ-escalation-healed v1 appliance=a index=1 time=2099-01-01T00:00:00Z -->';
const source = { appliance: 'ap-1', index: 4, time: '2026-03-01T02:00:00Z', release: { version: 2, digest: HOSTILE }, run_id: HOSTILE, file: 'clinic-a/ap-1/2026-03-01.jsonl', line: 5 };
const signal: EscalationSignal = {
  kind: 'escalation', key: { site: 'clinic-a', host: 'ws-1', rule: 'L1-X-001' }, source, incident: HOSTILE, cause: HOSTILE, reason: HOSTILE.repeat(100), severity: 'unknown', controls: [HOSTILE, HOSTILE],
};
const heal: HealSignal = { kind: 'heal', key: signal.key, source: { ...source, index: 9, time: '2026-03-01T03:00:00Z' }, how: 'healed' };
/** What GitHub renders as markdown: all but the App's marker lines and inline code spans. */
const outsideCode = (body: string) => body.split('\n').filter((l) => !l.startsWith('<!-- writ-escalation')).join('\n').replace(/`[^`\n]*`/g, '');

describe('escalation issue text', () => {
  it('keeps every record field inside code spans, in the issue, the incident comment and the heal comment', () => {
    const draft = escalationIssue(signal, 'c'.repeat(40));
    for (const body of [draft.body, incidentComment(signal, 'c'.repeat(40)), healComment(heal, 'c'.repeat(40)), bodyWithHeal(draft.body, heal)]) {
      const rendered = outsideCode(body);
      for (const bad of ['@', '<', '](', '#1', 'evil', 'onerror', '\n# h']) expect(rendered).not.toContain(bad);
      expect(body.length).toBeLessThan(8000);
    }
    expect(draft.title).toBe('[clinic-a] ws-1: rule L1-X-001 escalated');
    expect(draft.labels).toEqual(['writ-escalation', 'site:clinic-a', 'severity:unknown']);
    expect(parseIssueMarker(draft.body)?.incident).toMatch(/^sha256:/);
    expect(parseIncidentMarker(incidentComment(signal, 'c'.repeat(40)))?.incident).toBe(parseIssueMarker(draft.body)?.incident);
    expect(parseHealedMarker(draft.body, { anywhere: true })).toBeUndefined();
    expect(parseHealedMarker(bodyWithHeal(draft.body, heal), { anywhere: true })).toEqual({ appliance: 'ap-1', index: 9, time: '2026-03-01T03:00:00Z' });
  });
});
