import * as fs from 'node:fs';
import git from 'isomorphic-git';
import type { RunbookCommit } from '../../core/site/site-model.js';

/** The PR number a commit subject names: `Merge pull request #12 from …` or a squash `… (#12)`. */
export function prNumberOf(subject: string): number | undefined {
  const m = /^Merge pull request #(\d+)\b/.exec(subject) ?? /\(#(\d+)\)\s*$/.exec(subject);
  return m ? Number(m[1]) : undefined;
}

/**
 * The git history of every runbook: for each commit reachable from `ref` (default HEAD), which
 * runbooks' files (`runbooks/<platform>/<ID>.yaml` and the `<ID>/` script folder) differ from its
 * first parent. Reads each commit once and compares tree ids, descending only into trees that
 * changed, so thousands of commits cost one commit read and a few tree reads each. Returns runbook
 * path key (`linux/LIN-SSH-001`) → commits, newest first; an empty map when `dir` is not a git
 * repository.
 *
 * @example
 * const history = await runbookHistory('/srv/policy'); // Map { 'linux/LIN-SSH-001' => [{ commit, author, date, subject, pr }] }
 */
export async function runbookHistory(dir: string, ref = 'HEAD'): Promise<Map<string, RunbookCommit[]>> {
  const cache = {};
  let head: string;
  try {
    head = await git.resolveRef({ fs, dir, ref });
  } catch {
    return new Map();
  }
  const fingerprints = new Map<string, Map<string, string>>();
  /** runbooks/ tree id → path key → "yaml oid|dir oid". */
  const fingerprintOf = async (treeOid: string | undefined): Promise<Map<string, string>> => {
    if (treeOid === undefined) return new Map();
    const have = fingerprints.get(treeOid);
    if (have) return have;
    const out = new Map<string, string>();
    for (const platform of (await git.readTree({ fs, dir, oid: treeOid, cache })).tree.filter((e) => e.type === 'tree')) {
      for (const e of (await git.readTree({ fs, dir, oid: platform.oid, cache })).tree) {
        const name = e.type === 'blob' && e.path.endsWith('.yaml') ? e.path.slice(0, -5) : e.type === 'tree' ? e.path : undefined;
        if (name === undefined) continue;
        const k = `${platform.path}/${name}`;
        const [yaml, folder] = (out.get(k) ?? '|').split('|');
        out.set(k, e.type === 'blob' ? `${e.oid}|${folder}` : `${yaml}|${e.oid}`);
      }
    }
    fingerprints.set(treeOid, out);
    return out;
  };
  const runbooksTree = new Map<string, string | undefined>();
  const treeOfCommit = async (oid: string, tree: string): Promise<string | undefined> => {
    if (runbooksTree.has(oid)) return runbooksTree.get(oid);
    const root = await git.readTree({ fs, dir, oid: tree, cache });
    const rb = root.tree.find((e) => e.path === 'runbooks' && e.type === 'tree')?.oid;
    runbooksTree.set(oid, rb);
    return rb;
  };

  const out = new Map<string, RunbookCommit[]>();
  const seen = new Set<string>([head]);
  const queue = [head];
  const commits = new Map<string, { tree: string; parents: string[]; author: string; date: number; subject: string }>();
  while (queue.length > 0) {
    const oid = queue.pop()!;
    const { commit } = await git.readCommit({ fs, dir, oid, cache });
    commits.set(oid, { tree: commit.tree, parents: commit.parent, author: commit.author.name, date: commit.author.timestamp, subject: commit.message.split('\n')[0] ?? '' });
    for (const p of commit.parent) if (!seen.has(p)) { seen.add(p); queue.push(p); }
  }
  for (const [oid, c] of commits) {
    const mine = await treeOfCommit(oid, c.tree);
    const parent = c.parents[0] !== undefined ? commits.get(c.parents[0]) : undefined;
    const theirs = parent ? await treeOfCommit(c.parents[0]!, parent.tree) : undefined;
    if (parent && mine === theirs) continue;
    const a = await fingerprintOf(mine);
    const b = await fingerprintOf(theirs);
    const pr = prNumberOf(c.subject);
    const entry: RunbookCommit = { commit: oid, author: c.author, date: new Date(c.date * 1000).toISOString(), subject: c.subject, ...(pr !== undefined ? { pr } : {}) };
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(k) === b.get(k)) continue;
      const list = out.get(k) ?? [];
      list.push(entry);
      out.set(k, list);
    }
  }
  for (const list of out.values()) list.sort((x, y) => (x.date > y.date ? -1 : x.date < y.date ? 1 : x.commit < y.commit ? -1 : 1));
  return out;
}

/** The path key of a runbook file for {@link runbookHistory}: `runbooks/linux/LIN-SSH-001.yaml` → `linux/LIN-SSH-001`. */
export function runbookPathKey(path: string): string | undefined {
  const m = /^runbooks\/([^/]+)\/([^/]+)\.yaml$/.exec(path);
  return m ? `${m[1]}/${m[2]}` : undefined;
}
