import { createHash, hash } from 'node:crypto';

/** RFC 6962 §2.1 Merkle Tree Hash of the empty tree: SHA-256 of nothing. */
export const EMPTY_TREE_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const LEAF = Buffer.from([0x00]);

/**
 * RFC 6962 leaf hash of one evidence line: SHA-256(0x00 || line bytes), the line without its newline.
 *
 * @example
 * leafHash(line).toString('hex');
 */
export function leafHash(line: string | Uint8Array): Buffer {
  const h = createHash('sha256').update(LEAF);
  if (typeof line === 'string') h.update(line, 'latin1');
  else h.update(line);
  return h.digest();
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const data = Buffer.allocUnsafe(1 + left.length + right.length);
  data[0] = 0x01;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  // One-shot hash: far fewer allocations than a Hash object in the verifier's hot loop.
  return hash('sha256', data, 'buffer');
}

/**
 * RFC 6962 Merkle Tree Hash of the first `n` leaf hashes (default all): the tree splits at the
 * largest power of two smaller than n. Iterative over a frontier, O(n).
 *
 * @example
 * merkleRoot(lines.map(leafHash)).toString('hex');
 */
export function merkleRoot(leaves: readonly Uint8Array[], n = leaves.length): Buffer {
  if (n < 0 || n > leaves.length) throw new RangeError(`tree size ${n} outside 0..${leaves.length}`);
  let frontier: Frontier = [];
  for (let i = 0; i < n; i++) frontier = appendLeaf(frontier, i, leaves[i]!);
  return frontierRoot(frontier);
}

/**
 * The compact state of a growing tree: the roots of its perfect subtrees, largest first (one per
 * set bit of the tree size). Enough to append and to compute the root; a writer keeps it in its
 * chain state so a checkpoint never re-reads old records.
 */
export type Frontier = readonly Uint8Array[];

/**
 * Appends one leaf hash to a tree of `size` leaves; returns the new frontier (the old is not changed).
 *
 * @example
 * let f: Frontier = []; f = appendLeaf(f, 0, leafHash(line0));
 */
export function appendLeaf(frontier: Frontier, size: number, leaf: Uint8Array): Frontier {
  const out = frontier.slice();
  let h: Uint8Array = leaf;
  // Each trailing 1 bit of the old size is a perfect subtree of the same height: merge it.
  for (let s = size; s % 2 === 1; s = Math.floor(s / 2)) {
    const left = out.pop();
    if (!left) throw new RangeError(`frontier too short for tree size ${size}`);
    h = nodeHash(left, h);
  }
  out.push(h);
  return out;
}

/** In-place variant of appendLeaf for hot loops. */
export function appendLeafInPlace(frontier: Uint8Array[], size: number, leaf: Uint8Array): void {
  let h: Uint8Array = leaf;
  for (let s = size; s % 2 === 1; s = Math.floor(s / 2)) h = nodeHash(frontier.pop()!, h);
  frontier.push(h);
}

/** The RFC 6962 root of the tree a frontier describes (right-to-left fold of its subtree roots). */
export function frontierRoot(frontier: Frontier): Buffer {
  if (frontier.length === 0) return Buffer.from(EMPTY_TREE_ROOT, 'hex');
  let h: Buffer = Buffer.from(frontier[frontier.length - 1]!);
  for (let i = frontier.length - 2; i >= 0; i--) h = nodeHash(frontier[i]!, h);
  return h;
}

/**
 * RFC 9162 §2.1.4.1 consistency proof between the trees of the first `m` and first `n` leaves.
 *
 * @example
 * consistencyProof(leaves, 150, 200); // Buffer[]
 */
export function consistencyProof(leaves: readonly Uint8Array[], m: number, n: number): Buffer[] {
  if (!(m >= 0 && m <= n && n <= leaves.length)) throw new RangeError(`bad sizes ${m}, ${n}`);
  if (m === 0 || m === n) return [];
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Buffer[] => {
    const size = hi - lo;
    if (m === size) return complete ? [] : [merkleRoot(leaves.slice(lo, hi))];
    const k = largestPowerOfTwoBelow(size);
    if (m <= k) return [...subproof(m, lo, lo + k, complete), merkleRoot(leaves.slice(lo + k, hi))];
    return [...subproof(m - k, lo + k, hi, false), merkleRoot(leaves.slice(lo, lo + k))];
  };
  return subproof(m, 0, n, true);
}

/**
 * Verifies an RFC 9162 §2.1.4.2 consistency proof: the tree of size `n` with root `rootN` extends
 * the tree of size `m` with root `rootM`. False means the two trees are a fork.
 *
 * @example
 * verifyConsistency(150, 200, rootA, rootB, proof); // true
 */
export function verifyConsistency(m: number, n: number, rootM: Uint8Array, rootN: Uint8Array, proof: readonly Uint8Array[]): boolean {
  const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (m < 0 || m > n) return false;
  if (m === n) return proof.length === 0 && eq(rootM, rootN);
  if (m === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  let path = proof.slice();
  // Step 1-2: if m is a power of two, the first subtree root is rootM itself.
  if ((m & (m - 1)) === 0) path = [rootM, ...path];
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(fr, rootM) && eq(sr, rootN);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
