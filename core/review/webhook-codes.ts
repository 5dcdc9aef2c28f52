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
  { code: 'WH_TREE_TRUNCATED', title: 'Tree listing truncated', help: 'GitHub truncated the recursive tree listing, so some files were not reviewed. Split the repository or run writ validate locally.' },
  { code: 'WH_STATE_WRITE_FAILED', title: 'Delivery id not recorded', help: 'The App handled a delivery but could not append its id to WRIT_APP_STATE_DIR/deliveries/seen (disk full, permissions); after a restart a replay of it would be reviewed again. Fix the folder; the App keeps running.' },
  { code: 'WH_REVIEW_FAILED', title: 'Review failed', help: 'Reading the pull request or posting the check run failed; the log line names the API call. Rerun the check from the pull request.' },
];
