import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Probot's own logger library (a dependency of probot), so the test can read the App's structured log.
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../app/config-from-env.js';
import { startAppServer, type AppServer } from '../../../app/server.js';
import { parseHealedMarker, parseIncidentMarker, parseIssueMarker } from '../../../core/escalation/issue-marker.js';
import type { EvidenceSigner } from '../../../core/evidence/dsse.js';
import { type ChainState, type EvidenceStatementInput, initialChainState, makeRecordLine } from '../../../core/evidence/evidence-record.js';
import { commitFiles, runGit } from '../../../testkit/git-http-server.js';
import { startGitHubStandIn, type GitHubStandIn, type StandInIssue } from '../../../testkit/github-stand-in.js';
import { miniRepo } from '../../helpers/mini-repo.js';
import { newApplianceKey } from '../../unit/core/evidence/build-chain.js';

const SECRET = 'writ-test-webhook-secret-0123456789abcdef';
const APP_ID = 4243;
const INSTALLATION = 78;
const OWNER = 'clinic-msp';
const REPO = 'policy';
const SITE = 'clinic-test';
const BRANCH = `writ/evidence/${SITE}`;
const ZERO = '0'.repeat(40);
const RELEASE = { version: 12, digest: 'ab'.repeat(32) };

type Payload = Record<string, any>;
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Payload[] }[];

const key1 = newApplianceKey();
const key2 = newApplianceKey();
const stranger = newApplianceKey();

let dir: string;
let work: string;
let gh: GitHubStandIn;
let app: AppServer;
const logs: Record<string, any>[] = [];
/** The evidence branch's files as the appliances wrote them (path → text). */
const evidence = new Map<string, string>();
let tip = ZERO;

/** One appliance's chain: signs real records with core's writer and files them by UTC date. */
class Chain {
  state: ChainState = initialChainState();
  constructor(readonly appliance: string, readonly signer: EvidenceSigner) {}
  /** Appends one record (optionally altered after signing, or signed by another key); returns its line. */
  add(input: Omit<EvidenceStatementInput, 'appliance' | 'site' | 'run_id' | 'release'> & { run_id?: string }, options: { alter?: (line: string) => string; signer?: EvidenceSigner; folder?: string } = {}): string {
    const made = makeRecordLine({ appliance: this.appliance, site: SITE, run_id: 'run-1', release: RELEASE, ...input }, this.state, options.signer ?? this.signer);
    this.state = made.chainState;
    const line = options.alter ? options.alter(made.line) : made.line;
    const path = `${SITE}/${options.folder ?? this.appliance}/${input.time.slice(0, 10)}.jsonl`;
    evidence.set(path, `${evidence.get(path) ?? ''}${line}\n`);
    return line;
  }
}
const appl1 = new Chain('test-appl-1', key1.signer);
const appl2 = new Chain('test-appl-2', key2.signer);

// Yesterday 01:00 UTC: every record of the test (up to five hours later) is in the past and in one daily file.
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 23 * 3600_000;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().replace('.000Z', 'Z');

const escalation = (host: string, rule: string, time: string, incident: string, extra: Record<string, unknown> = {}) => ({
  time, kind: 'escalation', host, rule, controls: ['164.312(a)(1)'], decision: 'escalate', reason_code: 'AGT_ESCALATED',
  result: { incident, cause: 'rule', reason: 'A person must review the lockout threshold.', urgency: 'high', ...extra },
});
const checkPass = (host: string, rule: string, time: string) => ({
  time, kind: 'check', host, rule, runbook: 'WIN-TEST-001', runbook_version: '1', decision: 'compliant',
  plan: { mode: 'enforce', severity: 'high' }, result: { status: 'pass', observed: { threshold: 5 }, message: 'ok' },
});
const checkFail = (host: string, rule: string, time: string) => ({ ...checkPass(host, rule, time), decision: 'escalate', result: { status: 'fail', observed: { threshold: 50 }, message: 'too high' } });
const healed = (host: string, rule: string, time: string, incident: string) => ({
  time, kind: 'remediation', host, rule, runbook: 'WIN-TEST-001', decision: 'remediate', result: { outcome: 'healed', incident, attempt: 2, max_retries: 3, steps: [] },
});

