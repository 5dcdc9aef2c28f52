/**
 * The auditor evidence site's data files: what `collectSiteData` (adapters/site/collect-site-data.ts)
 * writes into the data dir and what the site's pages read. Pages never parse policies or evidence
 * themselves; everything they show is in these files. All files are UTF-8 JSON objects carrying
 * `format: 'writ-site-data/v1'`. Host-derived text appears only as JSON string values (data, never
 * HTML): a page must render it as text.
 *
 * Data-dir layout (every path is made by {@link siteDataPath}; ids are checked safe for paths):
 *
 * ```text
 * <data>/manifest.json                      SiteManifest      every page to build, with its data file
 * <data>/fleet.json                         FleetData         all clinics: daily series, drift, heals, chains
 * <data>/releases.json                      ReleasesData      signed releases from the writ/releases branch
 * <data>/clinics/<site>.json                ClinicData        hosts × checks matrix, waivers, chains, days
 * <data>/hosts/<site>/<host>.json           HostData          one host: per-rule latest state, history, incidents
 * <data>/controls/<control-file-id>.json    ControlData       one framework control (file id: controlFileId)
 * <data>/runbooks/<runbook-id>.json         RunbookData       reviewed YAML text and its git history
 * <data>/days/<site>/<YYYY-MM-DD>.json      DayData           every record of one clinic-day (UTC)
 * <data>/packets/<site>/<YYYY-MM>.json      PacketData        monthly compliance packet
 * <data>/oscal/<site>-<YYYY-MM>.json        OSCAL assessment-results (1.0.6) for one clinic-month
 * ```
 *
 * Days are UTC calendar days (`record.time.slice(0, 10)`). Counts are of `check` records unless
 * named otherwise. A record is linked by its {@link RecordRef}; a ref carries the release and
 * runbook version that produced it so a page links to both without another lookup.
 */

/** The format tag of every data file. */
export const SITE_DATA_FORMAT = 'writ-site-data/v1';

/** How a record stands against its chain's verification (core/evidence/verify-chain.ts). */
export type VerificationState =
  /** Chain-valid and under a signed checkpoint whose Merkle root matches (index ≤ verifiedThrough). */
  | 'verified'
  /** Chain-valid (signed, linked, in order) but after the last matching checkpoint. */
  | 'beyond-checkpoint'
  /** At or after the first chain error (tampered, missing, forked, out of order…), or unverifiable. */
  | 'broken';

/**
 * What one host × rule showed in its latest (or a given) check:
 * - `compliant`: the check passed;
 * - `healed`: it failed and a remediation healed it in the same cycle;
 * - `drift`: it failed and is not (yet) healed (planned, deferred, healing failed, superseded);
 * - `escalated`: it failed and was escalated to a person (escalate, already-escalated, retries-spent);
 * - `waived`: it failed under an active waiver;
 * - `error`: the check could not give a result;
 * - `unreachable`: the host was not reached, the check did not run (never compliant);
 * - `not-applicable`: the check does not apply to the host.
 */
export type CellStatus = 'compliant' | 'healed' | 'drift' | 'escalated' | 'waived' | 'error' | 'unreachable' | 'not-applicable';

/** All cell statuses, in display order. */
export const CELL_STATUSES: readonly CellStatus[] = ['compliant', 'healed', 'drift', 'escalated', 'waived', 'error', 'unreachable', 'not-applicable'];

/** A release as a record names it. */
export interface ReleaseRef {
  version: number;
  digest: string;
}

/** A runbook version as a record names it (the script digest is what ran). */
export interface RunbookRef {
  id: string;
  version?: string;
  digest?: string;
}

/**
 * Points at one evidence record: its page is `days/<site>/<day>.json`, its anchor
 * `<appliance>-<index>` ({@link recordAnchor}). `release` and `runbook` say what produced it.
 */
export interface RecordRef {
  site: string;
  appliance: string;
  index: number;
  /** UTC day of the record (`YYYY-MM-DD`): which day file holds it. */
  day: string;
  /** The record's time; null for a line that could not be believed (its content is not shown). */
  time: string | null;
  release: ReleaseRef | null;
  runbook?: RunbookRef;
  verification: VerificationState;
}

/** Check outcomes counted over a day, month or period. `checks` = sum of the status counts. */
export interface StatusCounts {
  checks: number;
  compliant: number;
  healed: number;
  drift: number;
  escalated: number;
  waived: number;
  error: number;
  unreachable: number;
  'not-applicable': number;
}

