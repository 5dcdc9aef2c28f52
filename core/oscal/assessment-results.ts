import { createHash } from 'node:crypto';
import type { PacketData, StatusCounts } from '../site/site-model.js';
import { controlFileId, recordAnchor } from '../site/site-model.js';

/** The OSCAL version the export follows (validated against NIST's 1.0.6 JSON schema in tests). */
export const OSCAL_VERSION = '1.0.6';
/** Namespace of writ's OSCAL props. */
export const WRIT_OSCAL_NS = 'urn:writ:oscal';
/** RFC 4122 URL namespace; writ's UUID namespace is the v5 UUID of `urn:writ:oscal` in it. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * A name-based (version 5, SHA-1) UUID per RFC 4122: the same namespace and name give the same
 * UUID on every build, so re-exporting a clinic-month yields an identical document.
 *
 * @example
 * uuidV5('clinic-a/2026-03', WRIT_UUID_NAMESPACE); // '…-5…-…'
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** writ's UUID namespace for OSCAL documents. */
export const WRIT_UUID_NAMESPACE = uuidV5(WRIT_OSCAL_NS, URL_NAMESPACE);

/** A framework control's title (and qualified id) for the export. */
export interface OscalControlInfo {
  id: string;
  title: string;
}

export interface AssessmentResultsInput {
  packet: PacketData;
  /** Qualified control id → info; titles of controls the packet names. */
  controls: ReadonlyMap<string, OscalControlInfo>;
  /** Site URL prefix of the pages evidence links point at (default: root-relative `/`). */
  baseHref?: string;
}

type Json = Record<string, unknown>;

/**
 * One OSCAL 1.0.6 assessment-results document for a clinic-month, from its compliance packet:
 * reviewed controls are the framework controls with evidence that month; one observation per
 * control (check counts), one per host × rule failing at month end and per escalation (each
 * with relevant-evidence links to the signed record on its day page, appliance and index as
 * props); one finding per control, `satisfied` when every check of it passed or healed,
 * `not-satisfied` otherwise (waived-only controls: not-satisfied with reason `other`). Control ids
 * become OSCAL tokens (`hipaa:164.312(b)` → `hipaa-164.312-b`) with the original in a prop.
 * UUIDs are version 5 of site, month and item, so a rebuild is byte-identical. Pure.
 *
 * @example
 * const doc = assessmentResults({ packet, controls });
 * JSON.stringify(doc); // { "assessment-results": { "uuid": …, "metadata": …, "results": [ … ] } }
 */
