import { posix } from 'node:path';
import type { Credential } from '../exec/step.js';
import { findingAtPointer } from '../lint/finding-at-pointer.js';
import { parseYamlFile } from '../load/parse-yaml-file.js';
import { findingAt, type ParsedFile } from '../load/parsed-file.js';
import { escapePointerSegment } from '../load/pointer-of-path.js';
import { DEFAULT_LOAD_LIMITS, type LoadLimits, type SourceFile } from '../load/source-file.js';
import { compareFindings, type Finding } from '../model/finding.js';
import type { AgentConfig } from '../model/generated/agent-config.js';
import { schemaErrorsToFindings } from '../validate/schema-errors-to-findings.js';
import { schemaValidators } from '../validate/schema-validators.js';

export type AgentLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The agent's configuration after validation: defaults applied, durations in milliseconds, every
 * path absolute (resolved against the config file's folder). Built only by parseAgentConfig.
 */
export interface ResolvedAgentConfig {
  /** The config file as it was named to the loader; findings and logs cite it. */
  file: string;
  /** The folder relative paths were resolved against. */
  baseDir: string;
  site: string;
  /** The appliance id when the config names one (otherwise the appliance key file does). */
  appliance?: string;
  source: {
    /** https:// (or http:// to a loopback host), never with credentials, query or fragment. */
    url: string;
    branch: string;
    tokenFile?: string;
    timeoutMs: number;
  };
  trustRootPath: string;
  applianceKeyPath: string;
  stateDir: string;
  evidenceDir: string;
  /** By the reference name sites use in `host.credential`; each has exactly one of privateKeyPath, passwordPath. */
  credentials: ReadonlyMap<string, Credential>;
  poll: { intervalMs: number; jitterMs: number };
  /** Hosts checked at once. */
  concurrency: number;
  connectTimeoutMs: number;
  release: {
    /** Past this age the last verified release still checks but heals nothing (AGT_RELEASE_TOO_OLD). */
    maxAgeMs: number;
  };
  /** Push evidence after each cycle; absent when the config has no evidence_push. */
  evidencePush?: { url: string; branch: string; tokenFile?: string; timeoutMs: number };
  /** pwsh to start; undefined means `pwsh` from PATH. */
  pwshPath?: string;
  log: { level: AgentLogLevel };
}

export interface ParseAgentConfigOptions {
  /**
   * Absolute folder that relative paths resolve against; defaults to the folder of `file.path`.
   * The fs adapter passes the config file's real folder.
   */
  baseDir?: string;
  limits?: LoadLimits;
}

export interface ParseAgentConfigResult {
  /** Set only when no finding is an error: the agent may run with it. */
  config?: ResolvedAgentConfig;
  findings: Finding[];
  /** The parsed YAML with source ranges, so callers can place further findings at a field's line. */
  parsed: ParsedFile;
  /**
   * The config resolved from a schema-valid document even when semantic checks failed, so the fs
   * adapter can report file-system problems in the same pass. Never run with it; use `config`.
   */
  draft?: ResolvedAgentConfig;
}

/** Defaults of agent-config.schema.json (a unit test keeps the two equal). */
export const AGENT_CONFIG_DEFAULTS = {
  branch: 'writ/releases',
  timeoutSeconds: 120,
  intervalSeconds: 900,
  jitterSeconds: 60,
  concurrency: 8,
  connectTimeoutSeconds: 15,
  maxAgeHours: 168,
  sudo: false,
  logLevel: 'info',
} as const;

const CODE = 'AGT_CONFIG_INVALID';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** scheme://userinfo@ — checked on the raw text because `new URL` may not parse a broken URL. */
const URL_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i;

/**
 * Parses and checks the agent's config file (`kind: AgentConfig`) without touching the file system:
 * the YAML loader's hostile-input checks (YAML_…), the schema (SCHEMA_…), then the rules a schema
 * cannot say (AGT_CONFIG_INVALID): plain http:// only to loopback, no credentials, query or fragment
 * in the source URL, jitter below the interval, exactly one secret per credential, no `~` or `$VAR`
 * in paths, distinct state and evidence folders. Every finding names the line of the field at fault
 * and a hint; all are reported together. Defaults come from agent-config.schema.json.
 *
 * @example
 * const { config, findings } = parseAgentConfig({ path: '/etc/writ/agent.yaml', bytes, size: bytes.length });
 * if (!config) for (const f of findings) console.error(`${f.file}:${f.line} ${f.code} ${f.message}`);
 */
export function parseAgentConfig(source: SourceFile, options: ParseAgentConfigOptions = {}): ParseAgentConfigResult {
  const file = parseYamlFile(source, options.limits ?? DEFAULT_LOAD_LIMITS);
  const findings = [...file.findings];
  const done = (draft?: ResolvedAgentConfig): ParseAgentConfigResult => {
    findings.sort(compareFindings);
    const ok = !findings.some((f) => f.severity === 'error');
    return { findings, parsed: file, ...(draft ? { draft } : {}), ...(ok && draft ? { config: draft } : {}) };
  };
  if (file.findings.some((f) => f.severity === 'error') || file.value === undefined) return done();

  const value = file.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    findings.push(findingAt(file, [0, 0], '', 'SCHEMA_TYPE',
      `the document must be a mapping of keys to values (got ${value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value})`,
      'Start the file with `apiVersion: writ/v1` and `kind: AgentConfig` (see agent/agent.example.yaml).'));
    return done();
  }

  const secretUrls = (['source', 'evidence_push'] as const).filter((section) => {
    const url = obj((value as Raw)[section])?.['url'];
    return typeof url === 'string' && URL_USERINFO.test(url);
  });
  const schemaFindings = schemaErrorsToFindings(file, schemaValidators().validate('agent-config', value), 'agent config files')
    .map((f) => (f.code === 'SCHEMA_KIND' ? kindFinding(f, (value as Raw)['kind']) : f))
    // The schema's messages would quote the URL and with it the secret: only say that it is there.
    .filter((f) => !secretUrls.some((section) => f.pointer === `/${section}/url`));
  findings.push(...schemaFindings);
  for (const section of secretUrls) {
    findings.push(findingAtPointer(file, `/${section}/url`, CODE,
      `\`${section}.url\` carries a user name or password (user:pass@); secrets never go in the URL`,
      `Remove the \`user:pass@\` part and put the token in a file named by \`${section}.token_file\` (mode 0600).`));
  }

  // The semantic checks read the raw value defensively, so they report alongside schema findings
  // (everything at once), but stay quiet about a part the schema already flagged: a misspelt
  // private_key_file is one problem, not also "names neither".
  const flagged = schemaFindings.map((f) => f.pointer);
  for (const check of SEMANTIC_CHECKS) {
    for (const { scope, finding } of check(value as Raw, file)) {
      if (!flagged.some((p) => p === scope || p.startsWith(`${scope}/`))) findings.push(finding);
    }
  }
  if (schemaFindings.length > 0) return done();
  return done(resolve(value as AgentConfig, source.path, options.baseDir ?? posix.dirname(source.path)));
}