/** One day of one clinic in a series (for SVG charts). */
export interface DayPoint {
  day: string;
  counts: StatusCounts;
  /** (compliant + healed) / (checks − not-applicable), 0..1; null when nothing applicable ran. */
  compliance: number | null;
  /** Remediation records that healed, this day. */
  heals: number;
  /** Escalation records, this day. */
  escalations: number;
  /** Evidence records of any kind, this day. */
  records: number;
}

/**
 * Time from an incident's first failing check to the record that shows it resolved (a heal by the
 * agent, or a later passing check after a person fixed it in audit mode), over the incidents
 * resolved in a period, in seconds. Not the same count as `heals` (remediation records that healed).
 */
export interface TimeToHeal {
  /** Incidents resolved in the period (however they were resolved). */
  resolved: number;
  median_seconds: number | null;
  p90_seconds: number | null;
}

/** The first chain problem, where it is. */
export interface ChainBreak {
  code: string;
  message: string;
  index?: number;
  file?: string;
  line?: number;
}

/** One appliance's chain, as verified. */
export interface ChainStatus {
  appliance: string;
  /** `ok`: no error (a tail beyond the last checkpoint is still ok); `broken`: at least one error. */
  status: 'ok' | 'broken';
  records: number;
  /** Last verified index (−1 for none). */
  verified_through: number;
  chain_valid_through: number;
  checkpointed_through: number;
  /** Records chain-valid but after the last checkpoint. */
  beyond_checkpoint: number;
  checkpoint: { tree_size: number; time: string; file: string; line: number } | null;
  /** The first error, or null. */
  broken_at: ChainBreak | null;
  /** Every problem the verifier reported (errors and warnings), in index order. */
  problems: (ChainBreak & { severity: string })[];
}

/**
 * A waiver: from the site file at the built commit (`site-file`, with its justification), or named
 * by waived check records only (`evidence`: a waiver since removed from the site file).
 */
export interface WaiverView {
  site: string;
  rule: string;
  /** Hosts it covers; absent = every host of the site. */
  hosts?: string[];
  owner: string;
  /** Last day it applies (YYYY-MM-DD, in the site's time zone). */
  expires: string;
  /** The justification (site-file waivers). */
  reason?: string;
  ticket?: string;
  /** As of the build time in the site's time zone. */
  state: 'active' | 'expired';
  source: 'site-file' | 'evidence';
  /** Waived check records that name it (all time). */
  waived_checks: number;
}

/** Clinic summary on the fleet page. */
export interface FleetClinic {
  site: string;
  name: string;
  hosts: number;
  rules: number;
  /** Per UTC day with evidence, oldest first. */
  series: DayPoint[];
  /** Host × rule cells whose latest status is drift. */
  open_drift: number;
  /** … whose latest status is escalated. */
  open_escalations: number;
  /** … whose latest status is error or unreachable (not known to be compliant). */
  open_errors: number;
  heals: number;
  escalations: number;
  time_to_heal: TimeToHeal;
  chain: { status: 'ok' | 'broken'; appliances: ChainStatus[] };
  first_day: string | null;
  last_day: string | null;
  /** Latest compliance (last day's), or null. */
  compliance: number | null;
}

/** `fleet.json`. */
export interface FleetData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  clinics: FleetClinic[];
  totals: { clinics: number; hosts: number; records: number; heals: number; escalations: number; broken_chains: number; time_to_heal: TimeToHeal };
}

/** One cell of the hosts × checks matrix: the latest check of that host and rule. */
export interface LatestCell {
  host: string;
  rule: string;
  status: CellStatus;
  decision: string;
  time: string;
  reason_code?: string;
  ref: RecordRef;
}

/** `clinics/<site>.json`. */
export interface ClinicData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  site: string;
  name: string;
  description?: string;
  timezone: string;
  mode?: string;
  hosts: { id: string; platform: string; tags: string[]; ring?: number }[];
  rules: { id: string; title: string; severity?: string; mode: string; controls: string[] }[];
  /** Latest cell per host × rule that has evidence. */
  matrix: LatestCell[];
  /** Per day, counts (same as the fleet series). */
  history: DayPoint[];
  waivers: WaiverView[];
  chains: ChainStatus[];
  /** UTC days with evidence (day files exist for each), oldest first. */
  days: string[];
  /** Months with a packet (`YYYY-MM`). */
  months: string[];
  time_to_heal: TimeToHeal;
}

/** A drift incident of one host × rule: from the first failing check to healed, escalated or still open. */
export interface IncidentView {
  site: string;
  host: string;
  rule: string;
  opened: string;
  /** `healed`: a remediation healed it or a later check passed; `escalated`: handed to a person; `open`. */
  state: 'healed' | 'escalated' | 'open';
  closed?: string;
  /** Seconds from opened to healed (healed incidents only). */
  time_to_heal_seconds?: number;
  opened_ref: RecordRef;
  closed_ref?: RecordRef;
  escalation?: { reason?: string; urgency?: string; ref: RecordRef };
}

