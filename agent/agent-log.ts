import { Writable } from 'node:stream';
import { pino, stdTimeFunctions, type Logger } from 'pino';
import { escapeControl } from '../core/report/escape-control.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured events of the agent: `event` names what happened; other fields per spec/cli.md. */
export interface AgentLog {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields` (site, run_id, release_version, …). */
  child(fields: Record<string, unknown>): AgentLog;
}

export interface AgentLogOptions {
  /** JSON lines (pipes, journald, `--log json`) or short text lines (a terminal). */
  format: 'json' | 'text';
  level: LogLevel;
  write: (line: string) => void;
}

/**
 * The agent's logger: pino JSON lines, one object per event with `event`, `level` and `time`, or
 * a readable one-line rendering of the same objects on a terminal. Values are data: control
 * characters are escaped in text mode, and JSON mode escapes by construction.
 *
 * @example
 * const log = createAgentLog({ format: 'json', level: 'info', write: (l) => process.stderr.write(l) });
 * log.child({ site: 'clinic-northside', run_id }).info('cycle_start', { release_version: 7 });
 */
export function createAgentLog(options: AgentLogOptions): AgentLog {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = chunk.toString('utf8');
      options.write(options.format === 'json' ? line : renderText(line));
      done();
    },
  });
  const logger = pino({
    level: options.level,
    base: undefined,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, sink);
  return wrap(logger);
}

function wrap(logger: Logger): AgentLog {
  const emit = (level: LogLevel) => (event: string, fields: Record<string, unknown> = {}) => logger[level]({ event, ...fields });
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), child: (fields) => wrap(logger.child(fields)) };
}

const HIDDEN_IN_TEXT = new Set(['level', 'time', 'event', 'release_digest', 'run_id']);

function renderText(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof o['time'] === 'string' ? o['time'].slice(11, 19) : '';
  const level = String(o['level'] ?? '');
  const mark = level === 'error' ? 'ERROR ' : level === 'warn' ? 'warn  ' : '';
  const rest = Object.entries(o)
    .filter(([k, v]) => !HIDDEN_IN_TEXT.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return escapeControl(`${time} ${mark}${String(o['event'] ?? '')} ${rest}`.trimEnd()) + '\n';
}
