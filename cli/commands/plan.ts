import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors/writ-error.js';
import { collectScripts } from '../../core/lint/collect-scripts.js';
import { DEFAULT_LOAD_LIMITS, type SourceFile } from '../../core/load/source-file.js';
import type { Finding } from '../../core/model/finding.js';
import { planChange, type Plan } from '../../core/plan/plan-change.js';
import { renderPlanJson } from '../../core/plan/render-plan-json.js';
import { renderPlanMarkdown } from '../../core/plan/render-plan-markdown.js';
import { renderPlanText, shortRev, type RenderPlanOptions } from '../../core/plan/render-plan-text.js';
import { loadRepo } from '../../core/validate/load-repo.js';
import { escapeControl } from '../../core/report/escape-control.js';
import { WRIT_VERSION } from '../../core/version.js';
import { referenceTime } from '../../adapters/clock/system-clock.js';
import { readRepoFiles } from '../../adapters/fs/read-repo-files.js';
import { readTreeFiles } from '../../adapters/git/read-tree-files.js';
import type { CliIo } from '../io.js';
import { wantsColor } from '../io.js';

export const PLAN_HELP = `Usage: writ plan --base REV [--head REV] [--repo DIR] [--format text|json|markdown] [options]

Shows what a change does before it is merged: per clinic (site), per host and per rule, which rules
start, stop or run differently (mode, parameters, script text, waivers), which controls that
touches, and which changes are disruptive or widen access. Both revisions are read from git's
object store; nothing is checked out.

Options:
  --base REV          revision the change starts from: branch, tag, commit id, HEAD~1 (required)
  --head REV          revision with the change (default: HEAD); WORKTREE plans the files on disk
  --repo DIR          policy repository, a git clone (default: the current directory)
  --format FORMAT     text (default), json (docs/plan-json.md) or markdown (a GitHub check summary)
  --now ISO           reference time for waiver expiry (default: WRIT_NOW or the clock)
  --color, --no-color force colour on or off (default: on a TTY unless NO_COLOR)
  -h, --help          this help

Exit codes: 0 planned and head validates, 1 planned but head has errors (the plan covers what
loads; run writ validate), 2 usage error, unknown revision or internal failure.
`;

/** The formats writ plan prints. */
const FORMATS = ['text', 'json', 'markdown'] as const;
type PlanFormat = (typeof FORMATS)[number];

/** `--head WORKTREE` plans the working tree instead of a commit. */
const WORKTREE = 'WORKTREE';

/**
 * `writ plan`: read base and head, load both, plan the change, render it.
 *
 * @example
 * const code = await planCommand(['--base', 'main', '--format', 'markdown'], io);
 */
export async function planCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      repo: { type: 'string' },
      format: { type: 'string', default: 'text' },
      now: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout(PLAN_HELP);
    return 0;
  }
  const format = values.format as PlanFormat;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`unknown format ${JSON.stringify(values.format)}`, { hint: `Use one of: ${FORMATS.join(', ')}.`, data: { format: values.format } });
  }
  if (values.base === undefined || values.base === '') {
    throw new UsageError('--base is required', { hint: 'Name the revision the change starts from, e.g. writ plan --base main (or origin/main, a tag or a commit id).' });
  }
  const now = referenceTime(values.now, io.env['WRIT_NOW']);
  const repoDir = resolve(io.cwd, values.repo ?? '.');
  const limits = DEFAULT_LOAD_LIMITS;
  const cache = {};

  const base = await readTreeFiles(repoDir, values.base, { maxFileBytes: limits.maxFileBytes, cache });
  const headRev = values.head ?? 'HEAD';
  let head: { files: SourceFile[]; findings: Finding[]; commit: string };
  if (headRev === WORKTREE) {
    head = { ...(await readRepoFiles(repoDir, { maxFileBytes: limits.maxFileBytes })), commit: WORKTREE };
  } else {
    head = await readTreeFiles(repoDir, headRev, { maxFileBytes: limits.maxFileBytes, cache });
  }

  const baseRepo = loadRepo(base.files, limits).repo;
  const loaded = loadRepo(head.files, limits);
  // What keeps head from loading cleanly: unreadable files, YAML and schema errors, unresolvable scripts.
  const headErrors = [...head.findings, ...loaded.findings, ...collectScripts(loaded.repo).findings].filter((f) => f.severity === 'error').length;

  const plan: Plan = planChange(baseRepo, loaded.repo, now, { baseRev: base.commit, headRev: head.commit });
  const options: RenderPlanOptions = { headErrors, toolVersion: WRIT_VERSION, color: wantsColor(io, values['no-color'] ? false : values.color) };
  io.stdout(format === 'json' ? renderPlanJson(plan, options) : format === 'markdown' ? renderPlanMarkdown(plan, options) : renderPlanText(plan, options));
  if (headErrors > 0) {
    io.stderr(`writ: warning: head ${shortRev(head.commit)} does not validate (${headErrors} error${headErrors === 1 ? '' : 's'}); the plan covers only what loads\n  hint: run writ validate${headRev === WORKTREE ? '' : ` in a checkout of ${escapeControl(headRev)}`} and fix the findings before merging.\n`);
    return 1;
  }
  return 0;
}
