import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_TREE_ROOT, type Frontier, appendLeaf, consistencyProof, frontierRoot, leafHash, merkleRoot, verifyConsistency } from '../../../../core/evidence/merkle.js';

// RFC 6962 §2.1 written out directly (recursive, split at the largest power of two < n), to check
// the iterative code against.
const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// The test inputs of the certificate-transparency reference implementation and their roots.
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 Merkle tree hash', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(EMPTY_TREE_ROOT).toBe(sha().toString('hex'));
    expect(merkleRoot([]).toString('hex')).toBe(EMPTY_TREE_ROOT);
    expect(frontierRoot([]).toString('hex')).toBe(EMPTY_TREE_ROOT);
  });

  it('matches the reference test vectors for trees of 1 to 8 leaves', () => {
    const leaves = INPUTS.map((b) => leafHash(b));
    for (let n = 1; n <= 8; n++) {
      expect(merkleRoot(leaves, n).toString('hex')).toBe(ROOTS[n - 1]);
      expect(mth(INPUTS.slice(0, n)).toString('hex')).toBe(ROOTS[n - 1]);
    }
  });

  it('hashes a string line as its bytes', () => {
    expect(leafHash('abc').equals(leafHash(Buffer.from('abc')))).toBe(true);
  });

  it('agrees with the recursive definition for every size up to 70, appending one leaf at a time', () => {
    const data = Array.from({ length: 70 }, (_, i) => Buffer.from(`line ${i}`));
    let f: Frontier = [];
    for (let n = 1; n <= data.length; n++) {
      f = appendLeaf(f, n - 1, leafHash(data[n - 1]!));
      expect(frontierRoot(f).toString('hex')).toBe(mth(data.slice(0, n)).toString('hex'));
      expect(f.length).toBe(n.toString(2).replace(/0/g, '').length);
    }
  });
});

describe('RFC 9162 consistency proofs', () => {
  const data = Array.from({ length: 20 }, (_, i) => Buffer.from(`record ${i}`));
  const leaves = data.map((d) => leafHash(d));
  const root = (n: number) => merkleRoot(leaves, n);

  it('proves every smaller tree is a prefix of every larger one', () => {
    for (let n = 1; n <= 20; n++) {
      for (let m = 1; m <= n; m++) expect(verifyConsistency(m, n, root(m), root(n), consistencyProof(leaves, m, n)), `${m}→${n}`).toBe(true);
    }
  });

  it('refuses a fork: a different old root, a different new root, or a doctored proof', () => {
    const forked = leaves.slice();
    forked[3] = leafHash('evil');
    expect(verifyConsistency(6, 13, merkleRoot(forked, 6), root(13), consistencyProof(leaves, 6, 13))).toBe(false);
    expect(verifyConsistency(6, 13, root(6), merkleRoot(forked, 13), consistencyProof(leaves, 6, 13))).toBe(false);
    const proof = consistencyProof(leaves, 6, 13);
    proof[0] = leafHash('x');
    expect(verifyConsistency(6, 13, root(6), root(13), proof)).toBe(false);
    expect(verifyConsistency(4, 8, root(4), root(8), [])).toBe(false);
  });
});
