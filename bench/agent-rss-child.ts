/**
 * The memory half of bench/agent-checks.ts, in a process of its own so its peak RSS is the agent's
 * alone: `node dist/bench/agent-rss-child.js <config.json>` runs the agent's per-host flow for every
 * host of the config (`concurrency` at a time, one ssh2 connection each) with `checks` cheap checks
 * per host, then prints one JSON line: { maxRssKiB, startRssKiB, durationMs, hosts, checks, problems }.
 * Not a benchmark module (it exports no `benchmark`); importing it does nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SshTransport } from '../adapters/exec/ssh-transport.js';
import { cheapCheckBundle, recordProblems, runAgentHosts, type BenchHost } from './cheap-check-agent.js';
import { cheapCheckRuns } from './cheap-checks.js';

export interface RssChildConfig {
  hosts: BenchHost[];
  checks: number;
  concurrency: number;
}

export interface RssChildResult {
  /** Peak RSS of the whole run (process.resourceUsage().maxRSS), KiB. */
  maxRssKiB: number;
  /** Peak RSS after loading the modules and building the bundle, before any host, KiB. */
  startRssKiB: number;
  durationMs: number;
  hosts: number;
  checks: number;
  problems: string[];
}

async function main(configPath: string): Promise<void> {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as RssChildConfig;
  const bundle = cheapCheckBundle(cheapCheckRuns(config.checks), config.hosts);
  const startRssKiB = process.resourceUsage().maxRSS;
  const transport = new SshTransport();
  const t0 = performance.now();
  const records = await runAgentHosts(bundle, config.hosts, transport, config.concurrency);
  const durationMs = performance.now() - t0;
  await transport.close();
  const result: RssChildResult = {
    maxRssKiB: process.resourceUsage().maxRSS, startRssKiB, durationMs, hosts: records.length, checks: config.checks,
    problems: recordProblems(records, config.checks).slice(0, 5),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const configPath = process.argv[2];
  if (!configPath) {
    console.error('usage: node dist/bench/agent-rss-child.js <config.json>');
    process.exitCode = 2;
  } else {
    main(configPath).catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
  }
}
