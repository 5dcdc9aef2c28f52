/**
 * Generates the auditor site's fixture: a small policy repository (this repo's policies, runbooks
 * and frameworks, three clinics whose appliance keys are derived from a seed) as a git repository
 * with a runbook change merged from a PR and two signed releases on `writ/releases`, and 30 days
 * of real signed evidence per clinic (core's record shapes, chain and checkpoints) with drift,
 * heals, escalations, waivers (one expired), an unreachable host, a record carrying HTML/script
 * text, a chain tail beyond the last checkpoint, and one clinic whose chain has a tampered record.
 * Fixed dates and a seeded PRNG: the evidence, the working tree and the policy commits are the
 * same bytes on every run. The release branch is not: sealing a bundle uses fresh randomness.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import git from 'isomorphic-git';
import { parseDocument } from 'yaml';
import { buildSiteBundle } from '../core/bundle/build-site-bundle.js';
import { canonicalJson } from '../core/bundle/canonical-json.js';
import { makeCheckpointLine } from '../core/evidence/checkpoint.js';
import { ed25519EvidenceSigner, type EvidenceSigner } from '../core/evidence/dsse.js';
import { type ChainState, initialChainState, makeRecordLine } from '../core/evidence/evidence-record.js';
import { cycleStatements } from '../core/engine/cycle-evidence.js';
import { type CycleReport, type HostRecord, type RuleRecord, summarizeCycle } from '../core/engine/cycle-report.js';
import { collectScripts, type RunbookScript } from '../core/lint/collect-scripts.js';
import type { SourceFile } from '../core/load/source-file.js';
import { resolveHostRules, type EffectiveRule } from '../core/policy/resolve-host-rules.js';
import { buildRelease, DEFAULT_EXPIRY, EMPTY_RELEASE_TREE } from '../core/release/build-release.js';
import { createRoot } from '../core/release/create-root.js';
import { metadataBytes, signMetadata } from '../core/release/sign-metadata.js';
import { sealSiteTargets } from '../core/release/seal-site-targets.js';
import type { Signer } from '../core/release/signer.js';
import { tufEd25519Key } from '../core/release/tuf-key.js';
import { loadRepo } from '../core/validate/load-repo.js';
import type { LoadedRepo } from '../core/validate/loaded-repo.js';
import { readReleaseBranch, writeReleaseCommit } from '../adapters/git/release-branch.js';

export interface SiteFixtureOptions {
  /** Output folder: `repo/` and `evidence/` are made in it (replaced when present). */
  out: string;
  /** This repository's root (policies/, runbooks/, frameworks/, sites/ are copied from it). */
  source: string;
  /** Derives every key and random choice (default `writ-site-fixture`). */
  seed?: string;
  /** Days of evidence from 2026-03-01 (default 30). */
  days?: number;
  /** Make the release branch (default true). */
  releases?: boolean;
}

export interface SiteFixture {
  repoDir: string;
  evidenceDir: string;
  clinics: string[];
  /** The clinic whose chain holds a tampered record, and where. */
  broken: { site: string; appliance: string; file: string; line: number };
  /** The clinic whose last day is not under a checkpoint. */
  beyondCheckpoint: string;
  /** Where the HTML/script text is: site, day, host, rule. */
  hostile: { site: string; day: string; host: string; rule: string; texts: string[] };
  /** The unreachable host episode. */
  unreachable: { site: string; host: string; days: string[] };
  records: number;
  days: string[];
  /** The fixed build time to use with the fixture. */
  now: string;
}

/** Text a hostile host could print; the site must show it as inert text. */
export const HOSTILE_TEXTS = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>'];

const START = Date.parse('2026-03-01T00:00:00Z');
const DAY_MS = 86_400_000;
const FOLDERS = ['policies', 'runbooks', 'frameworks'];
const PR_MERGE_DAY = 14;

/**
 * Writes the fixture and returns what a test needs to know about it.
 *
 * @example
 * const fx = await generateSiteFixture({ out: '/tmp/site-fixture', source: process.cwd() });
 */
