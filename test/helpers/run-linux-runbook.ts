import { spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, mkdirSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import type { Runbook } from '../../core/model/generated/runbook.js';
import { schemaValidators } from '../../core/validate/schema-validators.js';
import { TEST_USER, type TestSshd } from '../../testkit/sshd.js';

const ROOT = join(import.meta.dirname, '../..');
const LIB = readFileSync(join(ROOT, 'runbooks/linux/lib/writ-result.sh'), 'utf8');

export type Step = 'check' | 'remediate' | 'verify' | 'rollback';

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The check-result JSON of the last non-empty stdout line, validated against the schema (null if none). */
  result: { status: string; observed: Record<string, unknown>; expected?: Record<string, unknown>; message: string; reason_code?: string } | null;
}

/** Reads a Linux runbook from runbooks/linux/<id>.yaml. */
export function loadLinuxRunbook(id: string): Runbook {
  return parse(readFileSync(join(ROOT, 'runbooks/linux', `${id}.yaml`), 'utf8')) as Runbook;
}

/** The script text of a step, as the agent will run it: the result library, then the script. */
export function scriptText(runbook: Runbook, step: Step): string {
  const spec = runbook.scripts[step];
  if (!spec) throw new Error(`${runbook.id} has no ${step} script`);
  const body = spec.inline ?? readFileSync(join(ROOT, 'runbooks/linux', spec.file!), 'utf8');
  return `${LIB}\n${body}`;
}

/** Parameter values in declaration order: defaults, overridden by `params`. NUL-terminated on stdin. */
export function encodeParams(runbook: Runbook, params: Record<string, unknown>): Buffer {
  const parts: string[] = [];
  for (const [name, spec] of Object.entries(runbook.parameters ?? {})) {
    const v = name in params ? params[name] : spec?.default;
    if (v === undefined) throw new Error(`parameter ${name} of ${runbook.id} has no value`);
    const text = Array.isArray(v) ? v.join('\n') : String(v);
    if (text.includes('\0')) throw new Error('NUL in a parameter value');
    parts.push(text + '\0');
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/**
 * Runs one step of a Linux runbook on the test sshd as TEST_USER, over a real SSH connection made by
 * OpenSSH's client: the script travels base64-encoded in the command (a safe alphabet), the
 * parameters travel as data on stdin.
 */
export async function runLinuxStep(sshd: TestSshd, runbook: Runbook, step: Step, params: Record<string, unknown>): Promise<StepRun> {
  const script = Buffer.from(scriptText(runbook, step)).toString('base64');
  const remote = `bash -c "$(printf %s ${script} | base64 -d)" writ-${runbook.id}-${step}`;
  const args = [
    '-F', '/dev/null', '-p', String(sshd.port), '-i', sshd.clientKey,
    '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${sshd.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', `${sshd.user}@127.0.0.1`, remote,
  ];
  const timeoutMs = (runbook.scripts[step]!.timeout_seconds ?? 60) * 1000;
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 255) return reject(new Error(`ssh to the test sshd failed: ${stderr}`));
      const last = stdout.trim().split('\n').filter(Boolean).pop();
      let result: StepRun['result'] = null;
      if (last) {
        try {
          const parsed = JSON.parse(last) as StepRun['result'];
          const errors = schemaValidators().validate('check-result', parsed);
          if (errors.length) throw new Error(`not a check result: ${JSON.stringify(errors)}`);
          result = parsed;
        } catch (e) {
          return reject(new Error(`${runbook.id} ${step}: last stdout line is not a valid check result (${(e as Error).message}): ${last}\nstderr: ${stderr}`));
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, result });
    });
    child.stdin.end(encodeParams(runbook, params));
  });
}

/**
 * A scratch root the scripts may change: a temp dir owned by TEST_USER, filled with `files`
 * (paths relative to the root, e.g. `etc/ssh/sshd_config`). Returns helpers to read it back.
 */
export function scratchRoot(files: Record<string, string> = {}): { root: string; path: (p: string) => string; read: (p: string) => string; snapshot: () => Record<string, string>; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'writ-root-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  const uid = Number(execFileSync('id', ['-u', TEST_USER]).toString());
  const gid = Number(execFileSync('id', ['-g', TEST_USER]).toString());
  const chownAll = (dir: string) => {
    chownSync(dir, uid, gid);
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (lstatSync(full).isDirectory()) chownAll(full);
      else chownSync(full, uid, gid);
    }
  };
  chownAll(root);
  const snapshot = () => {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const full = join(dir, name);
        const st = statSync(full);
        const rel = full.slice(root.length + 1);
        if (st.isDirectory()) walk(full);
        else out[rel] = `${(st.mode & 0o7777).toString(8)} ${readFileSync(full, 'utf8')}`;
      }
    };
    walk(root);
    return out;
  };
  return {
    root,
    path: (p) => join(root, p),
    read: (p) => readFileSync(join(root, p), 'utf8'),
    snapshot,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
