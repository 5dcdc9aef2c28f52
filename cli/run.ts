import { main } from './main.js';

/** Entry point of the `writ` binary: wires the real process into main(). */
const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  onSignal: (handler) => {
    const on = (signal: string) => handler(signal);
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    return () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  },
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