export async function generateSiteFixture(options: SiteFixtureOptions): Promise<SiteFixture> {
  const seed = options.seed ?? 'writ-site-fixture';
  const dayCount = options.days ?? 30;
  const repoDir = join(options.out, 'repo');
  const evidenceDir = join(options.out, 'evidence');
  rmSync(repoDir, { recursive: true, force: true });
  rmSync(evidenceDir, { recursive: true, force: true });
  mkdirSync(repoDir, { recursive: true });
  mkdirSync(evidenceDir, { recursive: true });

  // 1. Policy files: state A (initial) and B (after PR #7 hardens LIN-SSH-001).
  const base = new Map<string, string>();
  for (const folder of FOLDERS) for (const path of listFiles(join(options.source, folder))) base.set(relative(options.source, path).split('\\').join('/'), readFileSync(path, 'utf8'));
  const keys = new Map<string, { signer: EvidenceSigner; signing: string; encryption: string }>();
  const clinics = [
    { id: 'clinic-northside', from: 'clinic-northside', name: undefined, appliance: 'northside-appl-1' },
    { id: 'clinic-riverside', from: 'clinic-riverside', name: undefined, appliance: 'riverside-appl-1' },
    { id: 'clinic-lakeside', from: 'clinic-riverside', name: 'Lakeside Family Dentistry', appliance: 'lakeside-appl-1' },
  ];
  for (const c of clinics) {
    const signKey = ed25519Private(derive(seed, `appliance/${c.appliance}/signing`));
    const encPublic = x25519Public(derive(seed, `appliance/${c.appliance}/encryption`));
    keys.set(c.id, { signer: ed25519EvidenceSigner(signKey), signing: rawPublic(signKey), encryption: encPublic });
    const doc = parseDocument(readFileSync(join(options.source, 'sites', `${c.from}.yaml`), 'utf8'));
    doc.set('id', c.id);
    if (c.name) doc.set('name', c.name);
    doc.set('appliances', [{ id: c.appliance, encryption_key: encPublic, signing_key: rawPublic(signKey) }]);
    if (c.id === 'clinic-northside') {
      const waivers = doc.get('waivers') as { add(v: unknown): void };
      waivers.add(doc.createNode({
        rule: 'L1-LIN-SVC-001', hosts: ['files-01'], owner: 'it-lead@northside-clinic.example',
        justification: 'Legacy scanner share needed until the file server migration finished on 2026-03-10.', expires: '2026-03-10', ticket: 'NS-1042',
      }));
    }
    base.set(`sites/${c.id}.yaml`, doc.toString({ lineWidth: 0 }));
  }
  const stateA = new Map(base);
  const stateB = new Map(base);
  const ssh = 'runbooks/linux/LIN-SSH-001.yaml';
  const sshText = stateB.get(ssh)!;
  const m = /^version: (\d+)\.(\d+)\.(\d+)$/m.exec(sshText);
  if (!m) throw new Error(`${ssh} has no version line`);
  stateB.set(ssh, sshText.replace(m[0], `version: ${m[1]}.${Number(m[2]) + 1}.0`));
  for (const [path, text] of [...stateB]) writeText(join(repoDir, path), text);

  // 2. Git history: the initial commit, a PR branch commit, and its merge commit.
  await git.init({ fs, dir: repoDir, defaultBranch: 'main' });
  const person = (name: string, email: string, iso: string) => ({ name, email, timestamp: Date.parse(iso) / 1000, timezoneOffset: 0 });
  const commitA = await commitFiles(repoDir, stateA, [], 'Initial policy for three clinics (#1)\n', person('Dana Reyes', 'dana@msp.example', '2026-02-20T10:00:00Z'));
  const branchCommit = await commitFiles(repoDir, stateB, [commitA], 'Harden LIN-SSH-001: also check MaxAuthTries\n', person('Sam Okafor', 'sam@msp.example', '2026-03-13T16:20:00Z'));
  const commitB = await commitFiles(repoDir, stateB, [commitA, branchCommit], 'Merge pull request #7 from msp/ssh-hardening\n\nHarden LIN-SSH-001\n', person('Dana Reyes', 'dana@msp.example', '2026-03-14T15:00:00Z'));
  await git.writeRef({ fs, dir: repoDir, ref: 'refs/heads/main', value: commitB, force: true });

  const repoA = load(stateA);
  const repoB = load(stateB);
  const digest = (r: { repo: LoadedRepo; scripts: RunbookScript[] }, site: string, commit: string) =>
    createHash('sha256').update(canonicalJson(buildSiteBundle(r.repo, r.scripts, site, { commit }))).digest('hex');

  // 3. Releases 1 (commit A) and 2 (commit B), signed with seed-derived TUF keys.
  if (options.releases !== false) {
    const signer = (role: string): Signer => {
      const k = ed25519Private(derive(seed, `tuf/${role}`));
      const pub = new Uint8Array(Buffer.from(rawPublic(k), 'base64url'));
      return { keyId: tufEd25519Key(pub).keyId, publicKey: pub, sign: (data) => new Uint8Array(sign(null, data, k)) };
    };
    const roles = { root: signer('root'), targets: signer('targets'), snapshot: signer('snapshot'), timestamp: signer('timestamp') };
    const root = signMetadata(createRoot({
      root: { keys: [roles.root.publicKey], threshold: 1 }, targets: { keys: [roles.targets.publicKey], threshold: 1 },
      snapshot: { keys: [roles.snapshot.publicKey], threshold: 1 }, timestamp: { keys: [roles.timestamp.publicKey], threshold: 1 },
    }, 1, new Date('2027-02-20T00:00:00Z')), [roles.root]);
    const roots = new Map([[1, metadataBytes(root)]]);
    const signers = { targets: [roles.targets], snapshot: [roles.snapshot], timestamp: [roles.timestamp] };
    for (const [r, commit, at] of [[repoA, commitA, '2026-02-20T12:00:00Z'], [repoB, commitB, '2026-03-14T16:00:00Z']] as const) {
      const state = await readReleaseBranch(repoDir, 'writ/releases');
      const built = buildRelease({ previous: state.head ? state.tree : EMPTY_RELEASE_TREE, roots, targets: sealSiteTargets(r.repo, r.scripts, commit), now: new Date(at), expiry: DEFAULT_EXPIRY, signers });
      await writeReleaseCommit({
        dir: repoDir, branch: 'writ/releases', parent: state.head, files: built.files, kept: new Map(built.kept.map((p) => [p, state.oids.get(p)!])),
        message: `writ release ${built.version}\n\nPolicy commit: ${commit}\n`, author: { name: 'writ release', email: 'release@writ.invalid' }, now: new Date(at),
      });
    }
  }

  // 4. Evidence.
  const days: string[] = [];
  for (let d = 0; d < dayCount; d++) days.push(new Date(START + d * DAY_MS).toISOString().slice(0, 10));
  const hostile = { site: 'clinic-northside', day: days[Math.min(4, days.length - 1)]!, host: 'ehr-db-01', rule: 'L1-LIN-SSH-001', texts: HOSTILE_TEXTS };
  const unreachable = { site: 'clinic-northside', host: 'files-01', days: days.slice(9, 12) };
  const beyondCheckpoint = 'clinic-riverside';
  let broken: SiteFixture['broken'] | undefined;
  let records = 0;
  for (const c of clinics) {
    const rand = prng(derive(seed, `scenario/${c.id}`));
    const key = keys.get(c.id)!;
    const dir = join(evidenceDir, c.id, c.appliance);
    mkdirSync(dir, { recursive: true });
    let chain: ChainState = initialChainState();
    const checkpoints: string[] = [];
    const scenario: Scenario = new Map();
    for (let d = 0; d < days.length; d++) {
      const day = days[d]!;
      const started = `${day}T08:00:00Z`;
      const afterPr = d >= PR_MERGE_DAY;
      const r = afterPr ? repoB : repoA;
      const release = afterPr ? { version: 2, digest: digest(repoB, c.id, commitB) } : { version: 1, digest: digest(repoA, c.id, commitA) };
      const site = r.repo.sites.find((s) => s.value.id === c.id)!.value;
      const hosts: HostRecord[] = site.hosts.map((h) => {
        const reachable = !(c.id === unreachable.site && h.id === unreachable.host && unreachable.days.includes(day));
        const rules = resolveHostRules(r.repo, c.id, h.id, new Date(started), r.scripts);
        return {
          host: h.id, platform: h.platform, transport: h.transport, reachable,
          ...(reachable ? {} : { reason_code: 'EXEC_UNREACHABLE', message: 'connect ETIMEDOUT' }),
          rules: rules.map((rule) => ruleRecord(rule, h.id, d, reachable, scenario, rand, {
            hostile: c.id === hostile.site && h.id === hostile.host && rule.ruleId === hostile.rule && day === hostile.day,
            stubborn: c.id !== 'clinic-northside' && h.id === STUBBORN.host && rule.ruleId === STUBBORN.rule && d === STUBBORN.day,
          })),
          skipped: [], started, duration_ms: 4000 + Math.floor(rand() * 3000),
        };
      });
      const report: CycleReport = {
        format: 'writ-cycle/v1', run_id: `${c.appliance}-${day.replace(/-/g, '')}-0800`, site: c.id, appliance: c.appliance, started, duration_ms: 30_000 + Math.floor(rand() * 20_000),
        release: { state: 'current', version: release.version, digest: release.digest, commit: afterPr ? commitB : commitA, age_seconds: 3600 },
        healing_allowed: true, maintenance_window: { open: true, window: 'nightly' }, hosts, summary: summarizeCycle(hosts),
      };
      const lines: string[] = [];
      for (const input of cycleStatements(report, c.appliance, (v) => v)) {
        const made = makeRecordLine(input, chain, key.signer);
        chain = made.chainState;
        lines.push(made.line);
      }
      records += lines.length;
      if (c.id === 'clinic-lakeside' && d === Math.min(11, days.length - 1)) {
        const at = Math.min(4, lines.length - 1);
        lines[at] = tamper(lines[at]!);
        broken = { site: c.id, appliance: c.appliance, file: `${c.id}/${c.appliance}/${day}.jsonl`, line: at + 1 };
      }
      writeFileSync(join(dir, `${day}.jsonl`), lines.map((l) => `${l}\n`).join(''));
      const lastDay = d === days.length - 1;
      if (!(lastDay && c.id === beyondCheckpoint)) {
        checkpoints.push(makeCheckpointLine({ appliance: c.appliance, site: c.id, time: `${day}T08:05:00Z` }, chain, key.signer).line);
      }
    }
    writeFileSync(join(dir, 'checkpoints.jsonl'), checkpoints.map((l) => `${l}\n`).join(''));
  }
  return {
    repoDir, evidenceDir, clinics: clinics.map((c) => c.id), broken: broken!, beyondCheckpoint, hostile, unreachable, records, days,
    now: new Date(START + days.length * DAY_MS).toISOString().replace('.000Z', 'Z'),
  };
}

