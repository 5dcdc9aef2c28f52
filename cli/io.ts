/** What a command may touch of its process: streams, environment, working directory. Tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  /** Logs go to stderr: readable lines on a terminal, JSON lines otherwise. */
  stderrIsTTY?: boolean;
  /** Called with a function to run on SIGINT/SIGTERM (long-running commands stop cleanly); returns an unsubscribe. */
  onSignal?: (handler: (signal: string) => void) => () => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Colour on a TTY unless NO_COLOR is set; --color / --no-color decide when given. */
export function wantsColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  return io.stdoutIsTTY && !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
}
