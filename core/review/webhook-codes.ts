import type { LintCode } from '../lint/lint-context.js';

/** Reason codes of the GitHub App (webhook intake and review). Listed in docs/reason-codes.md. */
export const WEBHOOK_CODES: readonly LintCode[] = [
  { code: 'WH_CONFIG_INVALID', title: 'App configuration invalid', help: 'A required environment variable (APP_ID, PRIVATE_KEY_PATH, WRIT_APP_INSTALLATIONS) is missing or malformed. Set it; the App does not start.' },
  { code: 'WH_SECRET_WEAK', title: 'Webhook secret missing or weak', help: 'WEBHOOK_SECRET is missing, a well-known default, or shorter than 32 bytes. Generate one (openssl rand -hex 32), set it in the App settings and the environment.' },
  { code: 'WH_SIGNATURE_MISSING', title: 'Delivery not signed', help: 'The request had no X-Hub-Signature-256 header and was refused before parsing. Set the webhook secret in the App settings.' },
  { code: 'WH_SIGNATURE_INVALID', title: 'Signature does not match', help: 'The HMAC over the raw body did not match; the request was refused before parsing. Check that the App and writ share one WEBHOOK_SECRET.' },
  { code: 'WH_BODY_TOO_LARGE', title: 'Delivery too large', help: 'The body exceeded the size cap and was refused unread. GitHub caps payloads at 25 MB; writ at WRIT_APP_MAX_BODY_BYTES.' },
  { code: 'WH_DELIVERY_REPLAYED', title: 'Delivery already handled', help: 'A delivery with this X-GitHub-Delivery id was handled before; it is answered without repeating side effects.' },
  { code: 'WH_INSTALLATION_NOT_ALLOWED', title: 'Installation not allowed', help: 'The event came from an installation or repository not on WRIT_APP_INSTALLATIONS / WRIT_APP_REPOSITORIES; nothing was done. Add it there if it should be reviewed.' },
  { code: 'WH_EVENT_IGNORED', title: 'Event ignored', help: 'The event or action is not one writ reviews (pull_request opened/synchronize/reopened, check_suite and check_run rerequested).' },
  { code: 'WH_EVIDENCE_REF_INVALID', title: 'Evidence branch name invalid', help: 'A push to writ/evidence/<name> where <name> is not a site id (lower case with dashes). Nothing was read; evidence branches are writ/evidence/<site id>.' },
  { code: 'WH_EVIDENCE_KEYS_MISSING', title: 'No appliance keys for the site', help: 'sites/<site>.yaml is missing on the default branch, or is not that site\'s file, or lists no valid signing_key. Evidence of the site is not read (keys on the evidence branch itself are never trusted). Merge the site file first.' },
  { code: 'WH_EVIDENCE_UNVERIFIED', title: 'Evidence line not verified', help: 'A line on an evidence branch was signed by a key the site file on the default branch does not list for its appliance, or its signature did not verify. It opens and closes no issue. Run writ evidence verify on the branch; evidence_code in the log names the problem.' },
  { code: 'WH_EVIDENCE_MALFORMED', title: 'Evidence line unusable', help: 'A line on an evidence branch is not a valid record (bad envelope or statement, torn last line, wrong site or appliance folder, or an escalation without usable host and rule ids). It opens and closes no issue. Run writ evidence verify on the branch.' },
  { code: 'WH_EVIDENCE_TOO_LARGE', title: 'Evidence file not read', help: 'A changed evidence file, or the push as a whole, exceeded the App\'s read caps; those lines were not turned into issues. Verify the branch offline with writ evidence verify.' },
  { code: 'WH_ESCALATION_KNOWN', title: 'Escalation already reported', help: 'An issue already names this incident of the (site, host, rule); no new issue or comment (replays and re-pushes are harmless).' },
  { code: 'WH_ESCALATION_STALE', title: 'Escalation older than its heal', help: 'The escalation record is not later than the heal that closed the (site, host, rule) issue (or than the closing of an issue a person closed); it reopens nothing.' },
  { code: 'WH_HEAL_OLDER', title: 'Heal older than the escalation', help: 'A passing check or healed remediation is not later than the escalation the open issue reports, so the issue stays open. A later heal record closes it.' },
  { code: 'WH_ESCALATION_CAPPED', title: 'Issue writes capped', help: 'One push asked for more issue writes (or listed more issues) than the App\'s cap; the rest were not done. Redeliver the push from the App settings: done work is recognised and the rest follows.' },
  { code: 'WH_ESCALATION_FAILED', title: 'Escalation issues not updated', help: 'Reading the evidence or writing an issue failed; the log line names the API call. GitHub may redeliver; a redelivery repeats nothing already done.' },
  { code: 'WH_TREE_TRUNCATED', title: 'Tree listing truncated', help: 'GitHub truncated the recursive tree listing, so some files were not reviewed. Split the repository or run writ validate locally.' },
  { code: 'WH_REVIEW_FAILED', title: 'Review failed', help: 'Reading the pull request or posting the check run failed; the log line names the API call. Rerun the check from the pull request.' },
];
