import { describe, expect, it } from 'vitest';
import { healedMarker, incidentMarker, issueMarker, markerValue, parseHealedMarker, parseIncidentMarker, parseIssueMarker } from '../../../../core/escalation/issue-marker.js';

const key = { site: 'clinic-a', host: 'ws-1', rule: 'L1-X-001' };
const at = { appliance: 'ap-1', index: 41, time: '2026-03-01T02:00:00Z' };

describe('issue markers', () => {
  it('round-trip through the body, incident comment and heal marker', () => {
    const body = `${issueMarker(key, 'inc-1', at)}\n### text\n`;
    expect(body.startsWith('<!-- writ-escalation v1 site=clinic-a host=ws-1 rule=L1-X-001 incident=inc-1 appliance=ap-1 index=41 time=2026-03-01T02:00:00Z -->\n')).toBe(true);
    expect(parseIssueMarker(body)).toEqual({ key, incident: 'inc-1', at });
    expect(parseIncidentMarker(`${incidentMarker('L1-X-001@ws-1@2026-03-01T02:00:00.000Z', at)}\ntext`)).toEqual({ incident: 'L1-X-001@ws-1@2026-03-01T02:00:00.000Z', at });
    expect(parseHealedMarker(`${healedMarker(at)}\nHealed.`)).toEqual(at);
    expect(parseHealedMarker(`${body}\n${healedMarker({ ...at, index: 50 })}\n`, { anywhere: true })).toEqual({ ...at, index: 50 });
  });

  it('hashes any value that could end the comment, fake a field or spoof a hash', () => {
    for (const text of ['inc -->', 'a b', 'x=y', 'a>b', '<!--', '', 'a'.repeat(129), 'inc\n1', 'sha256:abc', 'é']) {
      const v = markerValue(text);
      expect(v).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(parseIncidentMarker(incidentMarker(text, at))?.incident).toBe(v);
    }
    expect(markerValue('inc-1')).toBe('inc-1');
    expect(markerValue('a --> b')).not.toBe(markerValue('a --> c'));
  });

  it('reads markers only where the App writes them: first line, or a whole line for the heal in a body', () => {
    const marker = issueMarker(key, 'inc-1', at);
    expect(parseIssueMarker(`text\n${marker}`)).toBeUndefined();
    expect(parseIssueMarker(` ${marker}`)).toBeUndefined();
    expect(parseIncidentMarker(`x ${incidentMarker('i', at)}`)).toBeUndefined();
    expect(parseHealedMarker(`Healed.\n${healedMarker(at)}`)).toBeUndefined();
    // Inside a code span on a bullet line (how record text is rendered) it is not a marker.
    expect(parseHealedMarker(`${marker}\n- Reason: \`${healedMarker(at)}\``, { anywhere: true })).toBeUndefined();
  });

  it('rejects markers with missing or malformed fields', () => {
    const bad = [
      '<!-- writ-escalation v1 site=clinic-a host=ws-1 rule=L1-X-001 appliance=ap-1 index=41 time=2026-03-01T02:00:00Z -->',
      '<!-- writ-escalation v1 site=clinic-a host=ws-1 rule=L1-X-001 incident=i appliance=ap-1 index=-1 time=2026-03-01T02:00:00Z -->',
      '<!-- writ-escalation v1 site=clinic-a host=ws-1 rule=L1-X-001 incident=i appliance=ap-1 index=4 time=yesterday -->',
      '<!-- writ-escalation v2 site=clinic-a host=ws-1 rule=L1-X-001 incident=i appliance=ap-1 index=4 time=2026-03-01T02:00:00Z -->',
      '<!-- writ-escalation v1 site=clinic a host=ws-1 rule=L1-X-001 incident=i appliance=ap-1 index=4 time=2026-03-01T02:00:00Z -->',
      '<!-- writ-escalation v1 site=clinic-a host=ws-1 rule=L1-X-001 incident=i appliance=ap-1 index=4 time=2026-03-01T02:00:00Z',
    ];
    for (const body of bad) expect(parseIssueMarker(body)).toBeUndefined();
  });
});
