/*
 * LIN-SVC-004 (no telnet service) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - systemd as PID 1 (missing here): checking telnet units, `systemctl stop/disable` of them,
 *   reloading inetd/xinetd after an edit, and re-enabling units on rollback. The SYSTEMCTL_FAILED
 *   path is run instead (a scratch folder stands in for /run/systemd/system).
 * - removing and reinstalling telnet server packages (apt-get/dnf as root; none is installed here).
 * - a real telnet daemon: the listener check reads kernel socket tables, so the tests give it
 *   scratch copies of /proc/net/tcp{,6} with and without a LISTEN socket on port 23 (and once the
 *   real /proc/net of this machine).
 * What runs for real: the socket-table, inetd.conf and xinetd.d checks and edits, the record,
 * idempotence and the byte-exact rollback of the edited files.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-SVC-004');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const sock = (n: number, port: number, st: string) =>
  `  ${n}: 00000000:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + n} 1 0000000000000000 100 0 0 10 0\n`;
const CLEAN_TCP = HEADER + sock(0, 22, '0A') + sock(1, 23, '01'); // sshd listening; an outgoing telnet connection is not a server
const TELNET_TCP = CLEAN_TCP + sock(2, 23, '0A');
const TCP6 = HEADER;

const INETD = '# /etc/inetd.conf\n#<off># ftp stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.ftpd\ntelnet\tstream\ttcp\tnowait\ttelnetd\t/usr/sbin/tcpd\t/usr/sbin/in.telnetd\ndiscard stream tcp nowait root internal\n';
const XINETD_NO = '# default: on\nservice telnet\n{\n\tflags\t\t= REUSE\n\tsocket_type\t= stream\n\twait\t\t= no\n\tuser\t\t= root\n\tserver\t\t= /usr/sbin/in.telnetd\n\tdisable\t\t= no\n}\n';
const XINETD_NONE = 'service telnet-alt\n{\n\tport\t\t= 2323\n\tserver\t\t= /usr/sbin/in.telnetd\n}\n';
const XINETD_ECHO = 'service echo\n{\n\ttype\t\t= INTERNAL\n\tdisable\t\t= no\n}\n';

function setup(files: Record<string, string>) {
  const root = scratchRoot({ 'proc/net/tcp': CLEAN_TCP, 'proc/net/tcp6': TCP6, ...files });
  const params = {
    proc_net_dir: root.path('proc/net'),
    inetd_conf: root.path('etc/inetd.conf'),
    xinetd_dir: root.path('etc/xinetd.d'),
    state_dir: root.path('var/lib/writ/rollback'),
    apply_live: false,
    systemd_run_dir: root.path('run/systemd/system'),
  };
  return { root, params };
}

describe('LIN-SVC-004 over real sshd', () => {
  it('passes a host where nothing serves telnet, and says units were not checked', async () => {
    const { root, params } = setup({ 'etc/xinetd.d/echo': XINETD_ECHO, 'etc/inetd.conf': '#<off># telnet stream tcp nowait telnetd /usr/sbin/tcpd /usr/sbin/in.telnetd\n' });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'pass', observed: { listeners: 0, inetd_entries: 0, xinetd_files: '', systemd: false, installed_packages: '' } });
    expect(r.result?.message).toMatch(/systemd is not PID 1/);
    root.cleanup();
  });

  it('checks the real socket tables of this machine', async () => {
    const listening23 = ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(1) : []))
      .some((l) => l.trim().split(/\s+/)[1]?.endsWith(':0017') && l.trim().split(/\s+/)[3] === '0A');
    const root = scratchRoot();
    const r = await runLinuxStep(sshd, rb, 'check', { inetd_conf: root.path('none'), xinetd_dir: root.path('none'), systemd_run_dir: root.path('none') });
    expect(r.result).toMatchObject({ status: listening23 ? 'fail' : 'pass', observed: { listeners: listening23 ? expect.any(Number) : 0 } });
    root.cleanup();
  });

  it('fails on a telnet listener, an inetd entry, and an xinetd service that is not disabled', async () => {
    const a = setup({ 'proc/net/tcp': TELNET_TCP });
    expect((await runLinuxStep(sshd, rb, 'check', a.params)).result).toMatchObject({ status: 'fail', observed: { listeners: 1 } });
    const b = setup({ 'etc/inetd.conf': INETD });
    expect((await runLinuxStep(sshd, rb, 'check', b.params)).result).toMatchObject({ status: 'fail', observed: { listeners: 0, inetd_entries: 1 } });
    const c = setup({ 'etc/xinetd.d/telnet': XINETD_NO, 'etc/xinetd.d/telnet-alt': XINETD_NONE, 'etc/xinetd.d/echo': XINETD_ECHO });
    expect((await runLinuxStep(sshd, rb, 'check', c.params)).result).toMatchObject({ status: 'fail', observed: { xinetd_files: 'telnet telnet-alt' } });
    for (const s of [a, b, c]) s.root.cleanup();
  });

  it('reports error without socket tables or when systemctl cannot answer, never pass', async () => {
    const { root, params } = setup({});
    const r = await runLinuxStep(sshd, rb, 'check', { ...params, proc_net_dir: root.path('nope') });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NO_SOCKET_TABLE' });
    const s = scratchRoot({ 'run/systemd/system/.keep': '' });
    const r2 = await runLinuxStep(sshd, rb, 'check', { ...params, systemd_run_dir: s.path('run/systemd/system') });
    expect(r2.result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    root.cleanup();
    s.cleanup();
  });

  it('turns telnet off in inetd and xinetd, changes nothing on a second run, and rolls back exactly', async () => {
    const { root, params } = setup({ 'etc/inetd.conf': INETD, 'etc/xinetd.d/telnet': XINETD_NO, 'etc/xinetd.d/telnet-alt': XINETD_NONE, 'etc/xinetd.d/echo': XINETD_ECHO });
    const before = root.snapshot();
    expect((await runLinuxStep(sshd, rb, 'check', params)).result?.status).toBe('fail');

    const fix = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(fix.code).toBe(0);
    expect(fix.result).toMatchObject({ status: 'pass', observed: { changed: true, skipped_live_steps: '', systemd: false } });
    expect(String(fix.result?.observed['changed_files']).split(' ')).toEqual([params.inetd_conf, root.path('etc/xinetd.d/telnet'), root.path('etc/xinetd.d/telnet-alt')]);
    expect((await runLinuxStep(sshd, rb, 'check', params)).result).toMatchObject({ status: 'pass', observed: { inetd_entries: 0, xinetd_files: '' } });
    expect(root.read('etc/inetd.conf')).toBe(INETD.replace('telnet\tstream', '#<off># telnet\tstream'));
    expect(root.read('etc/xinetd.d/telnet')).toBe(XINETD_NO.replace('disable\t\t= no', 'disable\t\t= yes'));
    expect(root.read('etc/xinetd.d/telnet-alt')).toBe(XINETD_NONE.replace('{\n', '{\n\tdisable\t\t= yes\n'));
    expect(root.read('etc/xinetd.d/echo')).toBe(XINETD_ECHO);
    const afterFirst = root.snapshot();

    const again = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(again.result).toMatchObject({ status: 'pass', observed: { changed: false } });
    expect(root.snapshot()).toEqual(afterFirst);

    const back = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(back.result?.status).toBe('pass');
    expect(root.snapshot()).toEqual(before);
    expect(existsSync(root.path('var/lib/writ/rollback/LIN-SVC-004.d'))).toBe(false);
    expect((await runLinuxStep(sshd, rb, 'rollback', params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    root.cleanup();
  });

  it('remediation stops before any edit when systemd is there but systemctl cannot answer', async () => {
    const { root, params } = setup({ 'etc/inetd.conf': INETD, 'run/systemd/system/.keep': '' });
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(r.code).not.toBe(0);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'SYSTEMCTL_FAILED' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('treats hostile file contents, file names and records as data', async () => {
    const evil = "telnet stream tcp nowait root /usr/sbin/in.telnetd $(touch /tmp/writ-canary) `touch /tmp/writ-canary` \"'\n";
    const evilName = "tel'net$(id>x)`id`\"x"; // a file name cannot hold the canary's slash
    const { root, params } = setup({ 'etc/inetd.conf': evil, [`etc/xinetd.d/${evilName}`]: XINETD_NO });
    const r = await runLinuxStep(sshd, rb, 'check', params);
    expect(r.result).toMatchObject({ status: 'fail', observed: { inetd_entries: 1, xinetd_files: evilName } });
    await runLinuxStep(sshd, rb, 'remediate', params);
    expect(root.read('etc/inetd.conf')).toBe('#<off># ' + evil);
    await runLinuxStep(sshd, rb, 'rollback', params);
    expect(root.read('etc/inetd.conf')).toBe(evil);
    const rec = setup({ 'var/lib/writ/rollback/LIN-SVC-004.d/packages.removed': 'telnetd\n$(touch /tmp/writ-canary)\n' });
    expect((await runLinuxStep(sshd, rb, 'rollback', rec.params)).result).toMatchObject({ status: 'error', reason_code: 'BAD_ROLLBACK_STATE' });
    const bad = await runLinuxStep(sshd, rb, 'check', { ...params, telnet_units: ['telnet.socket', '$(touch /tmp/writ-canary)'] });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_parameter: '$(touch /tmp/writ-canary)' } });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
    rec.root.cleanup();
  });
});