/** `hosts/<site>/<host>.json`. */
export interface HostData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  site: string;
  host: string;
  platform: string;
  tags: string[];
  latest: LatestCell[];
  /** Per rule, per day: the day's worst status (for a strip chart); days oldest first. */
  history: { rule: string; days: { day: string; status: CellStatus; checks: number }[] }[];
  incidents: IncidentView[];
}

/** `controls/<control-file-id>.json`. */
export interface ControlData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  /** Qualified id, e.g. `hipaa:164.312(b)`. */
  id: string;
  file_id: string;
  framework: string;
  title: string;
  safeguard?: string;
  parent?: string;
  runbooks: string[];
  rules: string[];
  evidence: { records: number; counts: StatusCounts };
  clinics: { site: string; status: 'met' | 'not-met' | 'exception' | 'no-evidence'; counts: StatusCounts; failing: { host: string; rule: string; status: CellStatus }[] }[];
  exceptions: WaiverView[];
}

/** One commit that touched a runbook's files. */
export interface RunbookCommit {
  commit: string;
  author: string;
  date: string;
  /** First line of the message. */
  subject: string;
  /** Pull request number when the (merge) commit message names one (`Merge pull request #12`, `(#12)`). */
  pr?: number;
}

/** `runbooks/<id>.json`. */
export interface RunbookData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  id: string;
  name: string;
  version?: string;
  platform?: string;
  severity?: string;
  controls: string[];
  /** Repository path of the YAML file. */
  path: string;
  /** The reviewed YAML text, as committed. */
  text: string;
  /** Script files next to it: repository path and text. */
  scripts: { path: string; text: string; sha256: string }[];
  rules: string[];
  /** Newest first. Empty when the repo has no git history. */
  history: RunbookCommit[];
  /** Check records that ran it, per version seen in evidence. */
  evidence: { version: string; digest?: string; checks: number; first: string; last: string }[];
}

/**
 * One signed release (`releases.json`). A record's `release: {version, digest}` names the version
 * and its site's bundle digest (`bundles[].digest`).
 */
export interface ReleaseView {
  version: number;
  /** SHA-256 (hex) of the signed targets metadata file. */
  digest: string;
  /** keyids of the signatures on the targets metadata. */
  signers: string[];
  /** Whether those signatures meet the targets threshold of the root metadata in the same release commit. */
  signatures_valid: boolean;
  expires: string;
  /** The policy commit the release was built from (the bundles' recorded commit). */
  source_commit?: string;
  /** When it was made (the release branch commit's time, ISO UTC). */
  time: string;
  /** Release branch commit that added it. */
  release_commit: string;
  /** Per site: the bundle digest records carry, and the policy commit. */
  bundles: { site: string; digest: string; commit?: string }[];
}

/** `releases.json`. */
export interface ReleasesData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  /** The branch read, or null when the repo has none. */
  branch: string | null;
  releases: ReleaseView[];
}

/** One record of a day file. `detail` is the record's scrubbed content as data (never HTML). */
export interface DayRecord {
  ref: RecordRef;
  /** Anchor id of the record on the day page ({@link recordAnchor}). */
  anchor: string;
  kind: string;
  run_id: string;
  host?: string;
  rule?: string;
  controls?: string[];
  decision?: string;
  reason_code?: string;
  /** For check records: the cell status; for remediation: the outcome; for escalation: `escalated`. */
  status?: string;
  /** The record's plan, result, timing, recovery and data, exactly as signed (scrubbed by the agent). */
  detail: Record<string, unknown>;
  /** For a line whose signature or shape did not verify (kind `unverifiable`): why; nothing of its payload is shown. */
  problem?: { code: string; message: string; file: string; line: number };
}

/** `days/<site>/<YYYY-MM-DD>.json`. */
export interface DayData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  site: string;
  day: string;
  point: DayPoint;
  /** Per appliance: how many of the day's records are in each verification state. */
  verification: { appliance: string; verified: number; 'beyond-checkpoint': number; broken: number }[];
  /** Records in (appliance, index) order. */
  records: DayRecord[];
}

