import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';
import type { Site } from '../../model/generated/site.js';
import type { Entry } from '../../validate/loaded-repo.js';
import { ObjectMemo } from '../../memo/object-memo.js';

const TRANSPORT_PLATFORM: Record<string, string> = { ssh: 'linux', local: 'linux', 'powershell-ssh': 'windows', winrm: 'windows' };

/** Answers by zone name: building a DateTimeFormat costs far more than looking one up. */
const knownZones = new Map<string, boolean>();

function isTimeZone(tz: string): boolean {
  let known = knownZones.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 10_000) knownZones.set(tz, known);
  }
  return known;
}

/** A site is internally consistent: reachable hosts with pinned identities, real time zones, no repeats. */
export const siteConsistent: LintRule = {
  name: 'site-consistent',
  codes: [
    { code: 'LINT_TIMEZONE_UNKNOWN', title: 'Unknown time zone', help: 'A site or window names a time zone that is not in the IANA database.' },
    { code: 'LINT_HOST_DUPLICATE', title: 'Duplicate host', help: 'Two hosts of a site share an id.' },
    { code: 'LINT_HOST_TRANSPORT', title: 'Transport does not fit the platform', help: 'ssh and local reach Linux hosts; powershell-ssh and winrm reach Windows hosts.' },
    { code: 'LINT_HOST_ADDRESS_MISSING', title: 'Host has no address', help: 'A remote host needs an address.' },
    { code: 'LINT_HOST_KEY_MISSING', title: 'Host identity not pinned', help: 'An SSH host needs a pinned host_key; a WinRM host needs tls_cert_sha256.' },
    { code: 'LINT_HOST_CREDENTIAL_MISSING', title: 'Host has no credential reference', help: 'A remote host needs the name of a credential in the appliance store.' },
    { code: 'LINT_SITE_RULE_DUPLICATE', title: 'Rule listed twice', help: 'A site or host lists the same rule twice.' },
    { code: 'LINT_WINDOW_EMPTY', title: 'Empty maintenance window', help: 'A maintenance window starts and ends at the same time.' },
    { code: 'LINT_APPLIANCE_DUPLICATE', title: 'Duplicate appliance', help: 'Two appliances of a site share an id or a key.' },
    { code: 'LINT_APPLIANCE_NONE_ACTIVE', title: 'No active appliance', help: 'Every appliance of the site is retired, so no release can be encrypted to it.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    for (const site of repo.sites) findings.push(...siteChecks.get(site, [], () => checkSite(site)));
    return findings;
  },
};

/** The checks of one site entry: the same entry handed in again is checked once. */
const siteChecks = new ObjectMemo<Entry<Site>, Finding[]>();

function checkSite(site: Entry<Site>): Finding[] {
  const findings: Finding[] = [];
  const s = site.value;
  const add = (ptr: string, code: string, msg: string, hint: string) => findings.push(findingAtPointer(site.file, ptr, code, msg, hint));
  if (!isTimeZone(s.timezone)) add('/timezone', 'LINT_TIMEZONE_UNKNOWN', `${s.timezone} is not a known time zone`, 'Use an IANA name such as America/Chicago or Europe/Berlin.');
  (s.maintenance_windows ?? []).forEach((w, i) => {
    if (w.timezone && !isTimeZone(w.timezone)) add(`/maintenance_windows/${i}/timezone`, 'LINT_TIMEZONE_UNKNOWN', `${w.timezone} is not a known time zone`, 'Use an IANA name such as America/Chicago.');
    if (w.start === w.end) add(`/maintenance_windows/${i}/end`, 'LINT_WINDOW_EMPTY', `window ${w.name} starts and ends at ${w.start}`, 'Give the window a length; an end earlier than the start crosses midnight.');
  });
  if (s.appliances.every((a) => a.retired)) {
    add('/appliances', 'LINT_APPLIANCE_NONE_ACTIVE', `every appliance of site ${s.id} is retired`, 'Add the new appliance (writ appliance init prints its entry) before retiring the old one.');
  }
  const seenApp = new Set<string>();
  s.appliances.forEach((a, i) => {
    for (const v of [a.id, a.encryption_key, a.signing_key]) {
      if (seenApp.has(v)) add(`/appliances/${i}`, 'LINT_APPLIANCE_DUPLICATE', `appliance ${a.id} repeats an id or key of another appliance`, 'Run `writ appliance init` for each appliance; keys are never shared.');
      seenApp.add(v);
    }
  });
  const hostIds = new Set<string>();
  s.hosts.forEach((h, i) => {
    const ptr = `/hosts/${i}`;
    if (hostIds.has(h.id)) add(`${ptr}/id`, 'LINT_HOST_DUPLICATE', `host ${h.id} is listed twice`, 'Give each host its own id.');
    hostIds.add(h.id);
    if (TRANSPORT_PLATFORM[h.transport] !== h.platform) {
      add(`${ptr}/transport`, 'LINT_HOST_TRANSPORT', `transport ${h.transport} cannot reach a ${h.platform} host`,
        h.platform === 'windows' ? 'Use powershell-ssh (or winrm where the site needs it).' : 'Use ssh (or local for the appliance itself).');
    }
    if (h.transport === 'local') return;
    if (!h.address) add(ptr, 'LINT_HOST_ADDRESS_MISSING', `host ${h.id} has no address`, 'Add `address:` with its DNS name or IP address.');
    if (!h.credential) add(ptr, 'LINT_HOST_CREDENTIAL_MISSING', `host ${h.id} has no credential reference`, 'Add `credential: <name>` naming an entry of the appliance credential store.');
    if ((h.transport === 'ssh' || h.transport === 'powershell-ssh') && !h.host_key) {
      add(ptr, 'LINT_HOST_KEY_MISSING', `host ${h.id} has no pinned host_key`, 'Add `host_key:` with the line from `ssh-keyscan -t ed25519 <address>` (key type and base64), verified out of band.');
    }
    if (h.transport === 'winrm' && !h.tls_cert_sha256) {
      add(ptr, 'LINT_HOST_KEY_MISSING', `host ${h.id} has no pinned tls_cert_sha256`, 'Add the SHA-256 fingerprint of the host\'s WinRM HTTPS certificate.');
    }
    const seen = new Set<string>();
    h.rules?.forEach((r, ri) => {
      if (seen.has(r.rule)) add(`${ptr}/rules/${ri}/rule`, 'LINT_SITE_RULE_DUPLICATE', `rule ${r.rule} is listed twice for host ${h.id}`, 'Merge the two entries.');
      seen.add(r.rule);
    });
  });
  const seen = new Set<string>();
  s.rules.forEach((r, i) => {
    if (seen.has(r.rule)) add(`/rules/${i}/rule`, 'LINT_SITE_RULE_DUPLICATE', `rule ${r.rule} is listed twice`, 'Merge the two entries.');
    seen.add(r.rule);
  });
  return findings;
}
