import type { CliIo } from '../io.js';

/** What one in-process writ command printed and returned. */
export interface CommandRun {
  /** The command line as a person would type it (`writ release --repo …`). */
  line: string;
  code: number;
  stdout: string;
  stderr: string;
}

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/**
 * Runs one writ command (validate, plan, release, agent, evidence …) in this process with its own
 * captured output, exactly as `writ <name> <argv>` would run, so that the demo is the real pipeline
 * and not a copy of it. Signals reach the command through the parent's `onSignal`.
 *
 * @example
 * const run = await runWritCommand(releaseCommand, 'release', ['--repo', dir, '--keys', keys], io);
 */
export async function runWritCommand(command: Command, name: string, argv: readonly string[], parent: CliIo): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    ...(parent.onSignal ? { onSignal: parent.onSignal } : {}),
    env: parent.env,
    cwd: parent.cwd,
  };
  const code = await command(argv, io);
  return { line: `writ ${name} ${argv.join(' ')}`, code, stdout, stderr };
}
