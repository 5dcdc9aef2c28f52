import { accessSync, closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseAgentConfig, type ResolvedAgentConfig } from '../../core/config/parse-agent-config.js';
import type { Credential } from '../../core/exec/step.js';
import { findingAtPointer } from '../../core/lint/finding-at-pointer.js';
import { escapePointerSegment } from '../../core/load/pointer-of-path.js';
import { DEFAULT_LOAD_LIMITS } from '../../core/load/source-file.js';
import { compareFindings, type Finding } from '../../core/model/finding.js';

/**
 * Files under this folder come from systemd's LoadCredential=: systemd makes them readable by the
 * unit only (owned by root, an ACL grants the service user read access, which shows as group bits),
 * so their owner and mode are not judged.
 */
const SYSTEMD_CREDENTIALS_DIR = '/run/credentials/';

type Report = (pointer: string, code: 'AGT_CONFIG_INVALID' | 'AGT_CREDENTIAL_INSECURE', message: string, hint: string) => void;

/**
 * Reads the agent's config file, parses it (parseAgentConfig) and checks what it names on disk,
 * reporting every problem at once, each at its field's line:
 * - the config file itself: readable, a regular file, not writable by group or others;
 * - trust_root: a readable regular file (a symlink is followed), not writable by group or others;
 * - appliance_key, source.token_file and each credential's private_key_file / password_file: secrets.
 *   Each must be a regular file, not a symbolic link (the agent reads the file itself, so a link
 *   cannot redirect it somewhere another user controls), owned by the agent's user (or root),
 *   with no group or other permission bits (AGT_CREDENTIAL_INSECURE, hint `chmod 600 FILE`).
 *   Files from systemd LoadCredential= (/run/credentials/…) are trusted as systemd made them;
 * - state_dir and evidence_dir: a folder not writable by group or others, or, when missing
 *   (the agent creates it with mode 0700), a parent folder that exists;
 * - pwsh: an executable file.
 * `config` is set only when there is no error.
 *
 * @example
 * const { config, findings } = loadAgentConfig('/etc/writ/agent.yaml');
 */
export function loadAgentConfig(path: string): { config?: ResolvedAgentConfig; findings: Finding[] } {
  const absolute = resolve(path);
  const read = readConfigFile(path, absolute);
  if ('finding' in read) return { findings: [read.finding] };

  const parsed = parseAgentConfig({ path, bytes: read.bytes, size: read.size }, { baseDir: dirname(absolute) });
  const findings = [...parsed.findings];
  const report: Report = (pointer, code, message, hint) => findings.push(findingAtPointer(parsed.parsed, pointer, code, message, hint));
  if (read.problem) findings.push(fileLevel(path, read.problem.message, read.problem.hint));

  const draft = parsed.draft;
  if (draft) {
    const uid = process.getuid?.();
    checkFile(report, '/trust_root', draft.trustRootPath, uid, {
      secret: false,
      missingHint: `Copy the pinned root.json from the key ceremony (\`writ keys init\`) to ${draft.trustRootPath}, or fix trust_root.`,
    });
    checkFile(report, '/appliance_key', draft.applianceKeyPath, uid, {
      secret: true,
      missingHint: `Run \`writ appliance init --site ${draft.site} --dir ${dirname(draft.applianceKeyPath)}\` as the agent's user, or fix appliance_key.`,
    });
    if (draft.source.tokenFile) {
      checkFile(report, '/source/token_file', draft.source.tokenFile, uid, {
        secret: true, missingHint: 'Write the read-only access token to that file (mode 0600), or remove source.token_file for a public remote.',
      });
    }
    if (draft.evidencePush?.tokenFile && draft.evidencePush.tokenFile !== draft.source.tokenFile) {
      checkFile(report, '/evidence_push/token_file', draft.evidencePush.tokenFile, uid, {
        secret: true, missingHint: 'Write a token allowed to push the evidence branch to that file (mode 0600), or remove evidence_push.token_file.',
      });
    }
    for (const [name, cred] of draft.credentials) {
      const base = `/credentials/${escapePointerSegment(name)}`;
      if (cred.privateKeyPath) {
        checkFile(report, `${base}/private_key_file`, cred.privateKeyPath, uid, {
          secret: true, missingHint: `Put the SSH private key for ${cred.username} there (mode 0600), or fix the path.`,
        });
      }
      if (cred.passwordPath) {
        checkFile(report, `${base}/password_file`, cred.passwordPath, uid, {
          secret: true, missingHint: `Put the password for ${cred.username} there (first line, mode 0600), or fix the path.`,
        });
      }
    }
    checkDir(report, '/state_dir', draft.stateDir);
    checkDir(report, '/evidence_dir', draft.evidenceDir);
    if (draft.pwshPath) {
      checkFile(report, '/pwsh', draft.pwshPath, uid, {
        secret: false, executable: true, missingHint: 'Install PowerShell 7 there, fix the path, or remove `pwsh` to use the pwsh on PATH.',
      });
    }
  }

  findings.sort(compareFindings);
  const ok = !findings.some((f) => f.severity === 'error');
  return { findings, ...(ok && parsed.config ? { config: parsed.config } : {}) };
}

