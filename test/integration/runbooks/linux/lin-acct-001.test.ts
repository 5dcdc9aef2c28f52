/*
 * LIN-ACCT-001 over a real sshd, scripts running as the unprivileged writ-test on a scratch passwd.
 *
 * Could not run on this machine, and why:
 * - Nothing is left out: the runbook is detect-only (no remediate or rollback; a second UID 0
 *   account needs a person), and its check reads only the account file, which a scratch root holds.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-ACCT-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const BASE = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nwrit-test:x:1001:1001::/home/writ-test:/bin/bash\n';

function setup(passwd: string) {
  const root = scratchRoot({ 'etc/passwd': passwd });
  return { root, params: { passwd_file: root.path('etc/passwd') } };
}

describe('LIN-ACCT-001 over real sshd', () => {
  it('has no remediation: a second UID 0 account needs a person', () => {
    expect(rb.scripts.remediate).toBeUndefined();
    expect(rb.scripts.rollback).toBeUndefined();
    expect(rb.standalone).toMatch(/Detect-only/);
  });

  it('passes when only root has user id 0', async () => {
    const { root, params } = setup(BASE);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { uid0_accounts: 'root', unexpected_uid0_count: 0, unexpected_uid0_accounts: '' } });
    root.cleanup();
  });

  it('fails on a second UID 0 account, also one written as 00 and one without a trailing newline', async () => {
    const { root, params } = setup(BASE + 'toor:x:0:0::/root:/bin/sh\nsvc:x:00:0::/:/bin/sh\n# comment:x:0\nbackup2:x:0:0::/:/bin/sh');
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { uid0_accounts: 'root,toor,svc,backup2', unexpected_uid0_count: 3, unexpected_uid0_accounts: 'toor,svc,backup2' } });
    root.cleanup();
  });

  it('honours the allow-list parameter', async () => {
    const { root, params } = setup(BASE + 'toor:x:0:0::/root:/bin/sh\n');
    const r = await runLinuxStep(sshd, rb, 'check', { ...params, allowed_uid0_accounts: ['root', 'toor'] });
    expect(r.result?.status).toBe('pass');
    root.cleanup();
  });

  it('reports a missing account file as an error, never pass', async () => {
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { passwd_file: root.path('etc/passwd') });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'PASSWD_MISSING' });
    root.cleanup();
  });

  it('carries hostile account names into the result as data', async () => {
    rmSync(CANARY, { force: true });
    const evil = '$(touch /tmp/writ-canary)`touch /tmp/writ-canary`"\'';
    const { root, params } = setup(BASE + `${evil}:x:0:0::/:/bin/sh\n`);
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { unexpected_uid0_accounts: evil } });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
  });
});
