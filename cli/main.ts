import { UsageError } from '../core/errors/writ-error.js';
import { WRIT_VERSION } from '../core/version.js';
import { validateCommand } from './commands/validate.js';
import { planCommand } from './commands/plan.js';
import { keysCommand } from './commands/keys.js';
import { applianceCommand } from './commands/appliance.js';
import { releaseCommand } from './commands/release.js';
import { verifyCommand } from './commands/verify.js';
import { agentCommand } from './commands/agent.js';
import { scrubCommand } from './commands/scrub.js';
import { evidenceCommand } from './commands/evidence.js';
import { appCommand } from './commands/app.js';
import { siteCommand } from './commands/site.js';
import { reportCommand } from './commands/report.js';
import { demoCommand } from './commands/demo.js';
import type { CliIo } from './io.js';
import { printError } from './print-error.js';

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** The subcommands, in the order of the pipeline (spec/cli.md). */
const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  validate: { run: validateCommand, summary: 'schema + lint over the whole policy repo' },
  plan: { run: planCommand, summary: 'per-site, per-host impact of a change (--base REV)' },
  keys: { run: keysCommand, summary: 'local key ceremony for tests and demos (keys init)' },
  appliance: { run: applianceCommand, summary: "make an appliance's key pair (appliance init)" },
  release: { run: releaseCommand, summary: 'build per-site bundles, sign TUF metadata, commit the release branch' },
  verify: { run: verifyCommand, summary: "verify and decrypt the newest release for one site" },
  agent: { run: agentCommand, summary: 'the appliance loop: pull, verify, check and heal hosts, record (--once: one cycle)' },
  scrub: { run: scrubCommand, summary: 'PHI scrubber as a filter: FILE or stdin to stdout, identifiers replaced by [PHI:…] tokens' },
  evidence: { run: evidenceCommand, summary: 'offline check of appliance evidence chains (evidence verify --dir DIR --keys FILE)' },
  demo: { run: demoCommand, summary: 'the whole pipeline on this machine in one folder: keys, release, one audit cycle, evidence (npm start)' },
  app: { run: appCommand, summary: 'start the GitHub App (Probot) that reviews pull requests; configured by environment' },
  site: { run: siteCommand, summary: 'the auditor evidence site: site build (static pages, search, OSCAL) and site serve' },
  report: { run: reportCommand, summary: "a clinic's monthly compliance packet as PDF (--site ID --month YYYY-MM --out FILE.pdf)" },
};

const HELP = `writ ${WRIT_VERSION} — Git-ops policy-as-code for HIPAA-compliant clinics

Usage: writ <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`).join('\n')}

Run writ <command> --help for its options.
`;

/**
 * Runs one writ command line and returns its exit code: 0 done and clean, 1 findings to act on,
 * 2 usage error or internal failure.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), nodeIo());
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      io.stdout(HELP);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-V') {
      io.stdout(`${WRIT_VERSION}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      throw new UsageError(`unknown command ${JSON.stringify(name)}`, { hint: `Commands: ${Object.keys(COMMANDS).join(', ')}. Run writ --help.` });
    }
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      return printError(io, new UsageError(e.message, { hint: `Run writ ${name} --help for the options.` }));
    }
    return printError(io, e);
  }
}
