import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import git from 'isomorphic-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSiteData, type CollectSiteSummary } from '../../../adapters/site/collect-site-data.js';
import { readChainDay, verifyChainDir } from '../../../adapters/site/read-chains.js';
import { trustedKey, trustedKeyMap } from '../../../core/evidence/dsse.js';
import { parse as parseYaml } from 'yaml';
import { SiteError } from '../../../core/site/site-codes.js';
import type { ClinicData, DayData, FleetData, HostData, PacketData, ReleasesData, RunbookData, SiteManifest } from '../../../core/site/site-model.js';
import { generateSiteFixture, type SiteFixture } from '../../../scripts/generate-site-fixture-lib.js';
import { oscalValidator } from '../../unit/site/oscal-validator.js';

const ROOT = join(import.meta.dirname, '../../..');
const NOW = new Date('2026-03-31T00:00:00Z');

let tmp: string;
let fx: SiteFixture;
let summary: CollectSiteSummary;
let data: string;
const json = <T>(path: string): T => JSON.parse(readFileSync(join(data, path), 'utf8')) as T;

/** Every file under `dir` (relative path → sha256), `.git` skipped unless asked. */
function tree(dir: string, skip: (rel: string) => boolean = (r) => r.startsWith('.git')): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(dir, p);
      if (skip(rel)) continue;
      if (e.isDirectory()) walk(p);
      else out.set(rel, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'writ-site-data-'));
  fx = await generateSiteFixture({ out: join(tmp, 'fx'), source: ROOT });
  data = join(tmp, 'data');
  summary = await collectSiteData({ repoDir: fx.repoDir, evidenceDir: fx.evidenceDir, dataDir: data, now: NOW });
}, 240_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('collectSiteData on the generated fixture', () => {
  it('summarizes what it wrote and lists every page in the manifest', () => {
    expect(summary).toMatchObject({ clinics: 3, days: 90, records: fx.records, broken_chains: 1 });
    const manifest = json<SiteManifest>('manifest.json');
    expect(manifest.summary.pages).toBe(summary.pages);
    expect(manifest.pages).toHaveLength(summary.pages);
    for (const p of manifest.pages) expect(fs.existsSync(join(data, p.data)), p.data).toBe(true);
    for (const o of manifest.oscal) expect(fs.existsSync(join(data, o)), o).toBe(true);
    expect(manifest.pages.filter((p) => p.kind === 'day')).toHaveLength(90);
    expect(manifest.oscal).toEqual(['oscal/clinic-lakeside-2026-03.json', 'oscal/clinic-northside-2026-03.json', 'oscal/clinic-riverside-2026-03.json']);
  });

  it('marks the tampered clinic broken at the exact record, and the records after it broken', () => {
    const fleet = json<FleetData>('fleet.json');
    const lake = fleet.clinics.find((c) => c.site === fx.broken.site)!;
    expect(lake.chain.status).toBe('broken');
    const chain = lake.chain.appliances[0]!;
    expect(chain.broken_at).toMatchObject({ code: 'EVD_SIGNATURE_INVALID', file: fx.broken.file, line: fx.broken.line });
    expect(fleet.clinics.filter((c) => c.site !== fx.broken.site).every((c) => c.chain.status === 'ok')).toBe(true);
    const brokenDay = fx.broken.file.split('/').pop()!.slice(0, 10);
    const day = json<DayData>(`days/${fx.broken.site}/${brokenDay}.json`);
    const stub = day.records.find((r) => r.kind === 'unverifiable')!;
    expect(stub.problem).toMatchObject({ code: 'EVD_SIGNATURE_INVALID', file: fx.broken.file, line: fx.broken.line });
    expect(stub.detail).toEqual({});
    expect(stub.ref.index).toBe(chain.broken_at!.index);
    // Before the tampered record: signed and linked, but the day's checkpoint covers the tampered record, so no root matches.
    for (const r of day.records) expect(r.ref.verification, `record ${r.ref.index}`).toBe(r.ref.index < stub.ref.index ? 'beyond-checkpoint' : 'broken');
    expect(chain.verified_through).toBe(day.records[0]!.ref.index - 1);
    const last = json<DayData>(`days/${fx.broken.site}/${fx.days[fx.days.length - 1]}.json`);
    expect(last.records.every((r) => r.ref.verification === 'broken' && r.kind !== 'unverifiable')).toBe(true);
    const first = json<DayData>(`days/${fx.broken.site}/${fx.days[0]}.json`);
    expect(first.records.every((r) => r.ref.verification === 'verified')).toBe(true);
  });

  it('marks the clinic\'s last day beyond the checkpoint when no checkpoint covers it', () => {
    const last = json<DayData>(`days/${fx.beyondCheckpoint}/${fx.days[fx.days.length - 1]}.json`);
    expect(last.verification).toEqual([{ appliance: 'riverside-appl-1', verified: 0, 'beyond-checkpoint': last.records.length, broken: 0 }]);
    const before = json<DayData>(`days/${fx.beyondCheckpoint}/${fx.days[fx.days.length - 2]}.json`);
    expect(before.records.every((r) => r.ref.verification === 'verified')).toBe(true);
    const clinic = json<ClinicData>(`clinics/${fx.beyondCheckpoint}.json`);
    expect(clinic.chains[0]).toMatchObject({ status: 'ok', beyond_checkpoint: last.records.length });
  });

  it('keeps hostile host text as data, byte for byte, in the day file', () => {
    const day = json<DayData>(`days/${fx.hostile.site}/${fx.hostile.day}.json`);
    const check = day.records.find((r) => r.kind === 'check' && r.host === fx.hostile.host && r.rule === fx.hostile.rule)!;
    const result = check.detail['result'] as { message: string; observed: Record<string, unknown> };
    expect(result.message).toContain(fx.hostile.texts[0]);
    expect(Object.values(result.observed)).toContain(fx.hostile.texts[1]);
    expect(check.status).toBe('healed');
  });

  it('shows the unreachable host as unreachable on those days', () => {
    const host = json<HostData>(`hosts/${fx.unreachable.site}/${fx.unreachable.host}.json`);
    for (const strip of host.history) {
      const days = strip.days.filter((d) => d.status === 'unreachable').map((d) => d.day);
      expect(days, strip.rule).toEqual(fx.unreachable.days);
    }
  });

  it('links records to the release and runbook version that produced them', () => {
    const releases = json<ReleasesData>('releases.json');
    expect(releases.branch).toBe('writ/releases');
    expect(releases.releases.map((r) => [r.version, r.signatures_valid, r.signers.length, r.bundles.length])).toEqual([[1, true, 1, 3], [2, true, 1, 3]]);
    const clinic = json<ClinicData>('clinics/clinic-northside.json');
    for (const cell of clinic.matrix) {
      const rel = releases.releases.find((r) => r.version === cell.ref.release!.version)!;
      expect(rel.bundles.find((b) => b.site === 'clinic-northside')!.digest, `${cell.host}/${cell.rule}`).toBe(cell.ref.release!.digest);
      expect(cell.ref.runbook!.id).toBeTruthy();
    }
    const ssh = json<RunbookData>('runbooks/LIN-SSH-001.json');
    expect(ssh.history.map((c) => [c.subject.split('\n')[0], c.pr ?? null])).toEqual([
      ['Merge pull request #7 from msp/ssh-hardening', 7], ['Harden LIN-SSH-001: also check MaxAuthTries', null], ['Initial policy for three clinics (#1)', 1],
    ]);
    expect(ssh.evidence.map((e) => e.version)).toEqual(['1.1.0', '1.2.0']);
    expect(ssh.text).toBe(readFileSync(join(fx.repoDir, ssh.path), 'utf8'));
    const ntp = json<RunbookData>('runbooks/LIN-NTP-001.json');
    expect(ntp.history.map((c) => c.pr ?? null)).toEqual([1]);
  });

  it('reports waivers (active and expired), escalations and heals', () => {
    const north = json<ClinicData>('clinics/clinic-northside.json');
    expect(north.waivers.map((w) => [w.rule, w.state])).toEqual([['L1-LIN-NTP-001', 'active'], ['L1-LIN-SVC-001', 'expired']]);
    expect(north.waivers.every((w) => w.waived_checks > 0)).toBe(true);
    const fleet = json<FleetData>('fleet.json');
    expect(fleet.clinics.every((c) => c.escalations >= 1 && c.heals >= 1)).toBe(true);
    expect(fleet.totals.time_to_heal.resolved).toBeGreaterThan(0);
    const packet = json<PacketData>('packets/clinic-riverside/2026-03.json');
    expect(packet.incidents.escalated.length).toBeGreaterThan(0);
    expect(packet.summary.days).toBe(30);
    expect(packet.controls.every((c) => c.title !== '' && c.title !== c.id)).toBe(true);
  });

  it('writes OSCAL assessment-results that validate against the OSCAL 1.0.6 schema', () => {
    const validate = oscalValidator();
    for (const path of summary.oscal) {
      const v = validate(json(path));
      expect(v.errors, path).toEqual([]);
    }
  });

  it('is byte-identical when rebuilt with the same input and time', async () => {
    const again = join(tmp, 'data-again');
    await collectSiteData({ repoDir: fx.repoDir, evidenceDir: fx.evidenceDir, dataDir: again, now: NOW });
    expect(tree(again)).toEqual(tree(data));
  }, 120_000);

  it('replaces the data dir whole and leaves no work folders', async () => {
    writeFileSync(join(data, 'stale.json'), '{}');
    await collectSiteData({ repoDir: fx.repoDir, evidenceDir: fx.evidenceDir, dataDir: data, now: NOW });
    expect(fs.existsSync(join(data, 'stale.json'))).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.includes('.partial-') || n.includes('.old-'))).toEqual([]);
  }, 120_000);
});