export function assessmentResults(input: AssessmentResultsInput): { 'assessment-results': Json } {
  const { packet } = input;
  const base = input.baseHref ?? '/';
  const id = (...parts: string[]) => uuidV5([packet.site, packet.month, ...parts].join('/'), WRIT_UUID_NAMESPACE);
  const prop = (name: string, value: string | number) => ({ name, ns: WRIT_OSCAL_NS, value: String(value) });
  const monthStart = `${packet.month}-01T00:00:00Z`;
  const lastDay = packet.days[packet.days.length - 1] ?? `${packet.month}-01`;
  const monthEnd = `${lastDay}T23:59:59Z`;
  const collected = monthEnd < packet.generated_at ? monthEnd : isoSeconds(packet.generated_at);
  const recordHref = (ref: { site: string; day: string; appliance: string; index: number }) => `${base}clinics/${ref.site}/days/${ref.day}/#${recordAnchor(ref)}`;

  const withEvidence = packet.controls.filter((c) => c.status !== 'no-evidence' && c.counts.checks > 0);
  const observations: Json[] = [];
  const findings: Json[] = [];
  const cellObs = new Map<string, string[]>();

  for (const f of packet.failing) {
    const uuid = id('failing', f.host, f.rule);
    observations.push({
      uuid, title: `${f.rule} on ${f.host}: ${f.status} at month end`,
      description: `The last check of rule ${f.rule} on host ${f.host} in ${packet.month} was ${f.status} (decision recorded in the signed evidence record).`,
      props: [prop('host', f.host), prop('rule', f.rule), prop('status', f.status)],
      methods: ['TEST'], types: ['finding'],
      'relevant-evidence': [evidence(f.ref, recordHref(f.ref), `Signed evidence record ${f.ref.appliance}#${f.ref.index} (${f.ref.verification})`, prop)],
      collected: isoSeconds(f.ref.time ?? collected),
    });
    for (const c of f.controls) cellObs.set(c, [...(cellObs.get(c) ?? []), uuid]);
  }
  for (const inc of packet.incidents.escalated) {
    const ref = inc.escalation!.ref;
    observations.push({
      uuid: id('escalation', inc.host, inc.rule, inc.opened),
      title: `${inc.rule} on ${inc.host}: escalated`,
      description: `Drift of rule ${inc.rule} on host ${inc.host}, first seen ${inc.opened}, was escalated to a person${inc.escalation?.urgency ? ` (urgency ${inc.escalation.urgency})` : ''}${inc.closed ? `; resolved ${inc.closed}` : '; still open at month end'}.`,
      props: [prop('host', inc.host), prop('rule', inc.rule), prop('incident-state', inc.state)],
      methods: ['TEST'], types: ['finding'],
      'relevant-evidence': [evidence(ref, recordHref(ref), `Signed escalation record ${ref.appliance}#${ref.index} (${ref.verification})`, prop)],
      collected: isoSeconds(ref.time ?? collected),
    });
  }
  for (const c of withEvidence) {
    const token = controlFileId(c.id);
    const obsUuid = id('control', c.id);
    observations.push({
      uuid: obsUuid, title: `${c.id}: ${c.counts.checks} checks`,
      description: `Automated checks mapped to ${c.id} (${titleOf(input, c.id)}) at ${packet.name} in ${packet.month}: ${countsText(c.counts)}.`,
      props: [prop('control', c.id), prop('checks', c.counts.checks), prop('compliant', c.counts.compliant + c.counts.healed), prop('failing', c.counts.drift + c.counts.escalated + c.counts.error + c.counts.unreachable), prop('waived', c.counts.waived)],
      methods: ['TEST'], types: ['control-objective'],
      'relevant-evidence': [{ href: `${base}clinics/${packet.site}/packet/${packet.month}/`, description: `Monthly compliance packet of ${packet.name}, ${packet.month}: every check record is linked from its day page.` }],
      collected,
    });
    const state = c.status === 'met' ? 'satisfied' : 'not-satisfied';
    findings.push({
      uuid: id('finding', c.id), title: `${c.id} ${titleOf(input, c.id)}`,
      description: c.status === 'met' ? `Every check mapped to ${c.id} passed or was healed by the last check of the month.`
        : c.status === 'exception' ? `Checks mapped to ${c.id} failed under a documented waiver (exception); see the packet's exceptions.`
          : `At least one host × rule mapped to ${c.id} was not compliant at its last check of the month.`,
      props: [prop('control', c.id)],
      target: { type: 'objective-id', 'target-id': token, status: { state, reason: c.status === 'met' ? 'pass' : c.status === 'exception' ? 'other' : 'fail' } },
      'related-observations': [obsUuid, ...(cellObs.get(c.id) ?? [])].map((u) => ({ 'observation-uuid': u })),
    });
  }

  const result: Json = {
    uuid: id('result'),
    title: `Automated assessment of ${packet.name}, ${packet.month}`,
    description: `Results of writ's continuous checks at ${packet.name} (${packet.site}) over ${packet.summary.days} days of ${packet.month}: ${countsText(packet.summary.counts)}; ${packet.summary.heals} heals, ${packet.summary.escalations} escalations.`,
    start: monthStart,
    end: monthEnd,
    props: [prop('site', packet.site), prop('month', packet.month), prop('records', packet.evidence.records), prop('records-verified', packet.evidence.by_verification.verified), prop('records-broken', packet.evidence.by_verification.broken)],
    'reviewed-controls': {
      'control-selections': [withEvidence.length > 0 ? { 'include-controls': withEvidence.map((c) => ({ 'control-id': controlFileId(c.id) })) } : { description: 'No control had evidence this month.' }],
    },
    ...(observations.length > 0 ? { observations } : {}),
    ...(findings.length > 0 ? { findings } : {}),
  };
  return {
    'assessment-results': {
      uuid: id('document'),
      metadata: {
        title: `HIPAA Security Rule assessment results: ${packet.name}, ${packet.month}`,
        'last-modified': isoSeconds(packet.generated_at),
        version: packet.month,
        'oscal-version': OSCAL_VERSION,
        props: [prop('generator', 'writ')],
      },
      'import-ap': { href: `${base}clinics/${packet.site}/`, remarks: 'writ has no separate assessment plan: the plan is the clinic\'s reviewed policy (site file, rules and runbooks) shown on this page.' },
      results: [result],
    },
  };
}

function evidence(ref: { appliance: string; index: number; verification: string }, href: string, description: string, prop: (n: string, v: string | number) => Json): Json {
  return { href, description, props: [prop('appliance', ref.appliance), prop('record-index', ref.index), prop('verification', ref.verification)] };
}

function titleOf(input: AssessmentResultsInput, id: string): string {
  return input.controls.get(id)?.title ?? id;
}

function countsText(c: StatusCounts): string {
  return `${c.checks} checks, ${c.compliant} compliant, ${c.healed} healed, ${c.drift} drift, ${c.escalated} escalated, ${c.waived} waived, ${c.error} errors, ${c.unreachable} unreachable`;
}

/** ISO time without fractional seconds (OSCAL allows them; whole seconds read better). */
function isoSeconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