function kindFinding(f: Finding, kind: unknown): Finding {
  return {
    ...f,
    message: `kind is ${JSON.stringify(kind) ?? 'missing'} but the agent reads only kind AgentConfig`,
    hint: 'Set `kind: AgentConfig`; `writ agent --config` takes the agent\'s own config (see agent/agent.example.yaml), not a policy file.',
  };
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (Number.isInteger(v) ? (v as number) : undefined);

/** A semantic finding and the part of the document it judges (a JSON pointer). */
interface Scoped {
  scope: string;
  finding: Finding;
}
type SemanticCheck = (config: Raw, file: ParsedFile) => Scoped[];

/** The source is fetched over HTTPS; plain http only reaches a loopback test server (DESIGN.md: HTTPS pulls). */
const checkSourceUrl: SemanticCheck = (config, file) => [...checkUrl(config, file, 'source'), ...checkUrl(config, file, 'evidence_push')];

function checkUrl(config: Raw, file: ParsedFile, section: 'source' | 'evidence_push'): Scoped[] {
  const pointer = `/${section}/url`;
  const label = `${section}.url`;
  const text = str(obj(config[section])?.['url']);
  if (text === undefined || URL_USERINFO.test(text)) return [];
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [{ scope: pointer, finding: findingAtPointer(file, pointer, CODE, `\`${label}\` is not a valid URL`,
      'Write the repository\'s HTTPS clone URL, for example https://git.msp.example/clinics/policy.git.') }];
  }
  const out: Scoped[] = [];
  const add = (message: string, hint: string) => out.push({ scope: pointer, finding: findingAtPointer(file, pointer, CODE, message, hint) });
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    add(
      `\`${label}\` uses plain http:// to ${url.hostname}; ${section === 'source' ? 'releases are fetched' : 'evidence is pushed'} over HTTPS only`,
      `Use https://${url.host}${url.pathname}. Plain http:// is accepted only for a loopback test server (127.0.0.1, ::1, localhost).`);
  }
  if (url.search || url.hash) {
    add(`\`${label}\` carries a query or fragment (?… or #…)`,
      `Remove it: write the plain clone URL; an access token belongs in the file named by \`${section}.token_file\`.`);
  }
  return out;
}

