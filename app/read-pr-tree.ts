import type { SourceFile } from '../core/load/source-file.js';
import type { Finding } from '../core/model/finding.js';
import { POLICY_FOLDERS } from '../adapters/fs/read-repo-files.js';
import type { GitHubRequest } from './github-request.js';
import type { ReviewCache, TreeListing } from './review-cache.js';

export interface ReadPrTreeOptions {
  /** Blobs larger than this are not fetched: returned with empty bytes and their real size (the loader reports them). */
  maxFileBytes: number;
  /** Most policy files read from one tree; the rest are a finding. */
  maxFiles?: number;
  /** Parallel blob requests (default 8). */
  concurrency?: number;
  /** Tree listings and blobs kept across deliveries (by commit and blob SHA); none: every read goes to the API. */
  cache?: ReviewCache;
}

type TreeEntry = TreeListing['tree'][number];

/**
 * Reads the policy folders (policies/, runbooks/, sites/, frameworks/) of one commit through the
 * GitHub REST API: one recursive `git/trees` listing, then `git/blobs` for each file under the size
 * cap. Nothing is checked out or executed. Symbolic links and submodules are findings, like the
 * local git reader; a truncated listing is a WH_TREE_TRUNCATED finding.
 *
 * @example
 * const { files, findings } = await readPrTree(request, 'acme', 'policy', headSha, { maxFileBytes: 1 << 20 });
 */
export async function readPrTree(request: GitHubRequest, owner: string, repo: string, sha: string, options: ReadPrTreeOptions): Promise<{ files: SourceFile[]; findings: Finding[] }> {
  const list = async () => (await request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo, tree_sha: sha, recursive: '1' })).data as TreeListing;
  const tree = options.cache ? await options.cache.tree(sha, list) : await list();
  const findings: Finding[] = [];
  const at = (file: string, code: string, message: string, hint: string): Finding => ({ file, line: 1, column: 1, pointer: '', code, severity: 'error', message, hint });
  if (tree.truncated) findings.push(at('.', 'WH_TREE_TRUNCATED', 'GitHub truncated the tree listing; some files were not reviewed', 'Run writ validate locally on this commit.'));
  const inFolders = (p: string) => POLICY_FOLDERS.some((f) => p.startsWith(`${f}/`));
  const hidden = (p: string) => p.split('/').some((part) => part.startsWith('.') || part === 'node_modules');
  const wanted: TreeEntry[] = [];
  for (const e of tree.tree) {
    if (!inFolders(e.path) || hidden(e.path)) continue;
    if (e.mode === '120000') findings.push(at(e.path, 'REPO_SYMLINK', 'symbolic links are not read (one could point outside the repository)', 'Replace the link with the file itself.'));
    else if (e.type === 'commit') findings.push(at(e.path, 'REPO_SUBMODULE', 'submodules are not read', 'Commit the policy files themselves instead of a submodule.'));
    else if (e.type === 'blob') wanted.push(e);
  }
  wanted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const maxFiles = options.maxFiles ?? 20_000;
  if (wanted.length > maxFiles) {
    findings.push(at('.', 'WH_TREE_TRUNCATED', `${wanted.length} policy files exceed the App's cap of ${maxFiles}; the rest were not reviewed`, 'Run writ validate locally on this commit.'));
    wanted.length = maxFiles;
  }

  const files: SourceFile[] = new Array(wanted.length);
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const i = next++;
      const e = wanted[i]!;
      const size = e.size ?? 0;
      if (size > options.maxFileBytes) {
        files[i] = { path: e.path, bytes: new Uint8Array(0), size };
        continue;
      }
      const fetchBlob = async () => {
        const { data: blob } = await request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo, file_sha: e.sha });
        const { content, encoding } = blob as { content: string; encoding: string };
        return new Uint8Array(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
      };
      if (options.cache) {
        files[i] = await options.cache.file(e.path, e.sha, options.maxFileBytes, fetchBlob);
        continue;
      }
      const bytes = await fetchBlob();
      files[i] = { path: e.path, bytes: bytes.length > options.maxFileBytes ? new Uint8Array(0) : bytes, size: bytes.length };
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, Math.max(1, wanted.length)) }, worker));
  return { files, findings };
}
