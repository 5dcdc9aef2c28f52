import type { ScriptIssue } from '../lint/scripts/script-issue.js';

/**
 * Runs an external script linter (shellcheck) over many scripts at once.
 * Returns the issues of each script by the id it was given; scripts without issues may be absent.
 */
export type ScriptChecker = (scripts: readonly { id: string; text: string }[]) => Promise<Map<string, ScriptIssue[]>>;
