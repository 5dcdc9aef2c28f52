import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_CONFIG_DEFAULTS, parseAgentConfig } from '../../../../core/config/parse-agent-config.js';
import { SCHEMAS } from '../../../../core/validate/schemas.js';

const ROOT = join(import.meta.dirname, '../../../..');
const PATH = '/etc/writ/agent.yaml';

const parse = (text: string, path = PATH, baseDir?: string) => {
  const bytes = new TextEncoder().encode(text);
  return parseAgentConfig({ path, bytes, size: bytes.length }, baseDir === undefined ? {} : { baseDir });
};
const show = (text: string) => parse(text).findings.map((f) => `${f.line}:${f.column} ${f.code} ${f.pointer} ${f.message} | ${f.hint}`);

/** The smallest valid config: only the required keys. */
const MINIMAL = `apiVersion: writ/v1
kind: AgentConfig
site: clinic-northside
source:
  url: https://git.msp.example/clinics/policy.git
trust_root: /etc/writ/root.json
appliance_key: /var/lib/writ/appliance.key
state_dir: /var/lib/writ/state
evidence_dir: /var/lib/writ/evidence
`;

/** Every key set, one credential of each kind. */
const FULL = `apiVersion: writ/v1
kind: AgentConfig
site: clinic-northside
appliance: northside-appl-1
source:
  url: https://git.msp.example/clinics/policy.git
  branch: writ/releases
  token_file: secrets/git-token
  timeout_seconds: 60
trust_root: root.json
appliance_key: /var/lib/writ/appliance.key
state_dir: /var/lib/writ/state
evidence_dir: /var/lib/writ/evidence
credentials:
  linux-admin:
    username: writ-svc
    private_key_file: secrets/linux-admin
    sudo: true
  windows-admin:
    username: writ-svc
    password_file: secrets/windows-admin
poll:
  interval_seconds: 600
  jitter_seconds: 30
concurrency: 4
connect_timeout_seconds: 10
release:
  max_age_hours: 72
pwsh: /usr/bin/pwsh
log:
  level: debug
`;

/** FULL with `from` replaced by `to`; fails loudly when the fixture lacks `from`. */
const edit = (from: string, to: string, base = FULL): string => {
  if (!base.includes(from)) throw new Error(`fixture lacks ${JSON.stringify(from)}`);
  return base.replace(from, to);
};

