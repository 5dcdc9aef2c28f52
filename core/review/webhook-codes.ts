import type { LintCode } from '../lint/lint-context.js';

/** Reason codes of the GitHub App (webhook intake, review and release on push). Listed in docs/reason-codes.md. */
export const WEBHOOK_CODES: readonly LintCode[] = [
  { code: 'WH_CONFIG_INVALID', title: 'App configuration invalid', help: 'A required environment variable (APP_ID, PRIVATE_KEY_PATH, WRIT_APP_INSTALLATIONS) is missing or malformed. Set it; the App does not start.' },
  { code: 'WH_SECRET_WEAK', title: 'Webhook secret missing or weak', help: 'WEBHOOK_SECRET is missing, a well-known default, or shorter than 32 bytes. Generate one (openssl rand -hex 32), set it in the App settings and the environment.' },
  { code: 'WH_SIGNATURE_MISSING', title: 'Delivery not signed', help: 'The request had no X-Hub-Signature-256 header and was refused before parsing. Set the webhook secret in the App settings.' },
  { code: 'WH_SIGNATURE_INVALID', title: 'Signature does not match', help: 'The HMAC over the raw body did not match; the request was refused before parsing. Check that the App and writ share one WEBHOOK_SECRET.' },
  { code: 'WH_BODY_TOO_LARGE', title: 'Delivery too large', help: 'The body exceeded the size cap and was refused unread. GitHub caps payloads at 25 MB; writ at WRIT_APP_MAX_BODY_BYTES.' },
  { code: 'WH_DELIVERY_REPLAYED', title: 'Delivery already handled', help: 'A delivery with this X-GitHub-Delivery id was handled before; it is answered without repeating side effects.' },
  { code: 'WH_INSTALLATION_NOT_ALLOWED', title: 'Installation not allowed', help: 'The event came from an installation or repository not on WRIT_APP_INSTALLATIONS / WRIT_APP_REPOSITORIES; nothing was done. Add it there if it should be reviewed.' },
  { code: 'WH_EVENT_IGNORED', title: 'Event ignored', help: 'The event or action is not one writ handles (pull_request opened/synchronize/reopened, check_suite and check_run rerequested, push to the default branch).' },
  { code: 'WH_TREE_TRUNCATED', title: 'Tree listing truncated', help: 'GitHub truncated the recursive tree listing, so some files were not reviewed. Split the repository or run writ validate locally.' },
  { code: 'WH_RELEASE_OFF', title: 'Releases off', help: 'Logged once at start: WRIT_RELEASE_KEYS_DIR and WRIT_RELEASE_TOKEN_PATH are not set, so pushes to the default branch are not released. Set both (and WRIT_APP_STATE_DIR) to release on merge.' },
  { code: 'WH_RELEASE_ROOT_KEYS_ONLINE', title: 'Root keys on the App server', help: 'WRIT_RELEASE_KEYS_DIR holds root-N.key files. The App needs only the online keys (targets, snapshot, timestamp) and roots/; move the root keys offline.' },
  { code: 'WH_RELEASE_SUPERSEDED', title: 'Push superseded', help: 'The pushed commit is no longer the head of the default branch (a late or redelivered push); it is not released, so a release never rolls back. The newer head is released by its own push.' },
  { code: 'WH_RELEASED', title: 'Released', help: 'The pushed commit was validated, built, signed and pushed to the release branch; the writ/release status names the version and digest. Nothing to do.' },
  { code: 'WH_RELEASE_ALREADY_DONE', title: 'Commit already released', help: 'The release branch already holds a release of this commit (a redelivery or a restart); nothing new was signed or pushed and the writ/release status was reported again.' },
  { code: 'WH_RELEASE_REFUSED', title: 'Release refused', help: 'The pushed commit fails writ validate; nothing was released and the writ/release status is failure. Run writ validate on that commit, fix, and merge the fix.' },
  { code: 'WH_RELEASE_SIGNING_FAILED', title: 'Release signing failed', help: 'The online keys in WRIT_RELEASE_KEYS_DIR were refused (missing, readable by others, or not listed by the newest root); nothing was released. Fix the key folder, then redeliver the push.' },
  { code: 'WH_RELEASE_PUSH_FAILED', title: 'Release not pushed', help: 'The release identity could not fetch or push the release branch (token refused, no write access, branch protection, URL, network), or the branch kept moving; nothing was published. Fix the token or access and redeliver the push.' },
  { code: 'WH_RELEASE_FAILED', title: 'Release failed', help: 'Reading the commit through the API, the token file or the state folder failed; nothing was released. See the log line, fix, and redeliver the push.' },
  { code: 'WH_REVIEW_FAILED', title: 'Review failed', help: 'Reading the pull request or posting the check run failed; the log line names the API call. Rerun the check from the pull request.' },
];