/**
 * The Credential a site's `host.credential` reference resolves to, or undefined when the config
 * has no such name.
 *
 * @example
 * toCredential(config, 'northside-linux-admin'); // { name, username: 'writ-svc', privateKeyPath: '/run/…', sudo: true }
 */
export function toCredential(config: ResolvedAgentConfig, name: string): Credential | undefined {
  const cred = config.credentials.get(name);
  return cred ? { ...cred } : undefined;
}

interface ReadResult {
  bytes: Uint8Array;
  size: number;
  /** A problem with the file that still let it be read (reported at line 1). */
  problem?: { message: string; hint: string };
}

function readConfigFile(path: string, absolute: string): ReadResult | { finding: Finding } {
  const fail = (message: string, hint: string): { finding: Finding } => ({ finding: fileLevel(path, message, hint) });
  const passHint = 'Pass --config with the agent\'s config file (installed as /etc/writ/agent.yaml; see agent/agent.example.yaml).';
  let st: Stats;
  try {
    // Checked before opening: opening a FIFO would block, reading a device would not end.
    st = statSync(absolute);
  } catch (e) {
    return fail(`cannot read the agent config ${path}: ${errnoWords(e)}`, passHint);
  }
  if (st.isDirectory()) return fail(`the agent config ${path} is a folder, not a file`, passHint);
  if (!st.isFile()) return fail(`the agent config ${path} is not a regular file`, passHint);
  let fd: number;
  try {
    fd = openSync(absolute, 'r');
  } catch (e) {
    return fail(`cannot read the agent config ${path}: ${errnoWords(e)}`,
      'Make it readable by the agent\'s user: chown root:writ FILE && chmod 640 FILE.'.replace(/FILE/g, path));
  }
  try {
    const size = fstatSync(fd).size;
    const cap = DEFAULT_LOAD_LIMITS.maxFileBytes;
    const bytes = new Uint8Array(Math.min(size, cap + 1));
    let off = 0;
    while (off < bytes.length) {
      const n = readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break;
      off += n;
    }
    const result: ReadResult = { bytes: bytes.subarray(0, off), size: Math.max(size, off) };
    // Whoever can rewrite the config can point the agent at their own trust root.
    const uid = process.getuid?.();
    if ((st.mode & 0o022) !== 0) {
      result.problem = { message: `the agent config ${path} is writable by group or others (mode ${octal(st.mode)}); whoever can edit it can point the agent at another trust root`, hint: `chmod go-w ${path}` };
    } else if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
      result.problem = { message: `the agent config ${path} is owned by uid ${st.uid}, neither root nor the agent's user; that user could point the agent at another trust root`, hint: `chown root ${path}` };
    }
    return result;
  } finally {
    closeSync(fd);
  }
}

function fileLevel(path: string, message: string, hint: string): Finding {
  return { file: path, line: 1, column: 1, pointer: '', code: 'AGT_CONFIG_INVALID', severity: 'error', message, hint };
}

interface FileRules {
  /** Secrets: no symlink, owner the agent's user or root, no group/other bits. */
  secret: boolean;
  executable?: boolean;
  missingHint: string;
}

