import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeHttp from 'isomorphic-git/http/node';
import type { HttpClient } from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvidenceLog } from '../../../adapters/evidence/evidence-log.js';
import { pushEvidence, type PushEvidenceOptions } from '../../../adapters/evidence/push-evidence.js';
import { chainOf, dayOfSeq, GENESIS, lineOk, makeLine, recoveryInput, type SeqInput } from '../../fixtures/evidence/seq-line.mjs';
import { gitEnv, makeBareRepo, runGit, startGitHttpServer, type GitHttpServer } from '../../../testkit/git-http-server.js';

const SITE = 'clinic-test';
const BRANCH = `writ/evidence/${SITE}`;
const TOKEN = 'evd-push-token-5f2c9e';
const NOW = new Date('2026-03-01T12:00:00Z');

const top = mkdtempSync(join(tmpdir(), 'writ-evd-push-'));
let bare: string;
let server: GitHttpServer;

beforeAll(async () => {
  bare = makeBareRepo(top, 'evidence.git');
  server = await startGitHttpServer({ projectRoot: top, auth: { user: 'x-access-token', token: TOKEN } });
});
afterAll(async () => {
  await server?.stop();
  rmSync(top, { recursive: true, force: true });
});

/** One appliance: its local evidence folder, its git cache, and its log. */
function appliance(name: string) {
  const evidenceDir = join(top, `${name}-evidence`);
  const dir = join(evidenceDir, SITE, name);
  let seq = 0;
  return {
    name,
    dir,
    /** Appends `count` records through the real evidence log, by the day of each sequence number. */
    async record(count: number, firstSeq = seq) {
      const log = await openEvidenceLog<SeqInput>({ dir, genesis: GENESIS, chainOf, makeLine, recoveryInput, lineOk });
      const inputs = Array.from({ length: count }, (_, k) => ({ seq: firstSeq + k }));
      seq = firstSeq + count;
      await log.append(inputs, (input) => dayOfSeq(input.seq!));
      return log;
    },
    options(extra: Partial<PushEvidenceOptions> = {}): PushEvidenceOptions {
      return {
        evidenceDir, site: SITE, appliance: name, url: server.url('evidence.git'), token: TOKEN, gitdir: join(top, `${name}-git`),
        author: { name: `writ agent ${name}`, email: `${name}@${SITE}.invalid` }, now: NOW, retries: 3, backoffMs: 20, timeoutMs: 20_000, ...extra,
      };
    },
  };
}

const remoteTip = () => runGit(bare, ['rev-parse', `refs/heads/${BRANCH}`]);
const remoteFile = (path: string) => execFileSync('git', ['--git-dir', bare, 'show', `refs/heads/${BRANCH}:${path}`], { env: gitEnv() });
const remotePaths = () => runGit(bare, ['ls-tree', '-r', '--name-only', `refs/heads/${BRANCH}`]).split('\n');

/** Every local file the push sends is on the branch byte for byte. */
function expectPushed(a: ReturnType<typeof appliance>): void {
  for (const name of readdirSync(a.dir)) {
    if (!name.endsWith('.jsonl')) continue;
    expect(remoteFile(`${SITE}/${a.name}/${name}`).equals(readFileSync(join(a.dir, name))), name).toBe(true);
  }
}

/** The branch is one line of commits: no merge, every commit but the first has one parent. */
function expectLinearHistory(): string[] {
  expect(runGit(bare, ['rev-list', '--merges', `refs/heads/${BRANCH}`])).toBe('');
  const lines = runGit(bare, ['rev-list', '--parents', `refs/heads/${BRANCH}`]).split('\n');
  expect(lines.slice(0, -1).every((l) => l.split(' ').length === 2)).toBe(true);
  expect(lines.at(-1)!.split(' ')).toHaveLength(1);
  runGit(bare, ['fsck', '--strict', '--no-dangling']);
  return lines;
}

/** Wraps the HTTP client so `before` runs once, just before the first request matching `match`. */
function interceptOnce(match: (req: { url: string; method?: string }) => boolean, before: () => Promise<void>): HttpClient {
  let done = false;
  return {
    async request(req) {
      if (!done && match(req)) {
        done = true;
        await before();
      }
      return nodeHttp.request(req);
    },
  };
}

const ap1 = appliance('ap-1');
const ap2 = appliance('ap-2');
const ap3 = appliance('ap-3');

