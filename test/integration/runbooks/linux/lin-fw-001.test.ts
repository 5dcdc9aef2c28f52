/*
 * LIN-FW-001 (host firewall filters inbound traffic) over a real sshd, scripts run as writ-test.
 *
 * Could not run on this machine:
 * - every firewall tool: ufw, firewalld/firewall-cmd/firewall-offline-cmd, nft and iptables are
 *   not installed, the container may not change netfilter, and writ-test is not root. So no real
 *   `ufw allow/enable`, `firewall-cmd --add-port`, `systemctl enable --now firewalld`, nft or
 *   iptables reading was run, and no package was installed.
 * What runs instead: the check's NO_FIREWALL_TOOL answer on this host (never pass); remediation and
 *   rollback with apply_live false, which compute the exact command plan from the os-release file
 *   of a scratch root and change nothing; this proves the order (SSH allowed BEFORE filtering is
 *   enabled, filtering disabled BEFORE allow rules are deleted) and that unknown distributions get
 *   an error instead of a silent no-op. With apply_live true as writ-test: NEEDS_ROOT, nothing
 *   changed. Record parsing (damaged and hostile records) runs for real.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type TestSshd } from '../../../../testkit/sshd.js';
import { loadLinuxRunbook, runLinuxStep, scratchRoot } from '../../../helpers/run-linux-runbook.js';

const rb = loadLinuxRunbook('LIN-FW-001');
const CANARY = '/tmp/writ-canary';
let sshd: TestSshd;
beforeAll(async () => {
  rmSync(CANARY, { force: true });
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const ROCKY = 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\n';
const ALPINE = 'NAME="Alpine Linux"\nID=alpine\n';

function setup(osRelease: string, files: Record<string, string> = {}) {
  const root = scratchRoot({ 'etc/os-release': osRelease, ...files });
  const params = { os_release: root.path('etc/os-release'), state_dir: root.path('var/lib/writ/rollback'), apply_live: false };
  return { root, params };
}
const steps = (r: { result: { observed: Record<string, unknown> } | null }) => String(r.result?.observed['plan']).split('; ');

describe('LIN-FW-001 over real sshd', () => {
  it('reports error NO_FIREWALL_TOOL on this host (no ufw, firewalld, nft or iptables), never pass', async () => {
    const r = await runLinuxStep(sshd, rb, 'check', {});
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NO_FIREWALL_TOOL', observed: { firewall_tool: 'none' } });
    const only = await runLinuxStep(sshd, rb, 'check', { backends: ['nftables'] });
    expect(only.result).toMatchObject({ status: 'error', reason_code: 'NO_FIREWALL_TOOL' });
  });

  it('plans ufw on Debian and Ubuntu: SSH allowed before filtering is enabled', async () => {
    for (const os of [DEBIAN, UBUNTU]) {
      const { root, params } = setup(os);
      const before = root.snapshot();
      const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, allow_ports: ['22/tcp', '443/tcp'] });
      expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'DRY_RUN', observed: { firewall_tool: 'ufw', os_family: 'debian', changed: false } });
      expect(steps(r)).toEqual([
        'env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ufw',
        'ufw allow 22/tcp',
        'ufw allow 443/tcp',
        'ufw default deny incoming',
        'ufw default allow outgoing',
        'ufw --force enable',
      ]);
      expect(root.snapshot()).toEqual(before); // nothing changed, no record
      root.cleanup();
    }
  });

  it('plans firewalld on RHEL-like hosts: ports opened offline before the service starts', async () => {
    const { root, params } = setup(ROCKY);
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, firewalld_package: 'firewalld' });
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'DRY_RUN', observed: { firewall_tool: 'firewalld', os_family: 'rhel' } });
    expect(steps(r)).toEqual(['dnf install -y firewalld', 'firewall-offline-cmd --add-port=22/tcp', 'systemctl enable --now firewalld']);
    root.cleanup();
  });

  it('refuses unknown distributions, missing packages and unmanaged backends with a reason, never a silent no-op', async () => {
    const a = setup(ALPINE);
    const r = await runLinuxStep(sshd, rb, 'remediate', a.params);
    expect(r.code).not.toBe(0);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'UNSUPPORTED_DISTRO', observed: { os_id: 'alpine', os_family: 'unknown' } });
    const b = setup(DEBIAN);
    expect((await runLinuxStep(sshd, rb, 'remediate', { ...b.params, install_package: false })).result).toMatchObject({ status: 'error', reason_code: 'NO_FIREWALL_TOOL' });
    expect((await runLinuxStep(sshd, rb, 'remediate', { ...b.params, backends: ['nftables', 'iptables'] })).result).toMatchObject({ status: 'error', reason_code: 'NO_SUPPORTED_BACKEND' });
    const c = setup('');
    expect((await runLinuxStep(sshd, rb, 'remediate', { ...c.params, os_release: c.root.path('missing') })).result).toMatchObject({ status: 'error', reason_code: 'UNSUPPORTED_DISTRO' });
    for (const s of [a, b, c]) s.root.cleanup();
  });

  it('with apply_live, needs root and changes nothing without it', async () => {
    const { root, params } = setup(DEBIAN);
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'remediate', { ...params, apply_live: true });
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'NEEDS_ROOT' });
    expect(root.snapshot()).toEqual(before);
    root.cleanup();
  });

  it('plans a rollback that disables filtering before deleting the allow rules it added', async () => {
    const record = 'tool=ufw\nwas_active=false\nprior_incoming=allow\nadded_ports=22/tcp 443/tcp\ninstalled_package=ufw\n';
    const { root, params } = setup(DEBIAN, { 'var/lib/writ/rollback/LIN-FW-001.state': record });
    const before = root.snapshot();
    const r = await runLinuxStep(sshd, rb, 'rollback', params);
    expect(r.result).toMatchObject({ status: 'not_applicable', reason_code: 'DRY_RUN', observed: { package_left_installed: 'ufw' } });
    expect(steps(r)).toEqual(['ufw --force disable', 'ufw default allow incoming', 'ufw delete allow 22/tcp', 'ufw delete allow 443/tcp']);
    expect(root.snapshot()).toEqual(before); // the record is kept for the live rollback
    const fw = setup(ROCKY, { 'var/lib/writ/rollback/LIN-FW-001.state': 'tool=firewalld\nwas_active=false\nprior_incoming=\nadded_ports=22/tcp\ninstalled_package=\n' });
    expect(steps(await runLinuxStep(sshd, rb, 'rollback', fw.params))).toEqual(['systemctl disable --now firewalld', 'firewall-offline-cmd --remove-port=22/tcp']);
    const none = setup(DEBIAN);
    expect((await runLinuxStep(sshd, rb, 'rollback', none.params)).result).toMatchObject({ status: 'error', reason_code: 'NO_ROLLBACK_STATE' });
    for (const s of [root, fw.root, none.root]) s.cleanup();
  });

  it('treats hostile os-release values, records and parameters as data', async () => {
    const { root, params } = setup('ID="$(touch /tmp/writ-canary)"\nID_LIKE=`touch /tmp/writ-canary` \'x\n');
    const r = await runLinuxStep(sshd, rb, 'remediate', params);
    expect(r.result).toMatchObject({ status: 'error', reason_code: 'UNSUPPORTED_DISTRO', observed: { os_id: '$(touch /tmp/writ-canary)' } });
    const bad = await runLinuxStep(sshd, rb, 'remediate', { ...params, allow_ports: ['22/tcp; touch /tmp/writ-canary'] });
    expect(bad.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER', observed: { bad_parameter: '22/tcp; touch /tmp/writ-canary' } });
    const rec = setup(DEBIAN, { 'var/lib/writ/rollback/LIN-FW-001.state': 'tool=ufw\nwas_active=false\nprior_incoming=$(touch /tmp/writ-canary)\nadded_ports=22/tcp\n' });
    expect((await runLinuxStep(sshd, rb, 'rollback', rec.params)).result).toMatchObject({ status: 'error', reason_code: 'BAD_ROLLBACK_STATE' });
    const be = await runLinuxStep(sshd, rb, 'check', { backends: ['ufw$(touch /tmp/writ-canary)'] });
    expect(be.result).toMatchObject({ status: 'error', reason_code: 'BAD_PARAMETER' });
    expect(existsSync(CANARY)).toBe(false);
    root.cleanup();
    rec.root.cleanup();
  });
});
