import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_LOAD_LIMITS } from '../../core/load/source-file.js';
import { UsageError } from '../../core/errors/writ-error.js';
import type { Finding } from '../../core/model/finding.js';
import { selectRenderer } from '../../core/report/select-renderer.js';
import { FINDING_CODES } from '../../core/validate/finding-codes.js';
import { validateRepo } from '../../core/validate/validate-repo.js';
import { WRIT_VERSION } from '../../core/version.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { readRepoFiles } from '../../adapters/fs/read-repo-files.js';
import { runShellcheck } from '../../adapters/shellcheck/run-shellcheck.js';
import type { ScriptChecker } from '../../core/ports/script-checker.js';
import type { CliIo } from '../io.js';
import { wantsColor } from '../io.js';
import { summarizeRepo } from './summarize-repo.js';

export const VALIDATE_HELP = `Usage: writ validate [--repo DIR] [--format text|json|sarif|github] [options]

Checks every YAML file of the policy repository (policies/, runbooks/, sites/, frameworks/)
against its schema and the lint rules, and reports every finding at once.

Options:
  --repo DIR          policy repository (default: the current directory)
  --format FORMAT     text (default), json, sarif (GitHub code scanning) or github (annotations)
  --now ISO           reference time for waiver expiry (default: WRIT_NOW or the clock)
  --summary           after the findings, print what the repository holds
  --no-shellcheck     skip shellcheck (say so in a warning)
  --cache-dir DIR     where shellcheck results are cached (default: ~/.cache/writ)
  --color, --no-color force colour on or off (default: on a TTY unless NO_COLOR)
  -h, --help          this help

Exit codes: 0 no errors, 1 errors found, 2 usage error or internal failure.
`;

/**
 * `writ validate`: read the repository, validate it, render the findings.
 *
 * @example
 * const code = await validateCommand(['--repo', '.', '--format', 'json'], io);
 */
export async function validateCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      repo: { type: 'string' },
      format: { type: 'string', default: 'text' },
      now: { type: 'string' },
      summary: { type: 'boolean', default: false },
      'no-shellcheck': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return 0;
  }
  const render = selectRenderer(values.format!);
  const now = referenceTime(values.now, io.env['WRIT_NOW']);
  const repoDir = resolve(io.cwd, values.repo ?? '.');
  const { files, findings: readFindings } = await readRepoFiles(repoDir, { maxFileBytes: DEFAULT_LOAD_LIMITS.maxFileBytes });
  if (files.length === 0 && readFindings.length === 0) {
    throw new UsageError(`no policy files under ${repoDir}`, {
      hint: 'Run writ validate in a policy repository (with policies/, runbooks/, sites/, frameworks/) or pass --repo DIR.',
    });
  }

  const extra: Finding[] = [...readFindings];
  let shellcheck: ScriptChecker | undefined;
  if (!values['no-shellcheck']) {
    const cacheDir = values['cache-dir'] ?? join(io.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'writ', 'shellcheck');
    shellcheck = async (scripts) => {
      try {
        return await runShellcheck(scripts, { cacheDir });
      } catch (e) {
        if ((e as { code?: string }).code !== 'TOOL_UNAVAILABLE') throw e;
        extra.push(toolMissing('shellcheck is not installed, so shell scripts were not checked by it', 'Install it (apt-get install shellcheck) and run writ validate again.'));
        return new Map();
      }
    };
  } else {
    extra.push(toolMissing('shellcheck was skipped (--no-shellcheck)', 'Run without --no-shellcheck before merging.'));
  }

  const result = await validateRepo(files, { now, ...(shellcheck ? { shellcheck } : {}) });
  const findings = [...extra, ...result.findings];
  io.stdout(render(findings, {
    color: wantsColor(io, values['no-color'] ? false : values.color),
    filesChecked: result.filesChecked,
    toolVersion: WRIT_VERSION,
    rules: FINDING_CODES,
  }));
  if (values.summary && values.format === 'text') io.stdout(summarizeRepo(result.repo));
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function toolMissing(message: string, hint: string): Finding {
  return { file: '.', line: 1, column: 1, pointer: '', code: 'LINT_SHELLCHECK_UNAVAILABLE', severity: 'warning', message, hint };
}
