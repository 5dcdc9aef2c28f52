import { parseArgs } from 'node:util';
import { UsageError } from '../../core/errors/writ-error.js';
import { configFromEnv } from '../../app/config-from-env.js';
import { startAppServer } from '../../app/server.js';
import type { CliIo } from '../io.js';

export const APP_HELP = `Usage: writ app [--host ADDR] [--port N]

Starts the writ GitHub App (Probot): reviews pull requests with a check run per head commit
(findings as line annotations, the plan as the summary) and, when the release settings are given,
releases every push to the default branch (writ/release commit status). Configured by environment:

  APP_ID                   the App's id (required)
  PRIVATE_KEY_PATH         the App's private key .pem (or PRIVATE_KEY with its text) (required)
  WEBHOOK_SECRET           at least 32 bytes, not a default (required)
  GHE_HOST, GHE_PROTOCOL   GitHub Enterprise Server host (API at https://GHE_HOST/api/v3)
  WRIT_APP_INSTALLATIONS   installation ids the App acts for, comma-separated (required)
  WRIT_APP_REPOSITORIES    owner/name the App acts for, comma-separated (default: all of those installations)
  WRIT_APP_MAX_BODY_BYTES  largest webhook body accepted (default: 25 MB)
  WRIT_APP_CACHE_MB        source MiB of blobs kept across deliveries (default: 64; 0: off)
  WRIT_APP_STATE_DIR       absolute folder; handled delivery ids survive restarts in deliveries/
  WRIT_NOW                 fixed reference time for waiver expiry
  LOG_LEVEL                trace, debug, info (default), warn, error, fatal

Release on push (optional; without the first two, releases are off):
  WRIT_RELEASE_KEYS_DIR    online signing keys and roots/ (what writ keys init makes), absolute path
  WRIT_RELEASE_TOKEN_PATH  file (mode 0600, not a link) with the release identity's token, a
                           separate identity from the App allowed to push the release branch only
  WRIT_APP_STATE_DIR       folder for the App's git caches (required with releases)
  WRIT_RELEASE_GIT_URL     clone URL template (default https://<GHE_HOST or github.com>/{owner}/{repo}.git)
  WRIT_RELEASE_BRANCH      release branch (default writ/releases)

Options:
  --host ADDR   address to listen on (default: 127.0.0.1; put a TLS proxy in front)
  --port N      port to listen on (default: PORT or 3000; 0 picks a free one)
  -h, --help    this help

Exit codes: 2 when the configuration is refused (a weak secret, a missing key); otherwise it runs
until stopped (SIGINT or SIGTERM) and exits 0.
`;

/**
 * `writ app`: read the environment, refuse weak settings, serve webhooks until stopped.
 *
 * @example
 * await appCommand(['--port', '0'], io);
 */
export async function appCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout(APP_HELP);
    return 0;
  }
  const portText = values.port ?? io.env['PORT'] ?? '3000';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new UsageError(`--port must be 0 to 65535 (got ${JSON.stringify(portText)})`, { hint: 'Pass --port 3000, or 0 for a free port.' });
  const config = configFromEnv(io.env);
  const server = await startAppServer(config, { host: values.host, port });
  io.stdout(`writ app listening on ${server.url}\n`);
  io.stdout(config.release
    ? `releases on: a push to the default branch is released to ${config.release.branch} (${config.release.gitUrlTemplate})\n`
    : 'releases off: WRIT_RELEASE_KEYS_DIR and WRIT_RELEASE_TOKEN_PATH are not set; pushes are ignored\n');
  await new Promise<void>((resolve) => {
    if (io.onSignal) io.onSignal(() => resolve());
    else {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }
  });
  await server.close();
  return 0;
}
