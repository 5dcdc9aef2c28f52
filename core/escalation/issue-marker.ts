import { createHash } from 'node:crypto';
import type { EscalationKey, RecordPosition } from './escalation-signal.js';

/**
 * Hidden markers that tie GitHub issues and comments to evidence records. The App finds its issues
 * by these (never by title) and derives all its state from them, so replays change nothing.
 *
 * - issue body, first line: `<!-- writ-escalation v1 site=… host=… rule=… incident=… appliance=… index=… time=… -->`
 * - comment for a further incident: `<!-- writ-escalation-incident v1 incident=… appliance=… index=… time=… -->`
 * - heal (closing comment, and appended to the body when closing): `<!-- writ-escalation-healed v1 appliance=… index=… time=… -->`
 */
export const MARKER_NAMES = ['writ-escalation', 'writ-escalation-incident', 'writ-escalation-healed'] as const;
type MarkerName = (typeof MARKER_NAMES)[number];

/** Text a marker value may hold as is: no spaces, quotes, `<`, `>`, `!` or `=`, so it can neither end the comment nor fake a field. */
const PLAIN = /^[A-Za-z0-9._:@+/-]{1,128}$/;

/**
 * A marker value for any text: the text itself when it is plain, else `sha256:` and its hash.
 *
 * @example
 * markerValue('inc-42'); // 'inc-42'
 * markerValue('x --> y'); // 'sha256:…'
 */
export function markerValue(text: string): string {
  return PLAIN.test(text) && !text.startsWith('sha256:') ? text : `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

function render(name: MarkerName, fields: [string, string][]): string {
  return `<!-- ${name} v1 ${fields.map(([k, v]) => `${k}=${markerValue(v)}`).join(' ')} -->`;
}

const positionFields = (p: RecordPosition): [string, string][] => [['appliance', p.appliance], ['index', String(p.index)], ['time', p.time]];

/** The first line of an escalation issue's body. */
export function issueMarker(key: EscalationKey, incident: string, at: RecordPosition): string {
  return render('writ-escalation', [['site', key.site], ['host', key.host], ['rule', key.rule], ['incident', incident], ...positionFields(at)]);
}

/** The first line of a comment reporting a further incident on an open issue. */
export function incidentMarker(incident: string, at: RecordPosition): string {
  return render('writ-escalation-incident', [['incident', incident], ...positionFields(at)]);
}

/** The first line of the closing comment (also appended to the body when the issue closes). */
export function healedMarker(at: RecordPosition): string {
  return render('writ-escalation-healed', positionFields(at));
}

/** An escalation issue's identity and first escalation, read from its body marker. */
export interface IssueMarker {
  key: EscalationKey;
  /** The marker value of the incident (markerValue of the record's incident). */
  incident: string;
  at: RecordPosition;
}

// A marker is a whole line; values the App renders never start a line (their whitespace is collapsed).
const MARKER = /^<!-- (writ-escalation(?:-incident|-healed)?) v1 ((?:[a-z_]+=[A-Za-z0-9._:@+/-]+ )+)-->\r?$/gm;

function fieldsOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of text.trim().split(' ')) {
    const eq = pair.indexOf('=');
    if (!out.has(pair.slice(0, eq))) out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

function positionOf(f: Map<string, string>): RecordPosition | undefined {
  const appliance = f.get('appliance');
  const index = Number(f.get('index'));
  const time = f.get('time');
  if (!appliance || !Number.isSafeInteger(index) || index < 0 || !time || Number.isNaN(Date.parse(time))) return undefined;
  return { appliance, index, time };
}

function markersIn(text: string, name: MarkerName): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  for (const m of text.matchAll(MARKER)) if (m[1] === name) out.push(fieldsOf(m[2]!));
  return out;
}

/**
 * Reads the marker an escalation issue's body starts with; undefined when the body does not start
 * with a complete one (then the issue is not one of writ's).
 *
 * @example
 * parseIssueMarker(issue.body)?.key; // { site: 'clinic-a', host: 'ws-1', rule: 'L1-X-001' }
 */
export function parseIssueMarker(body: string): IssueMarker | undefined {
  if (!body.startsWith('<!-- writ-escalation v1 ')) return undefined;
  const f = markersIn(body.slice(0, body.indexOf('-->') + 3), 'writ-escalation')[0];
  if (!f) return undefined;
  const site = f.get('site');
  const host = f.get('host');
  const rule = f.get('rule');
  const incident = f.get('incident');
  const at = positionOf(f);
  if (!site || !host || !rule || !incident || !at) return undefined;
  return { key: { site, host, rule }, incident, at };
}

/**
 * Reads the incident marker a comment starts with.
 *
 * @example
 * parseIncidentMarker(comment.body); // { incident: 'inc-2', at: { appliance, index, time } }
 */
export function parseIncidentMarker(body: string): { incident: string; at: RecordPosition } | undefined {
  if (!body.startsWith('<!-- writ-escalation-incident v1 ')) return undefined;
  const f = markersIn(body.slice(0, body.indexOf('-->') + 3), 'writ-escalation-incident')[0];
  const at = f && positionOf(f);
  const incident = f?.get('incident');
  return at && incident ? { incident, at } : undefined;
}

/**
 * Reads the heal marker a closing comment starts with, or (`anywhere`) the last one appended to an
 * issue body.
 *
 * @example
 * parseHealedMarker(issue.body, { anywhere: true })?.time;
 */
export function parseHealedMarker(body: string, options: { anywhere?: boolean } = {}): RecordPosition | undefined {
  if (!options.anywhere && !body.startsWith('<!-- writ-escalation-healed v1 ')) return undefined;
  const text = options.anywhere ? body : body.slice(0, body.indexOf('-->') + 3);
  const all = markersIn(text, 'writ-escalation-healed').map(positionOf).filter((p): p is RecordPosition => p !== undefined);
  return all.at(-1);
}
