import { WritError, type Recovery } from '../errors/writ-error.js';
import type { LintCode } from '../lint/lint-context.js';

/** The SITE_ codes of the auditor evidence site (`writ site build`, `writ report`). */
export type SiteCode =
  | 'SITE_REPO_INVALID'
  | 'SITE_EVIDENCE_INVALID'
  | 'SITE_DATA_WRITE_FAILED'
  | 'SITE_BUILD_FAILED'
  | 'SITE_PAGE_NOT_FOUND';

/** Catalog of the SITE_ codes (docs/reason-codes.md). */
export const SITE_CODES: readonly (LintCode & { code: SiteCode })[] = [
  { code: 'SITE_REPO_INVALID', title: 'Policy repository does not load', help: 'The --repo folder has YAML or schema errors, or names an id that cannot be a page; the message names the file and line. Run writ validate and fix the findings.' },
  { code: 'SITE_EVIDENCE_INVALID', title: 'Evidence folder unusable', help: 'The --evidence folder is missing, unreadable or laid out wrongly; pass the folder holding <site>/<appliance>/YYYY-MM-DD.jsonl (a checkout of the evidence branch).' },
  { code: 'SITE_DATA_WRITE_FAILED', title: 'Site data not written', help: 'The data folder could not be written; check its permissions and free space.' },
  { code: 'SITE_BUILD_FAILED', title: 'Site build failed', help: 'Rendering the pages or the search index failed; the message names the step. Run again with the same input; report it if it repeats.' },
  { code: 'SITE_PAGE_NOT_FOUND', title: 'No such page in the site', help: 'The built site has no page for that clinic and month; check the site id and the month (YYYY-MM), and that evidence exists for it.' },
];

/**
 * The site's data could not be collected or built: bad input (the message names the file) or a
 * failed write. The code says which.
 *
 * @example
 * throw new SiteError('SITE_REPO_INVALID', 'sites/a.yaml:3: id is not a string', { hint: 'Run writ validate and fix the findings.' });
 */
export class SiteError extends WritError {
  readonly code: SiteCode;
  constructor(code: SiteCode, message: string, options: { hint: string; recovery?: Recovery; data?: Record<string, unknown>; cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
