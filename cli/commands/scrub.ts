import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../core/errors/writ-error.js';
import { createOutputDecoder } from '../../core/scrub/decode-output.js';
import { addCounts, emptyCounts, PHI_CATEGORIES, type PhiCounts } from '../../core/scrub/phi-category.js';
import { scrubJson } from '../../core/scrub/scrub-json.js';
import type { ScrubOptions } from '../../core/scrub/scrub-options.js';
import { createStreamScrubber } from '../../core/scrub/scrub-stream.js';
import type { CliIo } from '../io.js';

export const SCRUB_HELP = `Usage: writ scrub [FILE|-] [options]

Reads FILE (or standard input, also with "-") and writes it to standard output with every
identifier replaced by a category token ([PHI:NAME], [PHI:SSN], [PHI:IP] …). Machine data
(build numbers, KB ids, GUIDs, hashes, ports, event ids, log timestamps) is kept. UTF-8 and
UTF-16LE/BE input (with or without a byte-order mark) is read; output is UTF-8.
See docs/phi-scrubber.md for what is detected and kept.

Options:
  --format text|json   text (default) streams line by line; json reads one JSON document and
                       writes it back scrubbed, still valid JSON
  --stats              print the number of identifiers replaced per category to stderr
  --keep-address ADDR  an IP address or CIDR block of infrastructure to keep (repeatable)
  --keep-host HOST     a host whose URLs are kept; their paths are still scrubbed (repeatable)
  --keep-account NAME  an account name that is not a person, e.g. a service account (repeatable)
  --max-bytes N        withhold the output when the input is larger (json: default 64 MiB;
                       text: no cap unless given)

Exit codes: 0 scrubbed; 1 output withheld (PHI_OVER_CAP, PHI_SCRUB_FAILED, PHI_INPUT_NOT_JSON);
2 usage error.
`;

/** What `writ scrub` reads besides CliIo: standard input (tests pass their own). */
export interface ScrubIo extends CliIo {
  stdin?: AsyncIterable<Uint8Array>;
}

const DEFAULT_JSON_MAX_BYTES = 64 * 1024 * 1024;

class Withheld extends Error {
  constructor(readonly reasonCode: 'PHI_OVER_CAP' | 'PHI_SCRUB_FAILED' | 'PHI_INPUT_NOT_JSON', message: string, readonly hint: string) {
    super(message);
  }
}

function printStats(io: CliIo, counts: PhiCounts): void {
  const total = PHI_CATEGORIES.reduce((n, c) => n + counts[c], 0);
  if (io.stderrIsTTY) {
    const parts = PHI_CATEGORIES.filter((c) => counts[c] > 0).map((c) => `${counts[c]} ${c}`);
    io.stderr(`writ scrub: replaced ${total} identifier${total === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}\n`);
  } else {
    io.stderr(JSON.stringify({ event: 'scrub_stats', counts, total }) + '\n');
  }
}

/** `writ scrub`. */
export async function scrubCommand(argv: readonly string[], io: ScrubIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      format: { type: 'string', default: 'text' },
      stats: { type: 'boolean', default: false },
      'keep-address': { type: 'string', multiple: true },
      'keep-host': { type: 'string', multiple: true },
      'keep-account': { type: 'string', multiple: true },
      'max-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(SCRUB_HELP);
    return 0;
  }
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"`, { hint: 'Use one of: text, json.' });
  if (positionals.length > 1) throw new UsageError('writ scrub takes at most one FILE', { hint: 'Scrub one file at a time, or pipe them in: cat a b | writ scrub.' });
  let maxBytes: number | undefined;
  if (values['max-bytes'] !== undefined) {
    if (!/^[1-9]\d{0,15}$/.test(values['max-bytes'])) throw new UsageError(`--max-bytes must be a positive whole number of bytes, not "${values['max-bytes']}"`, { hint: 'For example --max-bytes 1048576.' });
    maxBytes = Number(values['max-bytes']);
  }
  const options: ScrubOptions = {
    keepAddresses: values['keep-address'] ?? [],
    keepUrlHosts: values['keep-host'] ?? [],
    keepAccounts: values['keep-account'] ?? [],
  };
  const file = positionals[0];
  const input: AsyncIterable<Uint8Array> = file === undefined || file === '-' ? (io.stdin ?? process.stdin) : createReadStream(resolve(io.cwd, file));

  let bytesRead = 0;
  const chunks = async function* () {
    try {
      for await (const chunk of input) {
        bytesRead += chunk.length;
        const cap = maxBytes ?? (values.format === 'json' ? DEFAULT_JSON_MAX_BYTES : Infinity);
        if (bytesRead > cap) throw new Withheld('PHI_OVER_CAP', `input is over the cap of ${cap} bytes; the rest was withheld`, 'Raise --max-bytes, or scrub a smaller part.');
        yield chunk;
      }
    } catch (e) {
      if (e instanceof Withheld) throw e;
      throw new UsageError(`cannot read ${file === undefined || file === '-' ? 'standard input' : file}`, { hint: 'Check the path and its permissions.', cause: e });
    }
  };

  try {
    if (values.format === 'json') {
      const parts: Uint8Array[] = [];
      for await (const chunk of chunks()) parts.push(chunk);
      const decoder = createOutputDecoder();
      const text = parts.map((p) => decoder.push(p)).join('') + decoder.end();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // the parser's message quotes the input, so it is never printed
        throw new Withheld('PHI_INPUT_NOT_JSON', `input of ${bytesRead} bytes is not valid JSON; nothing was written`, 'Scrub it as text with --format text, or fix the producer.');
      }
      let result: ReturnType<typeof scrubJson>;
      try {
        result = scrubJson(parsed, options);
      } catch {
        throw new Withheld('PHI_SCRUB_FAILED', 'the scrubber failed on this input; nothing was written', 'Report it with the size and the kind of input (never the input itself).');
      }
      io.stdout(JSON.stringify(result.value, null, /\n/.test(text.trim()) ? 2 : undefined) + '\n');
      if (values.stats) printStats(io, result.counts);
      return 0;
    }

    const decoder = createOutputDecoder();
    const scrubber = createStreamScrubber(options);
    const counts = emptyCounts();
    const guarded = (fn: () => string): string => {
      try {
        return fn();
      } catch {
        throw new Withheld('PHI_SCRUB_FAILED', 'the scrubber failed part way; the rest of the output was withheld', 'Report it with the size and the kind of input (never the input itself).');
      }
    };
    for await (const chunk of chunks()) {
      const out = guarded(() => scrubber.push(decoder.push(chunk)));
      if (out) io.stdout(out);
    }
    const tail = guarded(() => scrubber.push(decoder.end()) + scrubber.end());
    if (tail) io.stdout(tail);
    addCounts(counts, scrubber.counts());
    if (values.stats) printStats(io, counts);
    return 0;
  } catch (e) {
    if (e instanceof Withheld) {
      io.stderr(`writ: ${e.reasonCode}: ${e.message}\n  hint: ${e.hint}\n`);
      return 1;
    }
    throw e;
  }
}