function checkFile(report: Report, pointer: string, path: string, uid: number | undefined, rules: FileRules): void {
  const field = fieldName(pointer);
  let st: Stats;
  try {
    st = rules.secret ? lstatSync(path) : statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const fromSystemd = path.startsWith(SYSTEMD_CREDENTIALS_DIR);
      report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which does not exist`, fromSystemd
        ? `Files under ${SYSTEMD_CREDENTIALS_DIR} exist only inside the running service: list it in writ-agent.service (LoadCredential=${path.split('/').pop()}:/etc/writ/secrets/${path.split('/').pop()}) and start the agent with systemctl, or point ${field} at the file itself.`
        : rules.missingHint);
    }
    else report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which cannot be read: ${errnoWords(e)}`, 'Check the permissions of the file and of the folders above it.');
    return;
  }
  if (st.isSymbolicLink()) {
    report(pointer, 'AGT_CREDENTIAL_INSECURE', `\`${field}\` names ${path}, a symbolic link; secrets are read only from the file itself`,
      'Point the config at the file the link resolves to, or replace the link with the file (mode 0600).');
    return;
  }
  if (st.isDirectory()) {
    report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, a folder, where a file is expected`, `Point ${field} at the file inside it, not at the folder.`);
    return;
  }
  if (!st.isFile()) {
    report(pointer, rules.secret ? 'AGT_CREDENTIAL_INSECURE' : 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which is not a regular file`, `Point ${field} at a regular file.`);
    return;
  }
  const trustedBySystemd = rules.secret && path.startsWith(SYSTEMD_CREDENTIALS_DIR);
  if (!trustedBySystemd) {
    if (rules.secret && (st.mode & 0o077) !== 0) {
      report(pointer, 'AGT_CREDENTIAL_INSECURE', `\`${field}\` names ${path}, which group or others can access (mode ${octal(st.mode)})`, `chmod 600 ${path}`);
    } else if (!rules.secret && (st.mode & 0o022) !== 0) {
      report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which group or others can write (mode ${octal(st.mode)})`, `chmod go-w ${path}`);
    }
    if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
      report(pointer, rules.secret ? 'AGT_CREDENTIAL_INSECURE' : 'AGT_CONFIG_INVALID',
        `\`${field}\` names ${path}, owned by uid ${st.uid}, neither root nor the agent's user (uid ${uid})`, `chown ${userName(uid)} ${path}`);
    }
  }
  try {
    accessSync(path, constants.R_OK | (rules.executable ? constants.X_OK : 0));
  } catch (e) {
    report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which the agent's user cannot ${rules.executable ? 'run' : 'read'}: ${errnoWords(e)}`,
      rules.executable ? `chmod +x ${path}` : `Make it readable by ${userName(uid)} (and only by it, for a secret).`);
  }
}

function checkDir(report: Report, pointer: string, path: string): void {
  const field = fieldName(pointer);
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which cannot be read: ${errnoWords(e)}`, 'Check the permissions of the folders above it.');
      return;
    }
    const parent = dirname(path);
    let parentStat: Stats | undefined;
    try {
      parentStat = statSync(parent);
    } catch {
      parentStat = undefined;
    }
    if (!parentStat?.isDirectory()) {
      report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, whose parent folder ${parent} does not exist`,
        `Create it (mkdir -p ${parent}) or fix the path; the agent creates ${path} itself (mode 0700) but not its parents.`);
      return;
    }
    try {
      accessSync(parent, constants.W_OK | constants.X_OK);
    } catch {
      report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which does not exist, and the agent's user cannot create it in ${parent}`,
        `Create it for the agent: install -d -m 700 -o ${userName(process.getuid?.())} ${path}`);
    }
    return;
  }
  if (!st.isDirectory()) {
    report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, a file, where a folder is expected`, `Point ${field} at a folder, or move the file away.`);
    return;
  }
  if ((st.mode & 0o022) !== 0) {
    report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which group or others can write (mode ${octal(st.mode)}); they could alter the agent's state or evidence`, `chmod 700 ${path}`);
  }
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (e) {
    report(pointer, 'AGT_CONFIG_INVALID', `\`${field}\` names ${path}, which the agent's user cannot write: ${errnoWords(e)}`,
      `chown ${userName(process.getuid?.())} ${path} && chmod 700 ${path}`);
  }
}

/** `/credentials/a/private_key_file` → `credentials.a.private_key_file`. */
function fieldName(pointer: string): string {
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function errnoWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many symbolic links';
  return code ?? String(e);
}

function userName(uid: number | undefined): string {
  try {
    return userInfo().username;
  } catch {
    return uid === undefined ? 'the agent\'s user' : String(uid);
  }
}