describe('the fixture generator', () => {
  it('writes the same bytes on every run (evidence, working tree, policy commits)', async () => {
    const other = await generateSiteFixture({ out: join(tmp, 'fx2'), source: ROOT, releases: false });
    expect(tree(other.evidenceDir)).toEqual(tree(fx.evidenceDir));
    expect(tree(other.repoDir)).toEqual(tree(fx.repoDir));
    const head = async (dir: string) => git.resolveRef({ fs, dir, ref: 'refs/heads/main' });
    expect(await head(other.repoDir)).toBe(await head(fx.repoDir));
  }, 240_000);
});

describe('collectSiteData refuses bad input with a coded error naming the file', () => {
  const expectSiteError = async (p: Promise<unknown>, code: string, text: RegExp) => {
    const e = await p.then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(SiteError);
    expect((e as SiteError).code).toBe(code);
    expect((e as SiteError).message).toMatch(text);
    expect((e as SiteError).hint.length).toBeGreaterThan(10);
  };

  it('a missing repo or evidence folder', async () => {
    await expectSiteError(collectSiteData({ repoDir: join(tmp, 'nope'), evidenceDir: fx.evidenceDir, dataDir: join(tmp, 'd1'), now: NOW }), 'SITE_REPO_INVALID', /nope is not a folder/);
    await expectSiteError(collectSiteData({ repoDir: fx.repoDir, evidenceDir: join(tmp, 'nope'), dataDir: join(tmp, 'd1'), now: NOW }), 'SITE_EVIDENCE_INVALID', /nope is not a folder/);
  });

  it('a repo that does not validate (YAML, schema, a missing script)', async () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['yaml', (d) => writeFileSync(join(d, 'sites/clinic-northside.yaml'), 'id: [unclosed\n'), /sites\/clinic-northside\.yaml:\d+/],
      ['schema', (d) => writeFileSync(join(d, 'policies/L1-LIN-SSH-001.yaml'), readFileSync(join(d, 'policies/L1-LIN-SSH-001.yaml'), 'utf8').replace(/^severity: .*$/m, 'severity: extreme')), /policies\/L1-LIN-SSH-001\.yaml:\d+/],
      ['script', (d) => rmSync(join(d, 'runbooks/linux/LIN-SSH-001'), { recursive: true }), /runbooks\/linux\/LIN-SSH-001\.yaml:\d+/],
    ];
    for (const [name, spoil, text] of cases) {
      const repo = join(tmp, `bad-${name}`);
      mkdirSync(repo);
      for (const f of ['policies', 'runbooks', 'sites', 'frameworks']) cpSync(join(fx.repoDir, f), join(repo, f), { recursive: true });
      spoil(repo);
      await expectSiteError(collectSiteData({ repoDir: repo, evidenceDir: fx.evidenceDir, dataDir: join(tmp, 'd2'), now: NOW }), 'SITE_REPO_INVALID', text);
      expect(fs.existsSync(join(tmp, 'd2'))).toBe(false);
    }
  });

  it('evidence folders not named for ids', async () => {
    for (const bad of ['Bad Site', '.x', 'a..b']) {
      const ev = join(tmp, `ev-${bad.replace(/\W/g, '_')}`);
      mkdirSync(join(ev, bad === '.x' ? 'clinic-a' : bad, bad === '.x' ? 'appl 1' : 'appl-1'), { recursive: true });
      await expectSiteError(collectSiteData({ repoDir: fx.repoDir, evidenceDir: ev, dataDir: join(tmp, 'd3'), now: NOW }), 'SITE_EVIDENCE_INVALID', /is not named for/);
    }
  }, 60_000);

  it('an evidence file that changes between verification and display', async () => {
    const site = 'clinic-northside';
    const appliance = 'northside-appl-1';
    const dir = join(tmp, 'toctou', site, appliance);
    cpSync(join(fx.evidenceDir, site, appliance), dir, { recursive: true });
    const siteFile = parseYaml(readFileSync(join(fx.repoDir, 'sites', `${site}.yaml`), 'utf8')) as { appliances: { id: string; signing_key: string }[] };
    const keys = trustedKeyMap(siteFile.appliances.map((a) => trustedKey(a.id, new Uint8Array(Buffer.from(a.signing_key, 'base64url')), { site })));
    const chain = await verifyChainDir(dir, site, appliance, keys);
    expect(chain.verdict.ok).toBe(true);
    expect((await readChainDay(chain, chain.files[0]!, keys)).every((r) => r.verification === 'verified')).toBe(true);
    const path = join(dir, chain.files[1]!.name);
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [lines[1], lines[0], ...lines.slice(2)].join('\n'));
    await expectSiteError(readChainDay(chain, chain.files[1]!, keys), 'SITE_EVIDENCE_INVALID', /changed while the site was being built/);
  });

  it('an invalid build time', async () => {
    await expectSiteError(collectSiteData({ repoDir: fx.repoDir, evidenceDir: fx.evidenceDir, dataDir: join(tmp, 'd4'), now: new Date('nope') }), 'SITE_REPO_INVALID', /not a valid time/);
  });
});
