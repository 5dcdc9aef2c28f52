import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAgentConfig, toCredential } from '../../../adapters/config/load-agent-config.js';

const ROOT = join(import.meta.dirname, '../../..');
const isRoot = process.getuid?.() === 0;

/** A config naming files relative to its folder; every line number below refers to this text. */
const CONFIG = `apiVersion: writ/v1
kind: AgentConfig
site: clinic-northside
source:
  url: http://127.0.0.1:8417/policy.git
  token_file: secrets/git-token
trust_root: root.json
appliance_key: appliance.key
state_dir: state
evidence_dir: evidence
credentials:
  linux-admin:
    username: writ-svc
    private_key_file: secrets/linux-admin
    sudo: true
  windows-admin:
    username: writ-svc
    password_file: secrets/windows-admin
`;
const LINE = { token: 6, trustRoot: 7, applianceKey: 8, stateDir: 9, evidenceDir: 10, linuxKey: 14, windowsPassword: 18 };

let dir: string;

/** The appliance folder of a healthy install: every file present with the modes the agent wants. */
function healthyAppliance(): void {
  mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
  writeFileSync(join(dir, 'agent.yaml'), CONFIG, { mode: 0o640 });
  writeFileSync(join(dir, 'root.json'), '{"signed":{}}\n', { mode: 0o644 });
  for (const secret of ['appliance.key', 'secrets/git-token', 'secrets/linux-admin', 'secrets/windows-admin']) {
    writeFileSync(join(dir, secret), 'secret\n', { mode: 0o600 });
  }
}