type Scenario = Map<string, { since: number; attempts: number; fixOn: number; escalated: boolean; escalatedOn?: number; stubborn?: boolean }>;

/** One rule's record for one day, from the (host, rule) scenario state. */
/** A drift healing cannot fix (riverside and lakeside): retries are spent, then it is escalated. */
const STUBBORN = { host: 'dc-01', rule: 'L1-WIN-DEFENDER-001', day: 5 };

function ruleRecord(rule: EffectiveRule, host: string, d: number, reachable: boolean, scenario: Scenario, rand: () => number, force: { hostile: boolean; stubborn: boolean }): RuleRecord {
  const { hostile } = force;
  const check = { runbook: rule.checkRunbook.id, runbook_version: rule.checkRunbook.version ?? '', script_sha256: rule.scriptDigests['check'] ?? '' };
  const base = { rule: rule.ruleId, severity: rule.rule.severity, mode: rule.mode, controls: rule.controls };
  const observed = (pass: boolean) => Object.fromEntries((rule.checkRunbook.evidence_fields ?? []).slice(0, 3).map((f) => [f, pass ? 'as-required' : 'not-as-required']));
  if (!reachable) {
    return { ...base, check: { ...check, status: 'not-run', observed: {}, message: 'host not reached (EXEC_UNREACHABLE)', reason_code: 'EXEC_UNREACHABLE', duration_ms: 0 }, decision: 'not-checked', reason_code: 'AGT_HOST_UNREACHABLE' };
  }
  const k = `${host}\u0000${rule.ruleId}`;
  let s = scenario.get(k);
  if (!s && (hostile || force.stubborn || rand() < 0.05)) {
    s = { since: d, attempts: 0, fixOn: d + 1 + Math.floor(rand() * 4), escalated: false, ...(force.stubborn ? { stubborn: true } : {}) };
    scenario.set(k, s);
  }
  const pass = (): RuleRecord => ({ ...base, check: { ...check, status: 'pass', observed: observed(true), message: 'compliant', duration_ms: 200 + Math.floor(rand() * 800) }, decision: 'compliant' });
  if (rule.waiver) {
    return { ...base, check: { ...check, status: 'fail', observed: observed(false), message: 'not compliant (waived)', duration_ms: 300 }, decision: 'waived', reason_code: 'AGT_WAIVED', waiver: { owner: rule.waiver.owner, expires: rule.waiver.expires, ...(rule.waiver.ticket ? { ticket: rule.waiver.ticket } : {}) } };
  }
  if (!s) return pass();
  const message = hostile ? `sshd_config changed by ${HOSTILE_TEXTS[0]}` : 'not compliant';
  const failCheck = { ...check, status: 'fail' as const, observed: hostile ? { ...observed(false), banner: HOSTILE_TEXTS[1] } : observed(false), message, duration_ms: 300 + Math.floor(rand() * 500) };
  const incident = `inc-${host}-${rule.ruleId.toLowerCase()}-${s.since}`;
  if (rule.rule.action.type === 'escalate') {
    if (d >= s.fixOn) { scenario.delete(k); return pass(); }
    const first = !s.escalated;
    s.escalated = true;
    return { ...base, check: failCheck, decision: first ? 'escalate' : 'already-escalated', reason_code: 'AGT_ESCALATED',
      ...(first ? { escalation: { incident, cause: 'rule' as const, reason: rule.rule.action.reason, urgency: rule.rule.action.urgency ?? 'high' } } : {}) };
  }
  if (rule.mode === 'audit') {
    if (d >= s.fixOn) { scenario.delete(k); return pass(); }
    return { ...base, check: failCheck, decision: 'plan-remediate', reason_code: 'AGT_AUDIT_ONLY' };
  }
  // Enforce: heal (most of the time), or fail until the retries are spent, then escalate.
  if (s.escalated) {
    if (d >= (s.escalatedOn ?? d) + 3) { scenario.delete(k); return pass(); }
    return { ...base, check: failCheck, decision: 'already-escalated', reason_code: 'AGT_ESCALATED' };
  }
  const maxRetries = rule.rule.max_retries ?? 1;
  if (s.attempts >= maxRetries) {
    s.escalated = true;
    s.escalatedOn = d;
    return { ...base, check: failCheck, decision: 'retries-spent', reason_code: 'AGT_RETRIES_SPENT', escalation: { incident, cause: 'retries-spent', reason: `healing failed ${s.attempts} times`, urgency: 'high' } };
  }
  s.attempts++;
  const healed = !s.stubborn && (hostile || rand() < 0.7);
  const fix = rule.fixRunbook ?? rule.checkRunbook;
  const steps = [
    { step: 'remediate' as const, runbook: fix.id, script_sha256: rule.scriptDigests['remediate'] ?? check.script_sha256, state: 'ran' as const, exit_code: 0, duration_ms: 1500 + Math.floor(rand() * 4000) },
    { step: 're-check' as const, runbook: check.runbook, script_sha256: check.script_sha256, state: 'ran' as const, exit_code: 0, status: healed ? 'pass' as const : 'fail' as const, duration_ms: 400 },
  ];
  if (healed) scenario.delete(k);
  return {
    ...base, check: failCheck, decision: 'remediate',
    remediation: { runbook: fix.id, incident, attempt: s.attempts, max_retries: maxRetries, outcome: healed ? 'healed' : 'still-failing', steps },
  };
}

