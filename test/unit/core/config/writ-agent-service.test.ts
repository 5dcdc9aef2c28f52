import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../../core/config/parse-agent-config.js';

const ROOT = join(import.meta.dirname, '../../../..');
const UNIT = readFileSync(join(ROOT, 'agent/writ-agent.service'), 'utf8');

/** `Key=value` lines of one [Section], comments dropped; a key may repeat. */
function directives(section: string): [string, string][] {
  const body = UNIT.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? '';
  return body.split('\n').slice(1)
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]);
}
const service = directives('Service');
const values = (key: string) => service.filter(([k]) => k === key).map(([, v]) => v);

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;

describe('agent/writ-agent.service', () => {
  it('explains itself in a comment header', () => {
    expect(UNIT.split('\n')[0]).toMatch(/^# writ-agent\.service: /);
  });

  it('runs `writ agent --config /etc/writ/agent.yaml` as the writ user, restarting on failure', () => {
    expect(values('ExecStart')).toHaveLength(1);
    expect(values('ExecStart')[0]).toMatch(/^\/\S+\/writ agent --config \/etc\/writ\/agent\.yaml$/);
    expect(values('User')).toEqual(['writ']);
    expect(values('Group')).toEqual(['writ']);
    expect(values('Restart')).toEqual(['on-failure']);
    expect(directives('Install')).toContainEqual(['WantedBy', 'multi-user.target']);
    expect(directives('Unit')).toContainEqual(['After', expect.stringContaining('network-online.target')]);
  });

  it.each([
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
    ['CapabilityBoundingSet', ''],
    ['AmbientCapabilities', ''],
    ['SystemCallFilter', '@system-service'],
    ['SystemCallArchitectures', 'native'],
    ['StateDirectory', 'writ'],
    ['StateDirectoryMode', '0700'],
    ['ReadWritePaths', '/var/lib/writ'],
    ['UMask', '0077'],
    ['RestrictSUIDSGID', 'yes'],
    ['RestrictNamespaces', 'yes'],
    ['LockPersonality', 'yes'],
    ['ProtectKernelTunables', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['ProtectControlGroups', 'yes'],
  ])('sets %s=%s', (key, value) => {
    expect(values(key)).toEqual([value]);
  });

  it('never grants privilege or a listening port back', () => {
    expect(values('User')).not.toContain('root');
    expect(service.map(([k]) => k)).not.toContain('MemoryDenyWriteExecute'); // Node's JIT needs it off; see the header
    expect(values('AmbientCapabilities')).toEqual(['']);
    expect(UNIT).not.toMatch(/^(ListenStream|ListenDatagram|Sockets)=/m);
  });

  it('hands over exactly the secrets agent/agent.example.yaml names under /run/credentials', () => {
    const example = readFileSync(join(ROOT, 'agent/agent.example.yaml'));
    const { config } = parseAgentConfig({ path: '/etc/writ/agent.yaml', bytes: example, size: example.length });
    const secretPaths = [config!.source.tokenFile, config!.evidencePush?.tokenFile, ...[...config!.credentials.values()].flatMap((c) => [c.privateKeyPath, c.passwordPath])]
      .filter((p): p is string => p !== undefined && p.startsWith('/run/credentials/'));
    const loaded = values('LoadCredential').map((v) => `/run/credentials/writ-agent.service/${v.split(':')[0]}`);
    expect(loaded.sort()).toEqual(secretPaths.sort());
    for (const v of values('LoadCredential')) expect(v).toMatch(/^[a-z0-9._-]+:\/etc\/writ\/secrets\/[a-z0-9._-]+$/);
  });

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify (apart from writ not being installed here)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-unit-'));
    try {
      const path = join(dir, 'writ-agent.service');
      writeFileSync(path, UNIT);
      const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8', timeout: 30_000, cwd: dir });
      const complaints = `${r.stdout}\n${r.stderr}`.split('\n')
        .filter((l) => l.trim() && !/Command \S+ is not executable/.test(l));
      expect(complaints).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