const load = () => loadAgentConfig(join(dir, 'agent.yaml'));
const brief = () => load().findings.map((f) => `${f.line} ${f.code} ${f.pointer}`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'writ-agent-config-'));
  healthyAppliance();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadAgentConfig', () => {
  it('loads a healthy appliance config with absolute paths', () => {
    const { config, findings } = load();
    expect(findings).toEqual([]);
    expect(config).toMatchObject({
      file: join(dir, 'agent.yaml'),
      baseDir: dir,
      source: { url: 'http://127.0.0.1:8417/policy.git', tokenFile: join(dir, 'secrets/git-token') },
      trustRootPath: join(dir, 'root.json'),
      applianceKeyPath: join(dir, 'appliance.key'),
      stateDir: join(dir, 'state'),
      evidenceDir: join(dir, 'evidence'),
    });
    expect(toCredential(config!, 'linux-admin')).toEqual({ name: 'linux-admin', username: 'writ-svc', privateKeyPath: join(dir, 'secrets/linux-admin'), sudo: true });
    expect(toCredential(config!, 'windows-admin')).toEqual({ name: 'windows-admin', username: 'writ-svc', passwordPath: join(dir, 'secrets/windows-admin'), sudo: false });
    expect(toCredential(config!, 'nobody')).toBeUndefined();
    expect(toCredential(config!, 'constructor')).toBeUndefined();
  });

  it('accepts existing state and evidence folders of mode 0700', () => {
    mkdirSync(join(dir, 'state'), { mode: 0o700 });
    mkdirSync(join(dir, 'evidence'), { mode: 0o700 });
    expect(load().findings).toEqual([]);
  });

  it('refuses a credential file others can read, naming the file and its line', () => {
    chmodSync(join(dir, 'secrets/linux-admin'), 0o644);
    const { config, findings } = load();
    expect(config).toBeUndefined();
    expect(findings).toEqual([expect.objectContaining({
      file: join(dir, 'agent.yaml'), line: LINE.linuxKey, column: 23, pointer: '/credentials/linux-admin/private_key_file',
      code: 'AGT_CREDENTIAL_INSECURE', severity: 'error',
      message: `\`credentials.linux-admin.private_key_file\` names ${join(dir, 'secrets/linux-admin')}, which group or others can access (mode 0644)`,
      hint: `chmod 600 ${join(dir, 'secrets/linux-admin')}`,
    })]);
  });

  it.each<[string, string, number, string]>([
    ['the token file', 'secrets/git-token', LINE.token, '/source/token_file'],
    ['the appliance key', 'appliance.key', LINE.applianceKey, '/appliance_key'],
    ['a password file', 'secrets/windows-admin', LINE.windowsPassword, '/credentials/windows-admin/password_file'],
  ])('refuses %s when group can read it (0640)', (_name, file, line, pointer) => {
    chmodSync(join(dir, file), 0o640);
    expect(load().findings).toEqual([expect.objectContaining({ line, pointer, code: 'AGT_CREDENTIAL_INSECURE', hint: `chmod 600 ${join(dir, file)}` })]);
  });

  it('accepts a secret of mode 0400', () => {
    chmodSync(join(dir, 'secrets/linux-admin'), 0o400);
    expect(load().findings).toEqual([]);
  });

  it('refuses a secret that is a symbolic link, even to a private file', () => {
    writeFileSync(join(dir, 'elsewhere'), 'secret\n', { mode: 0o600 });
    rmSync(join(dir, 'secrets/linux-admin'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'secrets/linux-admin'));
    const [f] = load().findings;
    expect(f).toMatchObject({ line: LINE.linuxKey, code: 'AGT_CREDENTIAL_INSECURE' });
    expect(f!.message).toContain('symbolic link');
  });

  it('follows a symbolic link for the (public) trust root', () => {
    rmSync(join(dir, 'root.json'));
    writeFileSync(join(dir, 'root-v1.json'), '{}\n', { mode: 0o644 });
    symlinkSync('root-v1.json', join(dir, 'root.json'));
    expect(load().findings).toEqual([]);
  });

  it('refuses a trust root others can rewrite', () => {
    chmodSync(join(dir, 'root.json'), 0o666);
    expect(load().findings).toEqual([expect.objectContaining({ line: LINE.trustRoot, code: 'AGT_CONFIG_INVALID', hint: `chmod go-w ${join(dir, 'root.json')}` })]);
  });

  it('reports a missing file at its field with what to do', () => {
    rmSync(join(dir, 'root.json'));
    const { config, findings } = load();
    expect(config).toBeUndefined();
    expect(findings).toEqual([expect.objectContaining({ line: LINE.trustRoot, column: 13, pointer: '/trust_root', code: 'AGT_CONFIG_INVALID' })]);
    expect(findings[0]!.message).toBe(`\`trust_root\` names ${join(dir, 'root.json')}, which does not exist`);
    expect(findings[0]!.hint).toContain('writ keys init');
  });

  it('says how to make a missing appliance key', () => {
    rmSync(join(dir, 'appliance.key'));
    expect(load().findings[0]!.hint).toBe(`Run \`writ appliance init --site clinic-northside --dir ${dir}\` as the agent's user, or fix appliance_key.`);
  });

  it.each<[string, string, number]>([
    ['the trust root', 'root.json', LINE.trustRoot],
    ['a private key', 'secrets/linux-admin', LINE.linuxKey],
  ])('refuses a folder where %s is expected', (_name, file, line) => {
    rmSync(join(dir, file));
    mkdirSync(join(dir, file), { mode: 0o700 });
    const [f] = load().findings;
    expect(f).toMatchObject({ line, code: 'AGT_CONFIG_INVALID' });
    expect(f!.message).toContain('a folder, where a file is expected');
  });

  it('refuses a file where a folder is expected, and a state folder others can write', () => {
    writeFileSync(join(dir, 'state'), '');
    mkdirSync(join(dir, 'evidence'));
    chmodSync(join(dir, 'evidence'), 0o777);
    expect(load().findings.map((f) => [f.line, f.code, f.message.replace(dir, 'DIR'), f.hint.replace(dir, 'DIR')])).toEqual([
      [LINE.stateDir, 'AGT_CONFIG_INVALID', '`state_dir` names DIR/state, a file, where a folder is expected', 'Point state_dir at a folder, or move the file away.'],
      [LINE.evidenceDir, 'AGT_CONFIG_INVALID', '`evidence_dir` names DIR/evidence, which group or others can write (mode 0777); they could alter the agent\'s state or evidence', 'chmod 700 DIR/evidence'],
    ]);
  });

  it('lets state and evidence folders be created later, but not their parents', () => {
    const text = CONFIG.replace('state_dir: state', 'state_dir: var/lib/writ/state');
    writeFileSync(join(dir, 'agent.yaml'), text);
    const [f] = load().findings;
    expect(f).toMatchObject({ line: LINE.stateDir, code: 'AGT_CONFIG_INVALID', message: `\`state_dir\` names ${join(dir, 'var/lib/writ/state')}, whose parent folder ${join(dir, 'var/lib/writ')} does not exist` });
    expect(f!.hint).toContain(`mkdir -p ${join(dir, 'var/lib/writ')}`);
  });

  it.skipIf(!isRoot)('refuses a secret owned by another user (needs root to chown)', () => {
    chownSync(join(dir, 'secrets/linux-admin'), 4242, 4242);
    const [f] = load().findings;
    expect(f).toMatchObject({ line: LINE.linuxKey, code: 'AGT_CREDENTIAL_INSECURE' });
    expect(f!.message).toContain('owned by uid 4242');
  });

  it('reports every problem together, each at its own line, in line order', () => {
    chmodSync(join(dir, 'secrets/git-token'), 0o644);
    rmSync(join(dir, 'root.json'));
    mkdirSync(join(dir, 'root.json'));
    rmSync(join(dir, 'appliance.key'));
    chmodSync(join(dir, 'secrets/linux-admin'), 0o604);
    writeFileSync(join(dir, 'evidence'), '');
    writeFileSync(join(dir, 'agent.yaml'), CONFIG.replace('state_dir: state', 'state_dir: no/such/state'));
    expect(brief()).toEqual([
      `${LINE.token} AGT_CREDENTIAL_INSECURE /source/token_file`,
      `${LINE.trustRoot} AGT_CONFIG_INVALID /trust_root`,
      `${LINE.applianceKey} AGT_CONFIG_INVALID /appliance_key`,
      `${LINE.stateDir} AGT_CONFIG_INVALID /state_dir`,
      `${LINE.evidenceDir} AGT_CONFIG_INVALID /evidence_dir`,
      `${LINE.linuxKey} AGT_CREDENTIAL_INSECURE /credentials/linux-admin/private_key_file`,
    ]);
  });

  it('reports file-system problems together with semantic ones', () => {
    rmSync(join(dir, 'root.json'));
    writeFileSync(join(dir, 'agent.yaml'), CONFIG.replace('http://127.0.0.1:8417', 'http://git.msp.example'));
    expect(brief()).toEqual([`5 AGT_CONFIG_INVALID /source/url`, `${LINE.trustRoot} AGT_CONFIG_INVALID /trust_root`]);
  });

  it('stops at schema errors without guessing at paths', () => {
    writeFileSync(join(dir, 'agent.yaml'), `${CONFIG}concurency: 4\n`);
    rmSync(join(dir, 'root.json'));
    expect(load().findings.map((f) => f.code)).toEqual(['SCHEMA_UNKNOWN_KEY']);
  });

  it.each<[string, () => string, string]>([
    ['missing', () => join(dir, 'nope.yaml'), 'it does not exist'],
    ['a folder', () => join(dir, 'secrets'), 'is a folder, not a file'],
  ])('reports a config file that is %s as one finding with a hint', (_name, path, words) => {
    const { config, findings } = loadAgentConfig(path());
    expect(config).toBeUndefined();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: path(), line: 1, column: 1, code: 'AGT_CONFIG_INVALID' });
    expect(findings[0]!.message).toContain(words);
    expect(findings[0]!.hint).toContain('--config');
  });

  it('refuses a config file others can edit (they could swap the trust root)', () => {
    chmodSync(join(dir, 'agent.yaml'), 0o646);
    const { config, findings } = load();
    expect(config).toBeUndefined();
    expect(findings).toEqual([expect.objectContaining({ line: 1, code: 'AGT_CONFIG_INVALID', hint: `chmod go-w ${join(dir, 'agent.yaml')}` })]);
  });

  it('reports hostile YAML from disk as YAML findings', () => {
    writeFileSync(join(dir, 'agent.yaml'), `${CONFIG}site: clinic-southside\n`);
    expect(load().findings.map((f) => f.code)).toEqual(['YAML_DUPLICATE_KEY']);
    writeFileSync(join(dir, 'agent.yaml'), 'x'.repeat(2 << 20));
    expect(load().findings.map((f) => f.code)).toEqual(['YAML_FILE_TOO_LARGE']);
  });

  it('finds only the absent files when loading agent/agent.example.yaml on a bare machine', () => {
    const copy = join(dir, 'agent.yaml');
    writeFileSync(copy, readFileSync(join(ROOT, 'agent/agent.example.yaml')), { mode: 0o640 });
    const { config, findings } = loadAgentConfig(copy);
    const named = [
      ['/source/token_file', '/run/credentials/writ-agent.service/git-token'],
      ['/evidence_push/token_file', '/run/credentials/writ-agent.service/evidence-token'],
      ['/trust_root', '/etc/writ/root.json'],
      ['/appliance_key', '/var/lib/writ/appliance.key'],
      ['/state_dir', '/var/lib/writ'],
      ['/evidence_dir', '/var/lib/writ'],
      ['/credentials/northside-linux-admin/private_key_file', '/run/credentials/writ-agent.service/northside-linux-admin'],
      ['/credentials/northside-windows-admin/private_key_file', '/run/credentials/writ-agent.service/northside-windows-admin'],
      ['/pwsh', '/usr/bin/pwsh'],
    ] as const;
    const expected = named.filter(([, path]) => !existsSync(path)).map(([pointer]) => pointer);
    expect(expected).toContain('/trust_root'); // this machine is no appliance
    expect(config).toBeUndefined();
    expect(findings.map((f) => f.pointer).sort()).toEqual([...expected].sort());
    for (const f of findings) {
      expect(f.code).toBe('AGT_CONFIG_INVALID');
      expect(f.message).toContain('does not exist');
    }
  });

  it('leaves the files it checks untouched', () => {
    const before = statSync(join(dir, 'secrets/linux-admin'));
    load();
    expect(statSync(join(dir, 'secrets/linux-admin')).mode).toBe(before.mode);
    expect(existsSync(join(dir, 'state'))).toBe(false);
  });
});