/** The random delay must stay below the interval, or cycles could start back to back or overlap. */
const checkJitter: SemanticCheck = (config, file) => {
  const poll = obj(config['poll']);
  const interval = poll?.['interval_seconds'] === undefined ? AGENT_CONFIG_DEFAULTS.intervalSeconds : int(poll['interval_seconds']);
  const jitter = poll?.['jitter_seconds'] === undefined ? AGENT_CONFIG_DEFAULTS.jitterSeconds : int(poll['jitter_seconds']);
  if (interval === undefined || jitter === undefined || jitter < interval) return [];
  const jitterSet = poll?.['jitter_seconds'] !== undefined;
  return [{ scope: '/poll', finding: findingAtPointer(file, jitterSet ? '/poll/jitter_seconds' : '/poll/interval_seconds', CODE,
    `\`poll.jitter_seconds\` (${jitter}${jitterSet ? '' : ', the default'}) must be less than \`poll.interval_seconds\` (${interval})`,
    `Set poll.jitter_seconds below ${interval} (a tenth of the interval is usual: ${Math.floor(interval / 10)}), or raise poll.interval_seconds.`) }];
};

/** A credential logs in one way: an SSH key or a password, never both, never neither. */
const checkCredentialSecrets: SemanticCheck = (config, file) => {
  const out: Scoped[] = [];
  for (const [name, value] of Object.entries(obj(config['credentials']) ?? {})) {
    const cred = obj(value);
    if (!cred) continue;
    const pointer = `/credentials/${escapePointerSegment(name)}`;
    const hasKey = cred['private_key_file'] !== undefined;
    const hasPassword = cred['password_file'] !== undefined;
    if (hasKey && hasPassword) {
      out.push({ scope: pointer, finding: findingAtPointer(file, `${pointer}/password_file`, CODE,
        `credential \`${name}\` names both private_key_file and password_file; it must name exactly one`,
        'Keep private_key_file for SSH key login (Linux, PowerShell over SSH) or password_file for password login (WinRM), and delete the other.',
        'error', true) });
    } else if (!hasKey && !hasPassword) {
      out.push({ scope: pointer, finding: findingAtPointer(file, pointer, CODE,
        `credential \`${name}\` names neither private_key_file nor password_file; it must name exactly one`,
        `Add \`private_key_file: /run/credentials/writ-agent.service/${name}\` (an SSH key) or \`password_file:\` (a password file), mode 0600.`,
        'error', true) });
    }
  }
  return out;
};

