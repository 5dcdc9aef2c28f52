import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isBlobOf, ReviewCache } from '../../../app/review-cache.js';

const blobSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('ReviewCache', () => {
  it('hands back the same SourceFile for a path and blob SHA, fetching once, and shares a fetch on its way', async () => {
    const cache = new ReviewCache({ maxBytes: 1 << 20 });
    let fetches = 0;
    const text = 'id: L1-X\n';
    const fetch = async () => { fetches++; await new Promise((r) => setTimeout(r, 5)); return bytes(text); };
    const [a, b] = await Promise.all([cache.file('policies/L1-X.yaml', blobSha(text), 1 << 20, fetch), cache.file('policies/L1-Y.yaml', blobSha(text), 1 << 20, fetch)]);
    const again = await cache.file('policies/L1-X.yaml', blobSha(text), 1 << 20, fetch);
    expect(fetches).toBe(1);
    expect(again).toBe(a);
    expect(b.path).toBe('policies/L1-Y.yaml');
    expect(Buffer.from(b.bytes).toString()).toBe(text);
  });

  it('never remembers bytes that do not hash to the blob SHA (a wrong or hostile API answer)', async () => {
    const cache = new ReviewCache({ maxBytes: 1 << 20 });
    const sha = blobSha('the real content\n');
    for (const wrong of ['other content\n', '', 'the real content', 'the real content\n\n']) {
      let fetches = 0;
      const fetch = async () => { fetches++; return bytes(wrong); };
      const first = await cache.file('policies/A.yaml', sha, 1 << 20, fetch);
      const second = await cache.file('policies/A.yaml', sha, 1 << 20, fetch);
      expect(fetches).toBe(2);
      expect(second).not.toBe(first);
    }
    expect(cache.stats.files).toBe(0);
    // SHA-256 object ids (64 hex) and malformed ids are not cached either.
    expect(isBlobOf('a'.repeat(64), bytes('x'))).toBe(false);
    expect(isBlobOf('../../etc/passwd', bytes('x'))).toBe(false);
  });

  it('stays within its byte budget, forgetting the least recently used file first', async () => {
    const cache = new ReviewCache({ maxBytes: 300 }); // each file below costs 94 bytes: three fit
    const texts = Array.from({ length: 5 }, (_, i) => `${String(i).repeat(90)}\n`);
    const fetched: number[] = [];
    const get = (i: number) => cache.file(`p/${i}`, blobSha(texts[i]!), 1 << 20, async () => { fetched.push(i); return bytes(texts[i]!); });
    const f0 = await get(0);
    const f1 = await get(1);
    await get(0); // 0 is now more recent than 1
    await get(2);
    await get(3); // over budget: 1 goes, not 0
    expect(cache.stats.bytes).toBeLessThanOrEqual(300);
    expect(cache.stats.files).toBe(3);
    expect(await get(0)).toBe(f0);
    expect(await get(1)).not.toBe(f1);
    expect(fetched).toEqual([0, 1, 2, 3, 1]);
  });

  it('empties the bytes of a blob over the size cap and keeps its real size, as readPrTree does', async () => {
    const cache = new ReviewCache({ maxBytes: 1 << 20 });
    const text = 'x'.repeat(100);
    const file = await cache.file('p/big.yaml', blobSha(text), 10, async () => bytes(text));
    expect(file).toMatchObject({ size: 100 });
    expect(file.bytes.length).toBe(0);
  });

  it('keeps tree listings by commit SHA, but never a truncated one', async () => {
    const cache = new ReviewCache({ maxBytes: 1 << 20 });
    let fetches = 0;
    await cache.tree('a'.repeat(40), async () => { fetches++; return { tree: [] }; });
    await cache.tree('a'.repeat(40), async () => { fetches++; return { tree: [] }; });
    await cache.tree('b'.repeat(40), async () => { fetches++; return { tree: [], truncated: true }; });
    await cache.tree('b'.repeat(40), async () => { fetches++; return { tree: [], truncated: true }; });
    expect(fetches).toBe(3);
  });
});
