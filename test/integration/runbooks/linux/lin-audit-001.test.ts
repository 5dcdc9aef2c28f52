/*
 * LIN-AUDIT-001 (audit watches on identity files) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - the loaded kernel rules: auditd/auditctl are not installed here, the container may not load
 *   audit rules, and `auditctl -l/-s/-w/-W` need root. So `check_live` and `apply_live` are false in
 *   the main tests; with them on, the test asserts the not_applicable/error answers
 *   (AUDIT_NOT_INSTALLED) and that nothing changed. The locked-rules (-e 2) path is only reviewed.
 * What runs for real: reading rules_dir/*.rules in both rule syntaxes, the writ-owned rules file
 * (rewritten, never appended), idempotence, and the byte-exact rollback.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-AUDIT-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const DISTRO = '## First rule - delete all\n-D\n-b 8192\n--backlog_wait_time 60000\n-f 1\n';
const HEADER = '## Managed by writ LIN-AUDIT-001. This file is rewritten by every remediation: change the runbook\n## parameters (watched_files, permissions, audit_key) instead of editing it.\n';

function setup(files: Record<string, string>) {
  const root = scratchRoot({ 'etc/audit/rules.d/audit.rules': DISTRO, ...files });
  const params = {
    rules_dir: root.path('etc/audit/rules.d'),
    rules_file: root.path('etc/audit/rules.d/writ-identity.rules'),
    check_live: false,
    state_dir: root.path('var/lib/writ/rollback'),
    apply_live: false,
  };
  return { root, params };
}

describe('LIN-AUDIT-001 over real sshd', () => {
  it('passes when every identity file is watched, in either rule syntax', async () => {
    const { root, params } = setup({
      'etc/audit/rules.d/50-site.rules':
        '-w /etc/passwd -p wa -k identity\n-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -k shadow\n-w /etc/group -p rwxa\n# -w /etc/gshadow -p wa\n',
      'etc/audit/rules.d/60-etc.rules': '-a exit,always -F dir=/etc/ -F perm=wa -k etc\n',
    });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { watched: '/etc/passwd /etc/shadow /etc/group /etc/gshadow', missing_persistent: '', live_checked: false } });
    root.cleanup();
  });

  it('fails on missing watches, too few permissions, never-rules and deletions', async () => {
    const { root, params } = setup({
      'etc/audit/rules.d/50-site.rules': '-w /etc/passwd -p w -k identity\n-a never,exit -F path=/etc/shadow -F perm=wa\n-W /etc/group -p wa\n',
    });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { missing_persistent: '/etc/passwd /etc/shadow /etc/group /etc/gshadow' } });
    root.cleanup();
  });

  it('reports not_applicable without the audit system, never pass', async () => {
    const { root, params } = setup({});
    const none = await runLinuxStep(sshd, rb, 'check', { ...params, rules_dir: root.path('etc/audit/missing') });
    expect(none.result).toMatchObject({ status: 'not_applicable', reason_code: 'AUDIT_NOT_INSTALLED' });
    // The loaded rules cannot be read here (no auditctl): never pass on the files alone.
    writeFileSync(params.rules_file, '-w /etc/passwd -p wa\n-w /etc/shadow -p wa\n-w /etc/group -p wa\n-w /etc/gshadow -p wa\n');
    const live = await runLinuxStep(sshd, rb, 'check', { ...params, check_live: true });
    expect(['not_applicable', 'error']).toContain(live.result?.status);
    expect(live.result?.reason_code).toBe('AUDIT_NOT_INSTALLED');
    root.cleanup();
  });

  it('writes only the missing watches to its own file, changes nothing on a second run, and rolls back exactly', async () => {
    const site = '-w /etc/passwd -p wa -k site\n';
    const { root, params } = setup({ 'etc/audit/rules.d/50-site.rules': site });
    const before = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');

    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, rules_written: '/etc/shadow /etc/group /etc/gshadow', live: 'not changed (apply_live false)' } });
    expect(root.read('etc/audit/rules.d/writ-identity.rules')).toBe(
      HEADER + '-w /etc/shadow -p wa -k identity\n-w /etc/group -p wa -k identity\n-w /etc/gshadow -p wa -k identity\n',
    );
    expect(root.snapshot()['etc/audit/rules.d/writ-identity.rules']).toMatch(/^640 /);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'pass', observed: { missing_persistent: '' } });
    const afterFirst = root.snapshot();

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result).toMatchObject({ status: 'pass', observed: { changed: false } });
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result).toMatchObject({ status: 'pass', observed: { rules_file_restore: 'removed (there was none before)' } });
    expect(root.snapshot()).toEqual(before);
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('rewrites an old writ file with duplicates instead of appending, and never duplicates a site watch', async () => {
    const old = '-w /etc/passwd -p wa -k identity\n-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n';
    const { root, params } = setup({ 'etc/audit/rules.d/writ-identity.rules': old });
    const before = root.snapshot();
    await runLinuxStep(sshd, rb, 'remediate', params);
    const text = root.read('etc/audit/rules.d/writ-identity.rules');
    expect(text.match(/-w \/etc\/passwd /g)).toHaveLength(1);
    // The site now watches shadow itself: the writ file drops its own shadow line.
    writeFileSync(root.path('etc/audit/rules.d/50-site.rules'), '-w /etc/shadow -p wa -k site\n');
    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.result?.observed['rules_written']).toBe('/etc/passwd /etc/group /etc/gshadow');
    expect(root.read('etc/audit/rules.d/writ-identity.rules')).not.toContain('/etc/shadow');
    rmSync(root.path('etc/audit/rules.d/50-site.rules'));
    await runLinuxStep(sshd, rb, 'rollback', params);
    expect(root.snapshot()).toEqual(before); // the old file, duplicates and all, as it was
    root.cleanup();
  });

  it('with apply_live, refuses to start without auditctl and changes nothing', async () => {
    const { root, params } = setup({});
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, apply_live: true });
    expect(r.code).not.toBe(0);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'AUDIT_NOT_INSTALLED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('treats hostile rule text, paths and records as data', async () => {
    const evilRules = '-w /etc/passwd$(touch${IFS}/tmp/writ-canary) -p wa -k "$(touch /tmp/writ-canary)"\n-w `touch /tmp/writ-canary` -p wa\n';
    const evilPath = "/etc/pass`touch${IFS}/tmp/writ-canary`'\"wd";
    const { root, params } = setup({ 'etc/audit/rules.d/50-evil.rules': evilRules });
    const evilName = 'writ-$(id>x) `id` \'"x.rules'; // a file name cannot hold the canary's slash
    const rulesFile = root.path(`etc/audit/rules.d/${evilName}`);
    const p = { ...params, watched_files: ['/etc/passwd', evilPath], rules_file: rulesFile };
    const r = await runLinuxStep(sshd, rb, 'check', p);
    expect(r.result).toMatchObject({ status: 'fail', observed: { missing_persistent: `/etc/passwd ${evilPath}` } });
    const fix = await runLinuxStep(sshd, rb, 'remediate', p);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { rules_file: rulesFile } });
    expect(root.read(`etc/audit/rules.d/${evilName}`)).toContain(`-w ${evilPath} -p wa -k identity\n`);
    expect((await runLinuxStep(sshd, rb, 'check', p)).result?.status).toBe('pass');
    writeFileSync(root.path('var/lib/writ/rollback/LIN-AUDIT-001.live'), '/etc/passwd wa $(touch /tmp/writ-canary)\n');
    expect((await runLinuxStep(sshd, rb, 'rollback', p)).result).toMatchObject({ status: 'error', reason_code: 'BAD_ROLLBACK_STATE' });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
