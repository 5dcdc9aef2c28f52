import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { demoRuleFiles, demoSiteFile, DEMO_RULES } from '../../../../cli/demo/demo-clinic.js';
import { demoNow, openDemoState, saveDemoState } from '../../../../cli/demo/demo-state.js';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'writ-demo-state-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('demo state folder', () => {
  it('starts empty (mode 0700), then reads back what the last run saved; each run is one day later', () => {
    const root = join(scratch(), 'state');
    const first = openDemoState(root);
    expect(first.state).toBeUndefined();
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(readdirSync(root)).toEqual(['WRIT-DEMO']);
    const clock = () => new Date('2026-11-18T16:00:00Z');
    expect(demoNow(undefined, undefined, clock).toISOString()).toBe('2026-11-18T16:00:00.000Z');
    // A first run that stopped half-way (files, no state yet) is still the demo's folder.
    mkdirSync(join(root, 'keys'));
    expect(openDemoState(root).state).toBeUndefined();
    saveDemoState(first.layout, { format: 'writ-demo-state/v1', runs: 1, last_now: '2026-11-18T16:00:00.000Z', ssh_port: 40022 });
    expect(statSync(first.layout.stateFile).mode & 0o777).toBe(0o600);
    const second = openDemoState(root);
    expect(second.state).toEqual({ format: 'writ-demo-state/v1', runs: 1, last_now: '2026-11-18T16:00:00.000Z', ssh_port: 40022 });
    expect(demoNow(second.state, undefined, clock).toISOString()).toBe('2026-11-19T16:00:00.000Z');
    expect(demoNow(second.state, new Date('2030-01-01T00:00:00Z'), clock).toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('accepts an empty folder and refuses a file, a foreign folder and a broken state file', () => {
    const top = scratch();
    mkdirSync(join(top, 'empty'));
    expect(openDemoState(join(top, 'empty')).state).toBeUndefined();
    writeFileSync(join(top, 'file'), 'x');
    expect(() => openDemoState(join(top, 'file'))).toThrow(/is a file, not a folder/);
    mkdirSync(join(top, 'foreign'));
    writeFileSync(join(top, 'foreign', 'thesis.tex'), 'x');
    expect(() => openDemoState(join(top, 'foreign'))).toThrow(expect.objectContaining({ code: 'DEMO_STATE_INVALID' }));
    for (const bad of ['{', '[]', '{"format":"writ-demo-state/v1","runs":"1","last_now":"2026-11-18T16:00:00Z"}', '{"format":"writ-demo-state/v1","runs":1,"last_now":"soon"}', 'null']) {
      const root = join(top, `bad-${dirs.length}-${bad.length}`);
      mkdirSync(root);
      writeFileSync(join(root, 'WRIT-DEMO'), '');
      writeFileSync(join(root, 'demo-state.json'), bad);
      expect(() => openDemoState(root), bad).toThrow(expect.objectContaining({ code: 'DEMO_STATE_INVALID' }));
    }
  });
});

describe('demo clinic files', () => {
  const appliance = { encryptionKey: 'E'.repeat(43), signingKey: 'S'.repeat(43) };
  const runbooks = new Set(DEMO_RULES.map((r) => r.runbook));

  it('puts the whole site in audit mode, pins the appliance keys and the SSH host key, and names only rules that exist', () => {
    const site = parse(demoSiteFile({ appliance, runbooks: new Set(['LIN-SSH-003']), repoRules: new Set(['L1-LIN-SSH-001']), ssh: { port: 40022, hostKey: 'ssh-ed25519 AAAAC3Nza' } })) as Record<string, unknown>;
    expect(site['mode']).toBe('audit');
    expect(site['appliances']).toEqual([{ id: 'clinic-demo-appl-1', encryption_key: appliance.encryptionKey, signing_key: appliance.signingKey }]);
    expect(site['hosts']).toEqual([
      { id: 'appliance', platform: 'linux', transport: 'local', ring: 0, tags: ['appliance'] },
      { id: 'loopback-ssh', address: '127.0.0.1', port: 40022, platform: 'linux', transport: 'ssh', host_key: 'ssh-ed25519 AAAAC3Nza', credential: 'demo-ssh', ring: 1, tags: ['server'] },
    ]);
    expect(site['rules']).toEqual([{ rule: 'L1-LIN-SSH-001' }, { rule: 'L1-DEMO-SSH-003' }]);
    // No rule or host entry sets a mode that would override the site's audit.
    expect(JSON.stringify(site['rules'])).not.toContain('mode');
    expect(JSON.stringify(site['hosts'])).not.toContain('mode');
  });

  it('has only the local host without the SSH host, and a rule file per demo rule whose runbook exists', () => {
    const site = parse(demoSiteFile({ appliance, runbooks, repoRules: new Set() })) as { hosts: { id: string }[] };
    expect(site.hosts.map((h) => h.id)).toEqual(['appliance']);
    const files = demoRuleFiles(new Set(['LIN-ACCT-001', 'LIN-PERM-001']));
    expect(Object.keys(files).sort()).toEqual(['policies/L1-DEMO-ACCT-001.yaml', 'policies/L1-DEMO-PERM-001.yaml']);
    const acct = parse(files['policies/L1-DEMO-ACCT-001.yaml']!) as { action: { type: string }; check: string; mode?: string };
    expect(acct).toMatchObject({ check: 'LIN-ACCT-001', action: { type: 'escalate' } });
    expect(acct.mode).toBeUndefined();
  });
});