/** Commits the evidence files (and `extra` files) to the evidence branch; returns before and after. */
function commitEvidence(extra: Record<string, string> = {}): { before: string; after: string } {
  if (tip !== ZERO) runGit(work, ['checkout', '--quiet', BRANCH]);
  const before = tip;
  tip = commitFiles(work, { ...Object.fromEntries(evidence), ...extra }, 'evidence');
  return { before, after: tip };
}

/** A real push example payload adjusted to the test repository, installation and branch. */
function pushPayload(ref: string, before: string, after: string, deleted = false, forced = false): Payload {
  const p = structuredClone(examples.find((e) => e.name === 'push')!.examples.find((e) => e.installation && e.ref.startsWith('refs/heads/'))!);
  Object.assign(p, { ref, before, after, created: before === ZERO, deleted, forced, commits: [], head_commit: null });
  p.installation.id = INSTALLATION;
  Object.assign(p.repository, { name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: 'main' });
  p.repository.owner.login = OWNER;
  p.repository.owner.name = OWNER;
  return p;
}

async function deliver(payload: Payload, options: { id?: string } = {}): Promise<{ status: number; body: any }> {
  const raw = Buffer.from(JSON.stringify(payload));
  const headers = {
    'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': options.id ?? randomUUID(),
    'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`,
  };
  const res = await fetch(app.url, { method: 'POST', headers, body: raw });
  const answer = { status: res.status, body: await res.json() };
  await app.idle();
  return answer;
}

/** Commits the evidence and delivers the push of it. */
async function push(extra: Record<string, string> = {}): Promise<{ before: string; after: string; payload: Payload }> {
  const { before, after } = commitEvidence(extra);
  const payload = pushPayload(`refs/heads/${BRANCH}`, before, after);
  expect((await deliver(payload)).status).toBe(202);
  return { before, after, payload };
}

