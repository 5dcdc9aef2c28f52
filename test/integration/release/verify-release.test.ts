import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Metadata, MetadataKind } from '@tufjs/models';
import { metadataBytes, signMetadata } from '../../../core/release/sign-metadata.js';
import { LAB_T0, ReleaseLab, labApplianceKey, labSigner } from '../../fixtures/release/release-lab.js';

const labs: ReleaseLab[] = [];
const temps: string[] = [];
afterEach(() => {
  labs.splice(0).forEach((l) => l.cleanup());
  temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
async function lab(options?: ConstructorParameters<typeof ReleaseLab>[0]) {
  const l = await new ReleaseLab(options).init();
  labs.push(l);
  return l;
}
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-trust-'));
  temps.push(d);
  return d;
};
const dec = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as { signed: Record<string, unknown>; signatures: { keyid: string; sig: string }[] };
const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped: ${String(e)}`;
  }
  return 'accepted';
}

describe('writ release verification (TUF over the fetched git commit)', () => {
  it('verifies and decrypts a fresh release, naming version, digest, expiry and signers', async () => {
    const l = await lab();
    await l.release();
    const r = await l.verify('clinic-a');
    expect(r.version).toBe(1);
    expect(r.bundle.site.id).toBe('clinic-a');
    expect(r.bundle.rules.map((x) => x.id)).toEqual(['L1-TEST-001', 'L1-TEST-002']);
    expect(r.bundleSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.expires.timestamp).toBe('2026-01-22T00:00:00Z');
    expect(r.signers.find((s) => s.role === 'targets')!.keyIds).toEqual([l.keys.targets[0]!.keyId]);
  });

  it('REL_ROLLBACK: an older signed release after a newer one was trusted', async () => {
    const l = await lab();
    const first = await l.release();
    await l.release({ now: new Date(LAB_T0.getTime() + 86400_000) });
    const state = stateDir();
    expect((await l.verify('clinic-a', { stateDir: state, now: new Date(LAB_T0.getTime() + 2 * 86400_000) })).version).toBe(2);
    await l.resetBranch(first.commit);
    expect(await refusal(l.verify('clinic-a', { stateDir: state, now: new Date(LAB_T0.getTime() + 2 * 86400_000) }))).toBe('REL_ROLLBACK');
  });

  it('REL_EXPIRED: a frozen release (timestamp expired at the reference time)', async () => {
    const l = await lab();
    await l.release();
    expect(await refusal(l.verify('clinic-a', { now: new Date(LAB_T0.getTime() + 8 * 86400_000) }))).toBe('REL_EXPIRED');
  });

  it('REL_THRESHOLD_NOT_MET: targets needs 2 of 2 keys but only one signed', async () => {
    const l = await lab({ keyCounts: { targets: 2 }, thresholds: { targets: 2 } });
    await l.release({ signers: { targets: [l.keys.targets[0]!] } });
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_THRESHOLD_NOT_MET');
  });

  it('REL_DUPLICATE_SIGNATURE: one key counted twice toward a threshold of 2', async () => {
    const l = await lab({ keyCounts: { targets: 2 }, thresholds: { targets: 2 } });
    await l.release({ signers: { targets: [l.keys.targets[0]!] } });
    await l.tamper((files) => {
      const md = dec(files.get('metadata/1.targets.json')!);
      md.signatures.push({ ...md.signatures[0]! });
      files.set('metadata/1.targets.json', enc(md));
    }, { resign: true });
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_DUPLICATE_SIGNATURE');
  });

  it('REL_KEY_OUTSIDE_ROLE: targets signed by the snapshot key', async () => {
    const l = await lab();
    await l.release({ signers: { targets: [l.keys.snapshot[0]!] } });
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_KEY_OUTSIDE_ROLE');
  });

  it('REL_MIX_AND_MATCH: targets metadata that the signed snapshot does not describe', async () => {
    const l = await lab();
    await l.release();
    await l.tamper((files) => {
      // A validly signed targets metadata of the same version but other content.
      const md = Metadata.fromJSON(MetadataKind.Targets, dec(files.get('metadata/1.targets.json')!) as never);
      const other = new Metadata(md.signed);
      (other.signed as unknown as { expires: string }).expires = '2026-02-01T00:00:00Z';
      signMetadata(other, l.keys.targets);
      files.set('metadata/1.targets.json', metadataBytes(other));
    });
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_MIX_AND_MATCH');
  });

  it('REL_TARGET_MISMATCH: a bundle altered after signing', async () => {
    const l = await lab();
    const { built } = await l.release();
    const file = built.targets.find((t) => t.path === 'sites/clinic-a.bundle')!.file;
    await l.tamper((files) => {
      const b = new Uint8Array(files.get(file)!);
      b[b.length - 1]! ^= 0xff;
      files.set(file, b);
    });
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_TARGET_MISMATCH');
  });

  it('REL_UNLISTED_FILE: an extra file nobody signed', async () => {
    const l = await lab();
    await l.release();
    await l.tamper((files) => files.set('targets/sites/0000.clinic-evil.bundle', new Uint8Array([1, 2, 3])));
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_UNLISTED_FILE');
  });

  it('REL_OVERSIZE: endless data in metadata and in a target', async () => {
    const l = await lab();
    const { built } = await l.release();
    await l.tamper((files) => {
      const md = dec(files.get('metadata/timestamp.json')!);
      (md.signed as Record<string, unknown>)['padding'] = 'x'.repeat(64 * 1024);
      files.set('metadata/timestamp.json', enc(md));
    });
    expect(await refusal(l.verify('clinic-a'))).toBe('REL_OVERSIZE');

    const l2 = await lab();
    const r2 = await l2.release();
    const file = r2.built.targets.find((t) => t.path === 'sites/clinic-a.bundle')!.file;
    await l2.tamper((files) => files.set(file, new Uint8Array(files.get(file)!.length + 4096)));
    expect(await refusal(l2.verify('clinic-a'))).toBe('REL_OVERSIZE');
    void built;
  });

  it('root rotation that chains (signed by the old and the new root keys) is followed', async () => {
    const l = await lab();
    await l.release();
    const newRoot = labSigner('root-next');
    const newTargets = labSigner('targets-next');
    l.rotateRoot({ root: [newRoot], targets: [newTargets] }, [l.keys.root[0]!, newRoot]);
    await l.release({ now: new Date(LAB_T0.getTime() + 3600_000) });
    const r = await l.verify('clinic-a', { now: new Date(LAB_T0.getTime() + 7200_000) });
    expect(r.version).toBe(2);
    expect(r.signers.find((s) => s.role === 'targets')!.keyIds).toEqual([newTargets.keyId]);
  });

  it('REL_ROOT_CHAIN_BROKEN: a new root signed only by keys the old root does not trust', async () => {
    const l = await lab();
    await l.release();
    const newRoot = labSigner('root-mallory');
    l.rotateRoot({ root: [newRoot], targets: [labSigner('targets-mallory')] }, [newRoot]);
    await l.release({ now: new Date(LAB_T0.getTime() + 3600_000) });
    expect(await refusal(l.verify('clinic-a', { now: new Date(LAB_T0.getTime() + 7200_000) }))).toBe('REL_ROOT_CHAIN_BROKEN');
  });

  it("REL_NOT_FOR_THIS_APPLIANCE: site A's appliance key cannot read site B's bundle", async () => {
    const l = await lab();
    await l.release();
    expect(await refusal(l.verify('clinic-b', { applianceKey: labApplianceKey('clinic-a') }))).toBe('REL_NOT_FOR_THIS_APPLIANCE');
    expect((await l.verify('clinic-b')).bundle.site.id).toBe('clinic-b');
  });

  it('REL_SITE_NOT_IN_RELEASE: a site the release does not carry', async () => {
    const l = await lab();
    await l.release();
    expect(await refusal(l.verify('clinic-zzz', { applianceKey: labApplianceKey('clinic-zzz') }))).toBe('REL_SITE_NOT_IN_RELEASE');
  });

  it('bundles hold only their own site', async () => {
    const l = await lab();
    await l.release();
    const a = await l.verify('clinic-a');
    expect(JSON.stringify(a.bundle)).not.toContain('clinic-b');
  });
});