/** `packets/<site>/<YYYY-MM>.json`: what an auditor asks for a clinic-month. */
export interface PacketData {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  site: string;
  name: string;
  month: string;
  summary: { days: number; hosts: number; rules: number; counts: StatusCounts; compliance: number | null; heals: number; escalations: number; time_to_heal: TimeToHeal };
  controls: { id: string; title: string; status: 'met' | 'not-met' | 'exception' | 'no-evidence'; counts: StatusCounts }[];
  incidents: { healed: IncidentView[]; escalated: IncidentView[]; open: IncidentView[] };
  /** Host × rule cells whose last check of the month was not compliant (drift, escalated, error, unreachable), with the record. */
  failing: { host: string; rule: string; status: CellStatus; controls: string[]; ref: RecordRef }[];
  exceptions: WaiverView[];
  evidence: { records: number; by_kind: Record<string, number>; by_verification: Record<VerificationState, number>; chains: ChainStatus[] };
  days: string[];
  /** Data-dir path of the OSCAL assessment-results for this clinic-month. */
  oscal: string;
}

/** One page to build, with the data file it reads. */
export interface ManifestPage {
  kind: 'fleet' | 'releases' | 'clinic' | 'host' | 'control' | 'runbook' | 'day' | 'packet';
  /** Data-dir path of its JSON file. */
  data: string;
  site?: string;
  host?: string;
  id?: string;
  day?: string;
  month?: string;
}

/** `manifest.json`. */
export interface SiteManifest {
  format: typeof SITE_DATA_FORMAT;
  generated_at: string;
  clinics: string[];
  pages: ManifestPage[];
  /** Data-dir paths of the OSCAL files. */
  oscal: string[];
  summary: { clinics: number; hosts: number; days: number; records: number; pages: number; broken_chains: number };
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whether an id can name a file under the data dir (no separators, no dot-dot, no leading dot). */
export function isSafeFileId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

/**
 * The file id of a control: lower case, runs of other characters as one dash.
 *
 * @example
 * controlFileId('hipaa:164.312(a)(2)(iv)'); // 'hipaa-164.312-a-2-iv'
 */
export function controlFileId(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/\.{2,}/g, '.').replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * The anchor of a record on its day page.
 *
 * @example
 * recordAnchor({ appliance: 'northside-appl-1', index: 42 }); // 'r-northside-appl-1-42'
 */
export function recordAnchor(ref: { appliance: string; index: number }): string {
  return `r-${ref.appliance}-${ref.index}`;
}

/** What a data-dir path is for. */
export type SiteDataFile =
  | { kind: 'manifest' } | { kind: 'fleet' } | { kind: 'releases' }
  | { kind: 'clinic'; site: string } | { kind: 'host'; site: string; host: string }
  | { kind: 'control'; id: string } | { kind: 'runbook'; id: string }
  | { kind: 'day'; site: string; day: string } | { kind: 'packet'; site: string; month: string }
  | { kind: 'oscal'; site: string; month: string };

/**
 * The data-dir relative path (forward slashes) of a data file. Throws Error on an id that is not
 * safe in a path (callers check ids from input first and raise a WritError).
 *
 * @example
 * siteDataPath({ kind: 'day', site: 'clinic-northside', day: '2026-03-01' }); // 'days/clinic-northside/2026-03-01.json'
 */
export function siteDataPath(f: SiteDataFile): string {
  const safe = (...ids: string[]) => {
    for (const id of ids) if (!isSafeFileId(id)) throw new Error(`unsafe id for a data file name: ${JSON.stringify(id)}`);
  };
  switch (f.kind) {
    case 'manifest': return 'manifest.json';
    case 'fleet': return 'fleet.json';
    case 'releases': return 'releases.json';
    case 'clinic': safe(f.site); return `clinics/${f.site}.json`;
    case 'host': safe(f.site, f.host); return `hosts/${f.site}/${f.host}.json`;
    case 'control': { const id = controlFileId(f.id); safe(id); return `controls/${id}.json`; }
    case 'runbook': safe(f.id); return `runbooks/${f.id}.json`;
    case 'day': safe(f.site); if (!/^\d{4}-\d{2}-\d{2}$/.test(f.day)) throw new Error(`bad day ${JSON.stringify(f.day)}`); return `days/${f.site}/${f.day}.json`;
    case 'packet': safe(f.site); if (!/^\d{4}-\d{2}$/.test(f.month)) throw new Error(`bad month ${JSON.stringify(f.month)}`); return `packets/${f.site}/${f.month}.json`;
    case 'oscal': safe(f.site); if (!/^\d{4}-\d{2}$/.test(f.month)) throw new Error(`bad month ${JSON.stringify(f.month)}`); return `oscal/${f.site}-${f.month}.json`;
  }
}

/** Zero counts. */
export function emptyCounts(): StatusCounts {
  return { checks: 0, compliant: 0, healed: 0, drift: 0, escalated: 0, waived: 0, error: 0, unreachable: 0, 'not-applicable': 0 };
}