const issuesFor = (host: string) => gh.issues.filter((i) => parseIssueMarker(i.body)?.key.host === host && parseIssueMarker(i.body)?.key.site === SITE);
const writes = () => gh.calls.filter((c) => c.method !== 'GET' && !c.path.startsWith('/app/'));
const logged = (code: string) => logs.filter((l) => l['reason_code'] === code);
/** The body with its marker lines and inline code spans removed: what GitHub renders as markdown. */
const outsideCode = (body: string) => body.split('\n').filter((l) => !l.startsWith('<!-- writ-escalation')).join('\n').replace(/`[^`\n]*`/g, '');

function onlyOne(host: string): StandInIssue {
  const found = issuesFor(host);
  expect(found).toHaveLength(1);
  return found[0]!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'writ-app-escalation-'));
  work = join(dir, 'work');
  const files = miniRepo();
  files[`sites/${SITE}.yaml`] = (files[`sites/${SITE}.yaml`] as string)
    .replace(/signing_key: \S+/, `signing_key: ${key1.signingKey}`)
    .replace('hosts:', `  - id: test-appl-2\n    encryption_key: ${'B'.repeat(43)}\n    signing_key: ${key2.signingKey}\nhosts:`);
  commitFiles(work, files, 'policy');
  runGit(work, ['checkout', '--quiet', '--orphan', BRANCH]);
  runGit(work, ['rm', '-r', '--quiet', '--cached', '.']);
  runGit(work, ['clean', '-fdq']);

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPath = join(dir, 'app.pem');
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }));
  gh = await startGitHubStandIn({ gitDir: work, owner: OWNER, repo: REPO, appId: APP_ID, appPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, pulls: new Map() });
  const config = configFromEnv({
    APP_ID: String(APP_ID), PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: SECRET, GHE_HOST: gh.host, GHE_PROTOCOL: 'http',
    WRIT_APP_INSTALLATIONS: String(INSTALLATION), WRIT_APP_REPOSITORIES: `${OWNER}/${REPO}`,
  });
  const log = pino({ level: 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as Record<string, any>) });
  app = await startAppServer(config, { host: '127.0.0.1', port: 0, log });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await gh?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  gh.calls.length = 0;
  logs.length = 0;
});

describe('escalation records on writ/evidence/<site> become GitHub issues', () => {
  it('opens one issue for a verified escalation: labels, marker, title, the record as data', async () => {
    appl1.add(checkPass('db-01', 'L1-TEST-001', at(0)));
    appl1.add(checkFail('ws-frontdesk-01', 'L1-TEST-002', at(0)));
    appl1.add(escalation('ws-frontdesk-01', 'L1-TEST-002', at(0), 'inc-a'));
    const { after, before } = await push();
    expect(before).toBe(ZERO);
    const issue = onlyOne('ws-frontdesk-01');
    expect(issue.title).toBe('[clinic-test] ws-frontdesk-01: rule L1-TEST-002 escalated');
    expect(issue.labels).toEqual(['writ-escalation', 'site:clinic-test', 'severity:high']);
    expect(issue.state).toBe('open');
    expect(parseIssueMarker(issue.body)).toEqual({ key: { site: SITE, host: 'ws-frontdesk-01', rule: 'L1-TEST-002' }, incident: 'inc-a', at: { appliance: 'test-appl-1', index: 2, time: at(0) } });
    expect(issue.body).toContain('- Reason: `A person must review the lockout threshold.`');
    expect(issue.body).toContain('- Incident: `inc-a`');
    expect(issue.body).toContain(`version \`12\`, digest \`${RELEASE.digest}\``);
    expect(issue.body).toContain(`\`${SITE}/test-appl-1/${at(0).slice(0, 10)}.jsonl\` line \`3\` at commit \`${after}\``);
    // The site file came from the default branch; the evidence through trees and blobs at the pushed commit.
    expect(gh.calls.some((c) => c.method === 'GET' && c.path === `/repos/${OWNER}/${REPO}/contents/sites%2F${SITE}.yaml`)).toBe(true);
    expect(gh.calls.some((c) => c.path === `/repos/${OWNER}/${REPO}/git/trees/${after}?recursive=1`)).toBe(true);
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual([`POST /repos/${OWNER}/${REPO}/issues`]);
    expect(logs.find((l) => l['msg'] === 'escalation issue opened')).toMatchObject({ event: 'push', site: SITE, host: 'ws-frontdesk-01', rule: 'L1-TEST-002', issue: issue.number, severity: 'high' });
  }, 60_000);

  it('opens no second issue for the same escalation: a re-push, a replay of the whole branch, the same incident next cycle', async () => {
    const first = await push();
    expect(writes()).toEqual([]);
    // The branch pushed again from scratch (all files new): every line is read again.
    expect((await deliver(pushPayload(`refs/heads/${BRANCH}`, ZERO, first.after))).status).toBe(202);
    // A force push reads the files whole (the old ones need not be prefixes): still nothing new.
    expect((await deliver(pushPayload(`refs/heads/${BRANCH}`, first.after, first.after, false, true))).status).toBe(202);
    expect(logs.filter((l) => l['msg'] === 'evidence read').map((l) => l['files'])).toEqual([0, 1, 1]);
    appl1.add(checkFail('ws-frontdesk-01', 'L1-TEST-002', at(15)));
    appl1.add(escalation('ws-frontdesk-01', 'L1-TEST-002', at(15), 'inc-a'));
    await push();
    expect(writes()).toEqual([]);
    expect(onlyOne('ws-frontdesk-01').comments).toEqual([]);
    expect(logged('WH_ESCALATION_KNOWN').length).toBeGreaterThan(0);
  }, 60_000);

  it('comments once per new incident on the open issue, never twice', async () => {
    appl1.add(escalation('ws-frontdesk-01', 'L1-TEST-002', at(30), 'inc-b', { cause: 'retries-spent', reason: '3 remediation attempt(s) did not heal the drift' }));
    const { after } = await push();
    const issue = onlyOne('ws-frontdesk-01');
    expect(issue.comments).toHaveLength(1);
    expect(parseIncidentMarker(issue.comments[0]!.body)).toEqual({ incident: 'inc-b', at: { appliance: 'test-appl-1', index: 5, time: at(30) } });
    expect(issue.comments[0]!.body).toContain('- Cause: `retries-spent`');
    expect(logs.find((l) => l['msg'] === 'escalation issue commented: another incident')).toMatchObject({ issue: issue.number, host: 'ws-frontdesk-01' });
    gh.calls.length = 0;
    expect((await deliver(pushPayload(`refs/heads/${BRANCH}`, ZERO, after))).status).toBe(202);
    expect(writes()).toEqual([]);
    expect(onlyOne('ws-frontdesk-01').comments).toHaveLength(1);
  }, 60_000);

  it('closes the issue with a comment naming the record when a later check passes; replays change nothing', async () => {
    appl1.add(checkPass('ws-frontdesk-01', 'L1-TEST-002', at(45)));
    const { after } = await push();
    const issue = onlyOne('ws-frontdesk-01');
    expect(issue.state).toBe('closed');
    expect(issue.state_reason).toBe('completed');
    expect(issue.comments).toHaveLength(2);
    const close = issue.comments[1]!.body;
    expect(parseHealedMarker(close)).toEqual({ appliance: 'test-appl-1', index: 6, time: at(45) });
    expect(close).toContain('Healed: the rule\'s check passed. Closing.');
    expect(close).toContain(`index \`6\` of appliance \`test-appl-1\`, signed for \`${at(45)}\``);
    expect(close).toContain(`version \`12\``);
    expect(parseHealedMarker(issue.body, { anywhere: true })).toEqual({ appliance: 'test-appl-1', index: 6, time: at(45) });
    expect(logs.find((l) => l['msg'] === 'escalation issue closed: healed')).toMatchObject({ issue: issue.number, rule: 'L1-TEST-002', how: 'check-pass' });

    // The whole branch again (escalations inc-a and inc-b are older than the heal): no new issue, no comment.
    gh.calls.length = 0;
    expect((await deliver(pushPayload(`refs/heads/${BRANCH}`, ZERO, after))).status).toBe(202);
    expect(writes()).toEqual([]);
    expect(issuesFor('ws-frontdesk-01')).toHaveLength(1);

    // A drift after the heal is a new issue.
    appl1.add(escalation('ws-frontdesk-01', 'L1-TEST-002', at(60), 'inc-c'));
    await push();
    const [old, fresh] = issuesFor('ws-frontdesk-01');
    expect(old!.state).toBe('closed');
    expect(fresh!.state).toBe('open');
    expect(parseIssueMarker(fresh!.body)?.incident).toBe('inc-c');
  }, 90_000);

  it('leaves the issue open when the heal is older than the escalation; a later healed remediation closes it', async () => {
    appl2.add(escalation('ws-lab-02', 'L1-TEST-002', at(120), 'inc-lab'));
    await push();
    const issue = onlyOne('ws-lab-02');
    // Another appliance's passing check of the same host and rule, signed for an earlier time, arrives later.
    appl1.add(checkPass('ws-lab-02', 'L1-TEST-002', at(110)));
    await push();
    expect(onlyOne('ws-lab-02').state).toBe('open');
    expect(issue.comments).toEqual([]);
    expect(logged('WH_HEAL_OLDER')).toEqual([expect.objectContaining({ host: 'ws-lab-02', rule: 'L1-TEST-002', issue: issue.number, appliance: 'test-appl-1' })]);
    // Same time, other appliance: not later either.
    appl1.add(checkPass('ws-lab-02', 'L1-TEST-002', at(120)));
    await push();
    expect(onlyOne('ws-lab-02').state).toBe('open');
    appl2.add(healed('ws-lab-02', 'L1-TEST-002', at(135), 'inc-lab'));
    await push();
    expect(onlyOne('ws-lab-02').state).toBe('closed');
    expect(issue.comments.at(-1)!.body).toContain('Healed: a remediation healed the drift. Closing.');
  }, 90_000);

  it('acts on no line that fails verification: forged, altered, unknown, wrong or evidence-branch-only keys, garbage', async () => {
    const flip = (field: string, offset: number) => (l: string) => {
      const p = l.indexOf(`"${field}":"`) + field.length + 4 + offset;
      return l.slice(0, p) + (l[p] === 'A' ? 'B' : 'A') + l.slice(p + 1);
    };
    const forged = (host: string) => escalation(host, 'L1-TEST-002', at(200), `inc-${host}`);
    appl1.add(forged('bad-sig'), { alter: flip('sig', 10) });
    appl1.add(forged('bad-payload'), { alter: flip('payload', 40) });
    appl1.add(forged('bad-keyid'), { alter: (l) => l.replace(/"keyid":"[0-9a-f]{64}"/, `"keyid":"${'0'.repeat(64)}"`) });
    appl1.add(forged('unknown-key'), { signer: stranger.signer });
    appl1.add(forged('wrong-key'), { signer: key2.signer });
    appl1.add(forged('torn'), { alter: (l) => l.slice(0, 100) });
    appl1.add(forged('garbage'), { alter: () => '{"payload":"not base64!","payloadType":"x"}' });
    appl1.add(forged('spaced'), { alter: (l) => l.replace('{"payload"', '{ "payload"') });
    // An appliance and key that only the evidence branch's own copy of the site file lists.
    const evil = new Chain('evil-appl', stranger.signer);
    evil.add(forged('branch-key'));
    const branchSite = `apiVersion: writ/v1\nkind: Site\nid: ${SITE}\nappliances:\n  - id: evil-appl\n    encryption_key: ${'C'.repeat(43)}\n    signing_key: ${stranger.signingKey}\n  - id: test-appl-1\n    encryption_key: ${'C'.repeat(43)}\n    signing_key: ${stranger.signingKey}\n`;
    // And a host id that is not an id (it would carry a mention into the title).
    appl1.add(escalation('ws-1 @org/team', 'L1-TEST-002', at(200), 'inc-mention'));
    await push({ [`sites/${SITE}.yaml`]: branchSite });

    expect(writes()).toEqual([]);
    expect(gh.issues.filter((i) => /bad-|unknown-key|wrong-key|torn|garbage|spaced|branch-key|@org/.test(i.body))).toEqual([]);
    const unverified = logged('WH_EVIDENCE_UNVERIFIED').map((l) => l['evidence_code']).sort();
    expect(unverified).toEqual(['EVD_SIGNATURE_INVALID', 'EVD_SIGNATURE_INVALID', 'EVD_UNKNOWN_KEY', 'EVD_UNKNOWN_KEY', 'EVD_UNKNOWN_KEY', 'EVD_WRONG_KEY']);
    expect(logged('WH_EVIDENCE_MALFORMED').map((l) => l['evidence_code'] ?? l['message']).sort()).toEqual(['EVD_MALFORMED', 'EVD_MALFORMED', 'EVD_MALFORMED', 'escalation record without a usable host id']);
    expect(logged('WH_EVIDENCE_UNVERIFIED').every((l) => l['site'] === SITE && typeof l['file'] === 'string' && typeof l['line'] === 'number')).toBe(true);
  }, 60_000);

  it('opens one issue per host', async () => {
    appl1.add(escalation('ws-a', 'L1-TEST-002', at(240), 'inc-wa'));
    appl1.add(escalation('ws-b', 'L1-TEST-002', at(240), 'inc-wb', { urgency: 'critical' }));
    await push();
    expect(onlyOne('ws-a').labels).toContain('severity:high');
    expect(onlyOne('ws-b').labels).toContain('severity:critical');
    expect(writes().filter((c) => c.method === 'POST')).toHaveLength(2);
  }, 60_000);

  it('finds its issues on any page of the list, and only its own (a person\'s copy of a marker does not count)', async () => {
    const stamp = new Date().toISOString();
    const filler = (n: number, body: string, type: 'Bot' | 'User' = 'Bot'): StandInIssue => ({
      number: 10_000 + n, title: 'x', body, labels: ['writ-escalation'], state: 'open', user: { login: type === 'Bot' ? 'other[bot]' : 'mallory', type },
      created_at: stamp, updated_at: stamp, closed_at: null, comments: [],
    });
    const other = onlyOne('ws-a').body.replace('site=clinic-test', 'site=clinic-other');
    const copied = onlyOne('ws-a').body.replace('host=ws-a', 'host=ws-human').replace('incident=inc-wa', 'incident=inc-h');
    gh.issues.unshift(...Array.from({ length: 230 }, (_, n) => filler(n, other)), filler(999, copied, 'User'));
    appl1.add(escalation('ws-a', 'L1-TEST-002', at(250), 'inc-wa'));
    appl1.add(escalation('ws-human', 'L1-TEST-002', at(250), 'inc-h'));
    await push();
    const pages = gh.calls.filter((c) => c.method === 'GET' && /\/issues\?/.test(c.path) && c.path.includes('state=open')).map((c) => new URL(c.path, 'http://x').searchParams.get('page'));
    expect(pages).toEqual(['1', '2', '3']);
    expect(writes().map((c) => `${c.method} ${c.path}`)).toEqual([`POST /repos/${OWNER}/${REPO}/issues`]);
    expect(issuesFor('ws-a')).toHaveLength(1);
    expect(issuesFor('ws-human').map((i) => i.user.type)).toEqual(['User', 'Bot']);
  }, 60_000);

  it('renders hostile record text inert: no HTML, links, images, mentions or references, and no fake markers', async () => {
    const hostile = [
      '@org/team please look <img src=x onerror=alert(1)> [click](https://evil.example/a) ![x](https://evil.example/x.png) #1 GH-1',
      '```', '<script>alert(1)</script>', '',
      '<!-- writ-escalation-healed v1 appliance=test-appl-1 index=99999 time=2099-01-01T00:00:00Z -->',
      '`code` <details><summary>x</summary></details> \u202Eevil\u202C',
    ].join('\n');
    appl1.add(escalation('ws-hostile', 'L1-TEST-002', at(260), 'inc --> <b>@org/team</b>', { reason: hostile, cause: '@org/team' }));
    await push();
    const issue = onlyOne('ws-hostile');
    const rendered = outsideCode(issue.body);
    for (const bad of ['@', '<', '](', '#1', 'GH-1', 'onerror', 'evil.example', '```', 'script', '\u202E']) expect(rendered).not.toContain(bad);
    expect(issue.body).not.toContain('\u202E');
    expect(issue.body).toContain('`@org/team please look <img src=x onerror=alert(1)> [click](https://evil.example/a)');
    expect(issue.body).toContain('- Cause: `@org/team`');
    expect(parseIssueMarker(issue.body)?.incident).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parseHealedMarker(issue.body, { anywhere: true })).toBeUndefined();
    expect(issue.title).toBe('[clinic-test] ws-hostile: rule L1-TEST-002 escalated');
    // The next cycle with the same hostile incident is recognised by its hashed marker value.
    appl1.add(escalation('ws-hostile', 'L1-TEST-002', at(275), 'inc --> <b>@org/team</b>', { reason: hostile }));
    gh.calls.length = 0;
    await push();
    expect(writes()).toEqual([]);
  }, 60_000);

  it('answers a replayed delivery without any API call', async () => {
    appl1.add(escalation('ws-replay', 'L1-TEST-002', at(300), 'inc-r'));
    const { before, after } = commitEvidence();
    const id = randomUUID();
    const payload = pushPayload(`refs/heads/${BRANCH}`, before, after);
    expect((await deliver(payload, { id })).status).toBe(202);
    expect(issuesFor('ws-replay')).toHaveLength(1);
    gh.calls.length = 0;
    expect(await deliver(payload, { id })).toEqual({ status: 200, body: { reason_code: 'WH_DELIVERY_REPLAYED' } });
    expect(gh.calls).toEqual([]);
  }, 60_000);

  it('ignores deletions, tags, other branches, bad site names, and sites without a site file on the default branch', async () => {
    expect((await deliver(pushPayload(`refs/heads/${BRANCH}`, tip, ZERO, true))).status).toBe(202);
    expect((await deliver(pushPayload('refs/tags/writ/evidence/clinic-test', ZERO, tip))).status).toBe(202);
    expect((await deliver(pushPayload('refs/heads/main', ZERO, tip))).status).toBe(202);
    expect((await deliver(pushPayload('refs/heads/writ/evidence/Clinic_Test', ZERO, tip))).status).toBe(202);
    expect((await deliver(pushPayload('refs/heads/writ/evidence/../main', ZERO, tip))).status).toBe(202);
    // No API call for any of those (not even a token).
    expect(gh.calls).toEqual([]);
    expect(logged('WH_EVIDENCE_REF_INVALID')).toHaveLength(2);
    expect(logged('WH_EVENT_IGNORED')).toEqual([expect.objectContaining({ site: SITE })]);
    expect((await deliver(pushPayload('refs/heads/writ/evidence/clinic-nowhere', ZERO, tip))).status).toBe(202);
    expect(logged('WH_EVIDENCE_KEYS_MISSING')).toEqual([expect.objectContaining({ site: 'clinic-nowhere' })]);
    expect(gh.calls.filter((c) => !c.path.startsWith('/app/')).map((c) => c.path)).toEqual([`/repos/${OWNER}/${REPO}/contents/sites%2Fclinic-nowhere.yaml`]);
  }, 60_000);
});
