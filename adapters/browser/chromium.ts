import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { ToolUnavailableError } from '../../core/errors/writ-error.js';

/** Where Debian's chromium package puts the browser; WRIT_CHROMIUM overrides. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (root in CI containers), and nothing that reaches the network on its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

/**
 * Starts the system's Chromium through playwright-core (which downloads no browser of its own).
 * A missing executable is a ToolUnavailableError with the install hint, not a stack.
 *
 * @example
 * const browser = await launchChromium({ executablePath: process.env.WRIT_CHROMIUM });
 * try { … } finally { await browser.close(); }
 */
export async function launchChromium(options: { executablePath?: string | undefined } = {}): Promise<Browser> {
  const executablePath = options.executablePath || DEFAULT_CHROMIUM;
  try {
    accessSync(executablePath, constants.X_OK);
  } catch (e) {
    throw new ToolUnavailableError(`Chromium is not at ${executablePath}`, {
      hint: 'Install it (apt-get install chromium, or bash .ci/setup) or point WRIT_CHROMIUM at a Chromium executable.', cause: e,
      data: { executablePath },
    });
  }
  try {
    return await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true, timeout: 60_000 });
  } catch (e) {
    throw new ToolUnavailableError(`Chromium at ${executablePath} did not start: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, {
      hint: 'Run it by hand with --headless --no-sandbox to see why; WRIT_CHROMIUM may point at another build.', cause: e,
      data: { executablePath },
    });
  }
}