describe('parseAgentConfig', () => {
  it('applies every default to a minimal config', () => {
    const { config, findings } = parse(MINIMAL);
    expect(findings).toEqual([]);
    expect(config).toEqual({
      file: PATH,
      baseDir: '/etc/writ',
      site: 'clinic-northside',
      source: { url: 'https://git.msp.example/clinics/policy.git', branch: 'writ/releases', timeoutMs: 120_000 },
      trustRootPath: '/etc/writ/root.json',
      applianceKeyPath: '/var/lib/writ/appliance.key',
      stateDir: '/var/lib/writ/state',
      evidenceDir: '/var/lib/writ/evidence',
      credentials: new Map(),
      poll: { intervalMs: 900_000, jitterMs: 60_000 },
      concurrency: 8,
      connectTimeoutMs: 15_000,
      release: { maxAgeMs: 168 * 3_600_000 },
      log: { level: 'info' },
    });
  });

  it('reads every key, converts durations to milliseconds and maps credentials', () => {
    const { config, findings } = parse(FULL);
    expect(findings).toEqual([]);
    expect(config).toMatchObject({
      appliance: 'northside-appl-1',
      source: { branch: 'writ/releases', tokenFile: '/etc/writ/secrets/git-token', timeoutMs: 60_000 },
      trustRootPath: '/etc/writ/root.json',
      poll: { intervalMs: 600_000, jitterMs: 30_000 },
      concurrency: 4,
      connectTimeoutMs: 10_000,
      release: { maxAgeMs: 72 * 3_600_000 },
      pwshPath: '/usr/bin/pwsh',
      log: { level: 'debug' },
    });
    expect([...config!.credentials.values()]).toEqual([
      { name: 'linux-admin', username: 'writ-svc', privateKeyPath: '/etc/writ/secrets/linux-admin', sudo: true },
      { name: 'windows-admin', username: 'writ-svc', passwordPath: '/etc/writ/secrets/windows-admin', sudo: false },
    ]);
  });

  it('keeps the defaults in the code equal to the schema\'s', () => {
    const props = SCHEMAS['agent-config']!['properties'] as Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }>;
    const cred = (props['credentials'] as unknown as { additionalProperties: { properties: Record<string, { default?: unknown }> } }).additionalProperties;
    expect({
      branch: props['source']!.properties!['branch']!.default,
      timeoutSeconds: props['source']!.properties!['timeout_seconds']!.default,
      intervalSeconds: props['poll']!.properties!['interval_seconds']!.default,
      jitterSeconds: props['poll']!.properties!['jitter_seconds']!.default,
      concurrency: props['concurrency']!.default,
      connectTimeoutSeconds: props['connect_timeout_seconds']!.default,
      maxAgeHours: props['release']!.properties!['max_age_hours']!.default,
      sudo: cred.properties['sudo']!.default,
      logLevel: props['log']!.properties!['level']!.default,
    }).toEqual(AGENT_CONFIG_DEFAULTS);
  });

  describe('resolves relative paths against the config file\'s folder', () => {
    it.each([
      ['root.json', '/etc/writ/root.json'],
      ['./keys/../root.json', '/etc/writ/root.json'],
      ['../shared/root.json', '/etc/shared/root.json'],
      ['/opt/writ/root.json', '/opt/writ/root.json'],
      ['/opt//writ/./root.json', '/opt/writ/root.json'],
    ])('%s → %s', (written, resolved) => {
      expect(parse(edit('trust_root: root.json', `trust_root: ${written}`)).config?.trustRootPath).toBe(resolved);
    });

    it('uses the folder the caller names (the fs adapter passes the real one)', () => {
      const { config } = parse(FULL, 'agent.yaml', '/srv/appliance/conf');
      expect(config?.trustRootPath).toBe('/srv/appliance/conf/root.json');
      expect(config?.credentials.get('linux-admin')?.privateKeyPath).toBe('/srv/appliance/conf/secrets/linux-admin');
      expect(config?.file).toBe('agent.yaml');
    });

    it('drops a trailing slash from folders', () => {
      expect(parse(edit('state_dir: /var/lib/writ/state', 'state_dir: /var/lib/writ/state/')).config?.stateDir).toBe('/var/lib/writ/state');
    });
  });

  it('reads JSON, which is YAML too', () => {
    const json = JSON.stringify({
      apiVersion: 'writ/v1', kind: 'AgentConfig', site: 'clinic-northside', source: { url: 'https://git.msp.example/p.git' },
      trust_root: 'root.json', appliance_key: 'appliance.key', state_dir: 'state', evidence_dir: 'evidence',
    });
    expect(parse(json).config?.evidenceDir).toBe('/etc/writ/evidence');
  });

  it.each([
    ['http://127.0.0.1:8417/policy.git'],
    ['http://localhost/policy.git'],
    ['http://[::1]:8417/policy.git'],
    ['https://10.20.0.2/policy.git'],
  ])('accepts the source URL %s', (url) => {
    expect(parse(edit('https://git.msp.example/clinics/policy.git', url)).findings).toEqual([]);
  });

  // One row per refusal: what to change, the code, the pointer and line of the finding, and words the
  // message or hint must hold. Everything else in FULL stays valid, so each row yields one finding.
  it.each<[string, string, string, string, string, number, string]>([
    // types
    ['site as a number', 'site: clinic-northside', 'site: 42', 'SCHEMA_TYPE', '/site', 3, 'must be a string'],
    ['site with capitals', 'site: clinic-northside', 'site: Clinic-Northside', 'SCHEMA_PATTERN', '/site', 3, 'clinic-northside'],
    ['appliance with spaces', 'appliance: northside-appl-1', 'appliance: northside appl', 'SCHEMA_PATTERN', '/appliance', 4, 'wrong form'],
    ['source as a string', 'source:\n  url: https://git.msp.example/clinics/policy.git\n  branch: writ/releases\n  token_file: secrets/git-token\n  timeout_seconds: 60\n', 'source: https://git.msp.example/x.git\n', 'SCHEMA_TYPE', '/source', 5, 'mapping'],
    ['source without url', '  url: https://git.msp.example/clinics/policy.git\n', '', 'SCHEMA_REQUIRED', '/source', 5, '`url`'],
    ['a non-http URL', 'https://git.msp.example/clinics/policy.git', 'ssh://git@git.msp.example/policy.git', 'AGT_CONFIG_INVALID', '/source/url', 6, 'user name or password'],
    ['a git:// URL', 'https://git.msp.example/clinics/policy.git', 'git://git.msp.example/policy.git', 'SCHEMA_PATTERN', '/source/url', 6, 'HTTPS URL'],
    ['branch with a space', 'branch: writ/releases', 'branch: writ releases', 'SCHEMA_PATTERN', '/source/branch', 7, 'Release branch'],
    ['timeout as text', 'timeout_seconds: 60', 'timeout_seconds: "60"', 'SCHEMA_TYPE', '/source/timeout_seconds', 9, 'whole number'],
    ['timeout of zero', 'timeout_seconds: 60', 'timeout_seconds: 0', 'SCHEMA_RANGE', '/source/timeout_seconds', 9, 'at least 1'],
    ['trust_root as a list', 'trust_root: root.json', 'trust_root: [root.json]', 'SCHEMA_TYPE', '/trust_root', 10, 'must be a string'],
    ['empty appliance_key', 'appliance_key: /var/lib/writ/appliance.key', 'appliance_key: ""', 'SCHEMA_RANGE', '/appliance_key', 11, 'at least 1 characters'],
    ['state_dir null', 'state_dir: /var/lib/writ/state', 'state_dir:', 'SCHEMA_TYPE', '/state_dir', 12, 'got null'],
    ['evidence_dir as a number', 'evidence_dir: /var/lib/writ/evidence', 'evidence_dir: 7', 'SCHEMA_TYPE', '/evidence_dir', 13, 'not the number 7'],
    ['credentials as a list', 'credentials:\n  linux-admin:\n    username: writ-svc\n    private_key_file: secrets/linux-admin\n    sudo: true\n  windows-admin:\n    username: writ-svc\n    password_file: secrets/windows-admin\n', 'credentials: [linux-admin, windows-admin]\n', 'SCHEMA_TYPE', '/credentials', 14, 'mapping'],
    ['a credential name with capitals', '  linux-admin:', '  Linux-Admin:', 'SCHEMA_PATTERN', '/credentials', 15, 'key `Linux-Admin` in `credentials` is not a valid name'],
    ['a credential without username', '    username: writ-svc\n    private_key_file', '    private_key_file', 'SCHEMA_REQUIRED', '/credentials/linux-admin', 15, '`username`'],
    ['a username with a colon', '    username: writ-svc\n    private_key_file', '    username: "writ:svc"\n    private_key_file', 'SCHEMA_PATTERN', '/credentials/linux-admin/username', 16, 'Login name'],
    ['sudo as yes', 'sudo: true', 'sudo: yes', 'YAML_BOOLEAN_WORD', '/credentials/linux-admin/sudo', 18, 'Write true'],
    ['poll interval below 30', 'interval_seconds: 600', 'interval_seconds: 20', 'SCHEMA_RANGE', '/poll/interval_seconds', 23, 'at least 30'],
    ['negative jitter', 'jitter_seconds: 30', 'jitter_seconds: -1', 'SCHEMA_RANGE', '/poll/jitter_seconds', 24, 'at least 0'],
    ['jitter as a fraction', 'jitter_seconds: 30', 'jitter_seconds: 1.5', 'SCHEMA_TYPE', '/poll/jitter_seconds', 24, 'whole number'],
    ['concurrency 0', 'concurrency: 4', 'concurrency: 0', 'SCHEMA_RANGE', '/concurrency', 25, 'at least 1'],
    ['concurrency 257', 'concurrency: 4', 'concurrency: 257', 'SCHEMA_RANGE', '/concurrency', 25, 'at most 256'],
    ['connect timeout over 300', 'connect_timeout_seconds: 10', 'connect_timeout_seconds: 301', 'SCHEMA_RANGE', '/connect_timeout_seconds', 26, 'at most 300'],
    ['max age of zero', 'max_age_hours: 72', 'max_age_hours: 0', 'SCHEMA_RANGE', '/release/max_age_hours', 28, 'at least 1'],
    ['pwsh as a boolean', 'pwsh: /usr/bin/pwsh', 'pwsh: true', 'SCHEMA_TYPE', '/pwsh', 29, 'boolean'],
    ['an unknown log level', 'level: debug', 'level: verbose', 'SCHEMA_ENUM', '/log/level', 31, 'debug, info, warn, error'],
    ['a misspelt log level', 'level: debug', 'level: debgu', 'SCHEMA_ENUM', '/log/level', 31, 'Did you mean "debug"?'],
    ['a path with a newline', 'trust_root: root.json', 'trust_root: "root\\n.json"', 'SCHEMA_PATTERN', '/trust_root', 10, 'wrong form'],
    // unknown keys, with the closest known key
    ['an unknown top-level key', 'concurrency: 4', 'concurency: 4', 'SCHEMA_UNKNOWN_KEY', '/concurency', 25, 'Did you mean `concurrency`?'],
    ['an unknown source key', 'branch: writ/releases', 'brnach: writ/releases', 'SCHEMA_UNKNOWN_KEY', '/source/brnach', 7, 'Did you mean `branch`?'],
    ['an unknown credential key', 'private_key_file: secrets/linux-admin', 'private_keyfile: secrets/linux-admin', 'SCHEMA_UNKNOWN_KEY', '/credentials/linux-admin/private_keyfile', 17, 'Did you mean `private_key_file`?'],
    ['an unknown poll key', 'interval_seconds: 600', 'interval: 600', 'SCHEMA_UNKNOWN_KEY', '/poll/interval', 23, 'Known keys here: interval_seconds, jitter_seconds'],
    ['an unknown release key', 'max_age_hours: 72', 'max_age_hour: 72', 'SCHEMA_UNKNOWN_KEY', '/release/max_age_hour', 28, 'Did you mean `max_age_hours`?'],
    ['an unknown log key', 'level: debug', 'format: json', 'SCHEMA_UNKNOWN_KEY', '/log/format', 31, 'Known keys here: level'],
    // document identity
    ['another kind', 'kind: AgentConfig', 'kind: Site', 'SCHEMA_KIND', '/kind', 2, 'Set `kind: AgentConfig`'],
    ['another format version', 'apiVersion: writ/v1', 'apiVersion: writ/v2', 'SCHEMA_API_VERSION', '/apiVersion', 1, 'writ/v1'],
    // rules the schema cannot say
    ['plain http to a remote host', 'https://git.msp.example/clinics/policy.git', 'http://git.msp.example/clinics/policy.git', 'AGT_CONFIG_INVALID', '/source/url', 6, 'Use https://git.msp.example/clinics/policy.git'],
    ['plain http to a LAN address', 'https://git.msp.example/clinics/policy.git', 'http://10.20.0.2/policy.git', 'AGT_CONFIG_INVALID', '/source/url', 6, 'only for a loopback test server'],
    ['plain http to 127.0.0.2', 'https://git.msp.example/clinics/policy.git', 'http://127.0.0.2/policy.git', 'AGT_CONFIG_INVALID', '/source/url', 6, 'HTTPS only'],
    ['user and password in the URL', 'https://git.msp.example', 'https://writ:s3cret@git.msp.example', 'AGT_CONFIG_INVALID', '/source/url', 6, 'source.token_file'],
    ['a token as the URL user', 'https://git.msp.example', 'https://ghp_abc123@git.msp.example', 'AGT_CONFIG_INVALID', '/source/url', 6, 'user:pass@'],
    ['a token in the query', 'policy.git', 'policy.git?private_token=abc', 'AGT_CONFIG_INVALID', '/source/url', 6, 'query or fragment'],
    ['a credential with key and password', '    private_key_file: secrets/linux-admin\n', '    private_key_file: secrets/linux-admin\n    password_file: secrets/pw\n', 'AGT_CONFIG_INVALID', '/credentials/linux-admin/password_file', 18, 'both private_key_file and password_file'],
    ['a credential with neither', '    password_file: secrets/windows-admin\n', '', 'AGT_CONFIG_INVALID', '/credentials/windows-admin', 19, 'neither private_key_file nor password_file'],
    ['jitter equal to the interval', 'jitter_seconds: 30', 'jitter_seconds: 600', 'AGT_CONFIG_INVALID', '/poll/jitter_seconds', 24, 'must be less than `poll.interval_seconds` (600)'],
    ['jitter over the interval', 'jitter_seconds: 30', 'jitter_seconds: 3600', 'AGT_CONFIG_INVALID', '/poll/jitter_seconds', 24, 'below 600'],
    ['an interval under the default jitter', '  interval_seconds: 600\n  jitter_seconds: 30\n', '  interval_seconds: 45\n', 'AGT_CONFIG_INVALID', '/poll/interval_seconds', 23, '(60, the default)'],
    ['a path starting with ~', 'trust_root: root.json', 'trust_root: ~/root.json', 'AGT_CONFIG_INVALID', '/trust_root', 10, 'does not expand'],
    ['a path starting with $VAR', 'password_file: secrets/windows-admin', 'password_file: ${CREDENTIALS_DIRECTORY}/windows-admin', 'AGT_CONFIG_INVALID', '/credentials/windows-admin/password_file', 21, '/run/credentials/writ-agent.service/NAME'],
    ['evidence in the state folder itself', 'evidence_dir: /var/lib/writ/evidence', 'evidence_dir: /var/lib/writ/state/', 'AGT_CONFIG_INVALID', '/evidence_dir', 13, 'same folder'],
  ])('refuses %s', (_name, from, to, code, pointer, line, words) => {
    const { config, findings } = parse(edit(from, to));
    expect(config).toBeUndefined();
    expect(findings, JSON.stringify(findings, null, 2)).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code, pointer, line, severity: 'error', file: PATH });
    expect(`${findings[0]!.message} | ${findings[0]!.hint}`).toContain(words);
  });

  it.each([
    ['https://writ:s3cret@git.msp.example/p.git'],
    ['ftp://writ:s3cret@git.msp.example/p.git'],
    [`https://writ:s3cret@git.msp.example/${'x'.repeat(2100)}`],
  ])('never repeats a secret from the URL (%#)', (url) => {
    const r = parse(edit('https://git.msp.example/clinics/policy.git', url));
    expect(r.findings.map((f) => f.code)).toEqual(['AGT_CONFIG_INVALID']);
    expect(JSON.stringify(r.findings)).not.toContain('s3cret');
    expect(r.draft?.source.url ?? '').not.toContain('s3cret');
  });

  it.each<[string, string, string]>([
    ['a duplicate key', `${MINIMAL}site: clinic-southside\n`, 'YAML_DUPLICATE_KEY'],
    ['a duplicate nested key', MINIMAL.replace('  url: ', '  branch: a\n  branch: b\n  url: '), 'YAML_DUPLICATE_KEY'],
    ['an alias bomb', `${MINIMAL}x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n${['b', 'c', 'd', 'e', 'f'].map((n, i) => `${n}${i}: &${n} [${Array(10).fill(i === 0 ? '*a' : `*${['b', 'c', 'd', 'e'][i - 1]}`).join(', ')}]`).join('\n')}\n`, 'YAML_ALIAS_BOMB'],
    ['a self-referencing alias', `${MINIMAL}loop: &l [*l]\n`, 'YAML_ALIAS_CYCLE'],
    ['a language tag', MINIMAL.replace('site: clinic-northside', 'site: !!python/object:os.system clinic-northside'), 'YAML_UNSUPPORTED_TAG'],
    ['a custom tag', MINIMAL.replace('site: clinic-northside', 'site: !Ref clinic-northside'), 'YAML_UNSUPPORTED_TAG'],
    ['two documents', `${MINIMAL}---\n${MINIMAL}`, 'YAML_MULTIPLE_DOCUMENTS'],
    ['an empty file', '', 'YAML_EMPTY'],
    ['a comment only', '# nothing yet\n', 'YAML_EMPTY'],
    ['a syntax error', MINIMAL.replace('source:\n', 'source: [\n'), 'YAML_SYNTAX'],
    ['deep nesting', `${MINIMAL}x: ${'['.repeat(80)}${']'.repeat(80)}\n`, 'YAML_TOO_DEEP'],
    ['a list document', '- a\n- b\n', 'SCHEMA_TYPE'],
    ['a plain string document', 'just text\n', 'SCHEMA_TYPE'],
  ])('turns %s into a finding, not a crash', (_name, text, code) => {
    const r = parse(text);
    expect(r.config).toBeUndefined();
    expect(r.findings.map((f) => f.code)).toContain(code);
    for (const f of r.findings) expect(f.hint.length).toBeGreaterThan(10);
  });

  it('refuses bytes that are not UTF-8 and files over the size cap', () => {
    const bad = new Uint8Array([...new TextEncoder().encode('site: '), 0xff, 0x0a]);
    expect(parseAgentConfig({ path: PATH, bytes: bad, size: bad.length }).findings.map((f) => f.code)).toEqual(['YAML_INVALID_UTF8']);
    expect(parseAgentConfig({ path: PATH, bytes: new Uint8Array(0), size: 5 << 20 }).findings.map((f) => f.code)).toEqual(['YAML_FILE_TOO_LARGE']);
  });

  it('reports every problem at once, in line order, schema and semantic alike', () => {
    const text = edit('concurrency: 4', 'concurency: 4',
      edit('https://git.msp.example', 'http://git.msp.example',
        edit('jitter_seconds: 30', 'jitter_seconds: 900')));
    expect(show(text)).toMatchInlineSnapshot(`
      [
        "6:8 AGT_CONFIG_INVALID /source/url \`source.url\` uses plain http:// to git.msp.example; releases are fetched over HTTPS only | Use https://git.msp.example/clinics/policy.git. Plain http:// is accepted only for a loopback test server (127.0.0.1, ::1, localhost).",
        "24:19 AGT_CONFIG_INVALID /poll/jitter_seconds \`poll.jitter_seconds\` (900) must be less than \`poll.interval_seconds\` (600) | Set poll.jitter_seconds below 600 (a tenth of the interval is usual: 60), or raise poll.interval_seconds.",
        "25:1 SCHEMA_UNKNOWN_KEY /concurency unknown key \`concurency\` in the document | Did you mean \`concurrency\`?",
      ]
    `);
  });

  it('says which required keys are missing, with an example of each', () => {
    expect(show('apiVersion: writ/v1\nkind: AgentConfig\n')).toMatchInlineSnapshot(`
      [
        "1:1 SCHEMA_REQUIRED  the document is missing the required key \`appliance_key\` | Add \`appliance_key:\` (for example \`appliance_key: /var/lib/writ/appliance.key\`). The appliance's private key file made by \`writ appliance init\`, mode 0600: it opens this site's sealed bundles and signs evidence.",
        "1:1 SCHEMA_REQUIRED  the document is missing the required key \`evidence_dir\` | Add \`evidence_dir:\` (for example \`evidence_dir: /var/lib/writ/evidence\`). Folder for the signed evidence log before it is pushed. Created with mode 0700 when missing; its parent must exist.",
        "1:1 SCHEMA_REQUIRED  the document is missing the required key \`site\` | Add \`site:\` (for example \`site: clinic-northside\`). Id of the clinic this appliance serves, as in sites/<id>.yaml.",
        "1:1 SCHEMA_REQUIRED  the document is missing the required key \`source\` | Add \`source:\`. The git remote holding signed releases, fetched over HTTPS.",
        "1:1 SCHEMA_REQUIRED  the document is missing the required key \`state_dir\` | Add \`state_dir:\` (for example \`state_dir: /var/lib/writ/state\`). Folder for the agent's state (last verified release, cooldowns, lock). Created with mode 0700 when missing; its parent must exist.",
        "1:1 SCHEMA_REQUIRED  the document is missing the required key \`trust_root\` | Add \`trust_root:\` (for example \`trust_root: /etc/writ/root.json\`). The pinned TUF root.json this appliance trusts first (from the key ceremony). Later roots are reached only through signed rotations.",
      ]
    `);
  });

  it('hands a draft to the fs adapter when only semantic checks failed, and none after schema errors', () => {
    const semantic = parse(edit('jitter_seconds: 30', 'jitter_seconds: 900'));
    expect(semantic.config).toBeUndefined();
    expect(semantic.draft?.trustRootPath).toBe('/etc/writ/root.json');
    const schema = parse(edit('concurrency: 4', 'concurrency: many'));
    expect(schema.config).toBeUndefined();
    expect(schema.draft).toBeUndefined();
  });

  it('parses agent/agent.example.yaml without findings', () => {
    const text = readFileSync(join(ROOT, 'agent/agent.example.yaml'), 'utf8');
    const { config, findings } = parse(text);
    expect(findings).toEqual([]);
    expect(config).toMatchObject({
      site: 'clinic-northside',
      appliance: 'northside-appl-1',
      trustRootPath: '/etc/writ/root.json',
      applianceKeyPath: '/var/lib/writ/appliance.key',
      source: { tokenFile: '/run/credentials/writ-agent.service/git-token' },
    });
    // Every credential the site file refers to is in the example.
    const site = readFileSync(join(ROOT, 'sites/clinic-northside.yaml'), 'utf8');
    const refs = new Set([...site.matchAll(/^\s+credential: (\S+)$/gm)].map((m) => m[1]!));
    expect([...config!.credentials.keys()].sort()).toEqual([...refs].sort());
  });
});