/** Changes one record's signed payload without re-signing it (what an attacker editing evidence does). */
function tamper(line: string): string {
  const env = JSON.parse(line) as { payload: string; payloadType: string; signatures: unknown[] };
  const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, unknown>;
  statement['decision'] = 'compliant';
  statement['result'] = { ...(statement['result'] as object), status: 'pass', message: 'compliant (edited after signing)' };
  const payload = Buffer.from(canonicalJson(statement)).toString('base64');
  if (payload === env.payload) throw new Error('tampering changed nothing');
  return JSON.stringify({ ...env, payload });
}

function load(files: ReadonlyMap<string, string>): { repo: LoadedRepo; scripts: RunbookScript[] } {
  const sources: SourceFile[] = [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, text]) => {
    const bytes = new TextEncoder().encode(text);
    return { path, bytes, size: bytes.length };
  });
  const loaded = loadRepo(sources);
  const errors = loaded.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`fixture repo does not load: ${errors[0]!.file}:${errors[0]!.line} ${errors[0]!.message}`);
  return { repo: loaded.repo, scripts: collectScripts(loaded.repo).scripts };
}

/** Writes a commit of exactly `files` (no index, no checkout) and returns its id. */
async function commitFiles(dir: string, files: ReadonlyMap<string, string>, parents: string[], message: string, who: { name: string; email: string; timestamp: number; timezoneOffset: number }): Promise<string> {
  interface Node { blobs: Map<string, string>; dirs: Map<string, Node> }
  const root: Node = { blobs: new Map(), dirs: new Map() };
  for (const [path, text] of files) {
    const parts = path.split('/');
    let node = root;
    for (const p of parts.slice(0, -1)) {
      let next = node.dirs.get(p);
      if (!next) node.dirs.set(p, (next = { blobs: new Map(), dirs: new Map() }));
      node = next;
    }
    node.blobs.set(parts[parts.length - 1]!, await git.writeBlob({ fs, dir, blob: new TextEncoder().encode(text) }));
  }
  const writeNode = async (node: Node): Promise<string> => {
    const tree: { mode: string; path: string; oid: string; type: 'blob' | 'tree' }[] = [];
    for (const [name, child] of node.dirs) tree.push({ mode: '040000', path: name, oid: await writeNode(child), type: 'tree' });
    for (const [name, oid] of node.blobs) tree.push({ mode: name.endsWith('.sh') ? '100755' : '100644', path: name, oid, type: 'blob' });
    return git.writeTree({ fs, dir, tree });
  };
  return git.writeCommit({ fs, dir, commit: { message, tree: await writeNode(root), parent: parents, author: who, committer: who } });
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function derive(seed: string, label: string): Buffer {
  return createHash('sha256').update(`${seed}/${label}`).digest();
}

function ed25519Private(seed32: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed32]), format: 'der', type: 'pkcs8' });
}

function x25519Public(seed32: Buffer): string {
  const k = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), seed32]), format: 'der', type: 'pkcs8' });
  return createPublicKey(k).export({ format: 'jwk' }).x as string;
}

function rawPublic(k: KeyObject): string {
  return createPublicKey(k).export({ format: 'jwk' }).x as string;
}

/** mulberry32 over the first 4 bytes of a derived seed. */
function prng(seed32: Buffer): () => number {
  let a = seed32.readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