describe('pushEvidence against git http-backend with token auth', () => {
  it('creates the branch with the first push, then has nothing more to push', async () => {
    await ap1.record(3);
    const r = await pushEvidence(ap1.options());
    expect(r).toMatchObject({ status: 'pushed', attempts: 1, changed: [`${SITE}/ap-1/2026-03-01.jsonl`] });
    expect(r.status === 'pushed' && r.commit).toBe(remoteTip());
    expectPushed(ap1);
    expect(runGit(bare, ['log', '-1', '--format=%an <%ae>%n%s', `refs/heads/${BRANCH}`])).toBe(`writ agent ap-1 <ap-1@${SITE}.invalid>\nevidence: ${SITE}/ap-1, 1 file`);
    // Token auth: the server asked (401) and the pushes carried the token.
    expect(server.requests.some((q) => q.status === 401)).toBe(true);
    expect(server.requests.some((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack') && q.status === 200)).toBe(true);

    const again = await pushEvidence(ap1.options());
    expect(again).toEqual({ status: 'up-to-date', commit: remoteTip(), attempts: 1 });
    expectLinearHistory();
  });

  it('rebuilds on the new tip when another appliance pushed after the fetch (cancelled before the pack)', async () => {
    await ap1.record(500); // crosses into 2026-03-02
    await ap2.record(4);
    let ap2Result: unknown;
    const http = interceptOnce(
      (req) => req.url.includes('info/refs?service=git-receive-pack'),
      async () => {
        ap2Result = await pushEvidence(ap2.options());
      },
    );
    const posts = server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('git-receive-pack')).length;
    const r = await pushEvidence(ap1.options({ http }));
    expect(ap2Result).toMatchObject({ status: 'pushed', attempts: 1 });
    expect(r).toMatchObject({ status: 'pushed', attempts: 2 });
    expect(r.status === 'pushed' && r.changed.sort()).toEqual([`${SITE}/ap-1/2026-03-01.jsonl`, `${SITE}/ap-1/2026-03-02.jsonl`]);
    // ap-2 pushed once, ap-1 once: the cancelled attempt sent no pack.
    expect(server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('git-receive-pack')).length - posts).toBe(2);
    expectPushed(ap1);
    expectPushed(ap2);
    expect(remotePaths()).toEqual([`${SITE}/ap-1/2026-03-01.jsonl`, `${SITE}/ap-1/2026-03-02.jsonl`, `${SITE}/ap-2/2026-03-01.jsonl`]);
    expect(expectLinearHistory()).toHaveLength(3);
  });

  it('rebuilds when the server refuses the update because the branch moved during the push', async () => {
    await ap1.record(2);
    await ap2.record(2);
    const http = interceptOnce(
      (req) => req.method === 'POST' && req.url.endsWith('git-receive-pack'),
      async () => {
        expect(await pushEvidence(ap2.options())).toMatchObject({ status: 'pushed' });
      },
    );
    const posts = server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('git-receive-pack')).length;
    const r = await pushEvidence(ap1.options({ http }));
    expect(r).toMatchObject({ status: 'pushed', attempts: 2 });
    // ap-2's push, ap-1's refused one (a pack sent, the ref update answered "ng"), ap-1's second.
    expect(server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('git-receive-pack')).length - posts).toBe(3);
    expectPushed(ap1);
    expectPushed(ap2);
    expect(expectLinearHistory()).toHaveLength(5);
  });

  it('keeps everything while the remote is down, then pushes it all', async () => {
    const tip = remoteTip();
    await ap1.record(3);
    const before = readFileSync(join(ap1.dir, '2026-03-02.jsonl'));
    const port = server.port;
    await server.stop();
    const down = await pushEvidence(ap1.options({ retries: 2, backoffMs: 5, url: `http://127.0.0.1:${port}/evidence.git` }));
    expect(down.status).toBe('not-pushed');
    if (down.status !== 'not-pushed') return;
    expect(down.attempts).toBe(3);
    expect(down.error).toMatchObject({ code: 'EVD_PUSH_FAILED', recovery: 'backoff' });
    expect(down.error.hint).toMatch(/next cycle pushes everything pending/);
    expect(readFileSync(join(ap1.dir, '2026-03-02.jsonl')).equals(before)).toBe(true);
    expect(remoteTip()).toBe(tip);

    server = await startGitHttpServer({ projectRoot: top, auth: { user: 'x-access-token', token: TOKEN } });
    await ap1.record(2);
    const up = await pushEvidence(ap1.options());
    expect(up).toMatchObject({ status: 'pushed', attempts: 1, changed: [`${SITE}/ap-1/2026-03-02.jsonl`] });
    expectPushed(ap1);
    expectPushed(ap2);
    expectLinearHistory();
  });

  it('keeps everything when responses are cut off mid-transfer, then pushes it all', async () => {
    const tip = remoteTip();
    await ap2.record(3);
    server.failAfterBytes = 150;
    const cut = await pushEvidence(ap2.options({ retries: 1, backoffMs: 5 }));
    server.failAfterBytes = undefined;
    expect(cut).toMatchObject({ status: 'not-pushed', attempts: 2, error: { code: 'EVD_PUSH_FAILED', recovery: 'backoff' } });
    expect(server.requests.some((q) => q.aborted)).toBe(true);
    expect(remoteTip()).toBe(tip);
    expect(await pushEvidence(ap2.options())).toMatchObject({ status: 'pushed', attempts: 1 });
    expectPushed(ap2);
    expectLinearHistory();
  });

  it('finds nothing to redo when a push landed but its answer was lost', async () => {
    await ap2.record(1);
    let lost = false;
    const http: HttpClient = {
      async request(req) {
        const res = await nodeHttp.request(req);
        if (!lost && req.method === 'POST' && req.url.endsWith('git-receive-pack')) {
          lost = true;
          for await (const _ of res.body ?? []) void _; // the server finishes the update
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return res;
      },
    };
    const commits = expectLinearHistory().length;
    const r = await pushEvidence(ap2.options({ http }));
    expect(r).toMatchObject({ status: 'up-to-date', attempts: 2 });
    expect(r.status === 'up-to-date' && r.commit).toBe(remoteTip());
    expect(expectLinearHistory()).toHaveLength(commits + 1);
    expectPushed(ap2);
  });

  it('pushes only complete lines, and the quarantined tail once the log has recovered it', async () => {
    await ap3.record(2);
    const file = join(ap3.dir, '2026-03-01.jsonl');
    const complete = readFileSync(file);
    appendFileSync(file, '{"i":2,"prev":"torn');
    expect(await pushEvidence(ap3.options())).toMatchObject({ status: 'pushed' });
    expect(remoteFile(`${SITE}/ap-3/2026-03-01.jsonl`).equals(complete)).toBe(true);

    const log = await ap3.record(1); // reopening quarantines the tail and records it
    expect(log.recovered).toHaveLength(1);
    const r = await pushEvidence(ap3.options());
    expect(r.status === 'pushed' && r.changed.sort()).toEqual([`${SITE}/ap-3/2026-03-01.jsonl`, `${SITE}/ap-3/${log.recovered[0]!.quarantined}`]);
    expectPushed(ap3);
    expect(remoteFile(`${SITE}/ap-3/${log.recovered[0]!.quarantined}`).toString()).toBe('{"i":2,"prev":"torn');
    expectLinearHistory();
  });

  it('refuses to push a file that does not extend the remote version (EVD_PUSH_DIVERGED), and pushes nothing', async () => {
    const tip = remoteTip();
    const posts = server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('git-receive-pack')).length;
    await ap1.record(1);
    const file = join(ap1.dir, '2026-03-01.jsonl');
    const bytes = readFileSync(file);
    bytes[20] = bytes[20] === 0x30 ? 0x31 : 0x30; // history altered in place
    writeFileSync(file, bytes);
    const r = await pushEvidence(ap1.options());
    expect(r.status).toBe('not-pushed');
    if (r.status !== 'not-pushed') return;
    expect(r.attempts).toBe(1);
    expect(r.error).toMatchObject({ code: 'EVD_PUSH_DIVERGED', recovery: 'human', data: { paths: [`${SITE}/ap-1/2026-03-01.jsonl`], remoteCommit: tip } });
    expect(r.error.hint).toContain(`git show ${tip}:${SITE}/ap-1/2026-03-01.jsonl`);
    expect(remoteTip()).toBe(tip);
    expect(server.requests.filter((q) => q.method === 'POST' && q.path.endsWith('git-receive-pack')).length).toBe(posts);
  });

  it('stops at once, without the token in any text, when the token is refused', async () => {
    const r = await pushEvidence(ap2.options({ token: 'wrong-token-1234' }));
    expect(r).toMatchObject({ status: 'not-pushed', attempts: 1, error: { code: 'EVD_PUSH_FAILED', recovery: 'human' } });
    if (r.status !== 'not-pushed') return;
    const text = JSON.stringify({ m: r.error.message, h: r.error.hint, d: r.error.data, c: String(r.error.cause) });
    expect(text).not.toContain('wrong-token-1234');
    expect(text).not.toContain(TOKEN);
    expect(r.error.message).toContain('HTTP 401');
  });
});