/** writ reads paths literally: `~` and `$VAR` are shell features, and the agent runs without a shell. */
const checkPathsLiteral: SemanticCheck = (config, file) => {
  const out: Scoped[] = [];
  const add = (pointer: string, message: string, hint: string) => out.push({ scope: pointer, finding: findingAtPointer(file, pointer, CODE, message, hint) });
  for (const { pointer, path } of pathFields(config)) {
    const field = pointer.slice(1).replace(/\//g, '.').replace(/~1/g, '/').replace(/~0/g, '~');
    if (path === '~' || path.startsWith('~/') || /^~[a-z_]/.test(path)) {
      add(pointer, `\`${field}\` starts with ~, which writ does not expand`,
        'Write the full path (for example /var/lib/writ/…); the agent runs as the writ user, whose home is not yours.');
    } else if (/^\$\{?[A-Za-z_]/.test(path)) {
      add(pointer, `\`${field}\` starts with an environment variable, which writ does not expand`,
        'Write the full path; files from systemd LoadCredential= are at /run/credentials/writ-agent.service/NAME.');
    }
  }
  return out;
};

/** Evidence is pushed as its own branch; state (locks, last release) must not end up in it. */
const checkDistinctDirs: SemanticCheck = (config, file) => {
  const state = str(config['state_dir']);
  const evidence = str(config['evidence_dir']);
  const norm = (p: string) => posix.normalize(p).replace(/(.)\/+$/, '$1');
  if (state === undefined || evidence === undefined || norm(state) !== norm(evidence)) return [];
  return [{ scope: '/evidence_dir', finding: findingAtPointer(file, '/evidence_dir', CODE, '`evidence_dir` is the same folder as `state_dir`',
    'Give each its own folder, for example state_dir: /var/lib/writ/state and evidence_dir: /var/lib/writ/evidence.') }];
};

const SEMANTIC_CHECKS: readonly SemanticCheck[] = [checkSourceUrl, checkJitter, checkCredentialSecrets, checkPathsLiteral, checkDistinctDirs];

/** Every path field of the config that holds a string, with its JSON pointer. */
function pathFields(config: Raw): { pointer: string; path: string }[] {
  const out: { pointer: string; path: string }[] = [];
  const add = (pointer: string, path: unknown) => { if (typeof path === 'string') out.push({ pointer, path }); };
  add('/source/token_file', obj(config['source'])?.['token_file']);
  for (const key of ['trust_root', 'appliance_key', 'state_dir', 'evidence_dir']) add(`/${key}`, config[key]);
  for (const [name, cred] of Object.entries(obj(config['credentials']) ?? {})) {
    const base = `/credentials/${escapePointerSegment(name)}`;
    add(`${base}/private_key_file`, obj(cred)?.['private_key_file']);
    add(`${base}/password_file`, obj(cred)?.['password_file']);
  }
  add('/evidence_push/token_file', obj(config['evidence_push'])?.['token_file']);
  add('/pwsh', config['pwsh']);
  return out;
}

function resolve(config: AgentConfig, filePath: string, baseDir: string): ResolvedAgentConfig {
  // A pure join: posix.resolve would read the process's working directory when baseDir is relative.
  const abs = (p: string) => {
    const joined = posix.isAbsolute(p) ? posix.normalize(p) : posix.join(baseDir, p);
    return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
  };
  const credentials = new Map<string, Credential>();
  for (const [name, c] of Object.entries(config.credentials ?? {})) {
    if (!c) continue;
    credentials.set(name, {
      name,
      username: c.username,
      ...(c.private_key_file !== undefined ? { privateKeyPath: abs(c.private_key_file) } : {}),
      ...(c.password_file !== undefined ? { passwordPath: abs(c.password_file) } : {}),
      sudo: c.sudo ?? AGENT_CONFIG_DEFAULTS.sudo,
    });
  }
  const d = AGENT_CONFIG_DEFAULTS;
  return {
    file: filePath,
    baseDir,
    site: config.site,
    ...(config.appliance !== undefined ? { appliance: config.appliance } : {}),
    source: {
      url: config.source.url.replace(URL_USERINFO, (m) => m.slice(0, m.indexOf('//') + 2)),
      branch: config.source.branch ?? d.branch,
      ...(config.source.token_file !== undefined ? { tokenFile: abs(config.source.token_file) } : {}),
      timeoutMs: (config.source.timeout_seconds ?? d.timeoutSeconds) * 1000,
    },
    trustRootPath: abs(config.trust_root),
    applianceKeyPath: abs(config.appliance_key),
    stateDir: abs(config.state_dir),
    evidenceDir: abs(config.evidence_dir),
    credentials,
    poll: {
      intervalMs: (config.poll?.interval_seconds ?? d.intervalSeconds) * 1000,
      jitterMs: (config.poll?.jitter_seconds ?? d.jitterSeconds) * 1000,
    },
    concurrency: config.concurrency ?? d.concurrency,
    connectTimeoutMs: (config.connect_timeout_seconds ?? d.connectTimeoutSeconds) * 1000,
    release: { maxAgeMs: (config.release?.max_age_hours ?? d.maxAgeHours) * 3_600_000 },
    ...(config.evidence_push !== undefined ? {
      evidencePush: {
        url: (config.evidence_push.url ?? config.source.url).replace(URL_USERINFO, (m) => m.slice(0, m.indexOf('//') + 2)),
        branch: config.evidence_push.branch ?? `writ/evidence/${config.site}`,
        ...(config.evidence_push.token_file !== undefined ? { tokenFile: abs(config.evidence_push.token_file) }
          : config.source.token_file !== undefined ? { tokenFile: abs(config.source.token_file) } : {}),
        timeoutMs: (config.evidence_push.timeout_seconds ?? 60) * 1000,
      },
    } : {}),
    ...(config.pwsh !== undefined ? { pwshPath: abs(config.pwsh) } : {}),
    log: { level: config.log?.level ?? d.logLevel },
  };
}
