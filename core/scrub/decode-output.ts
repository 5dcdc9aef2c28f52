/** Text encodings a host's output arrives in. */
export type OutputEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface SniffedEncoding {
  encoding: OutputEncoding;
  /** Bytes of byte-order mark at the start (0, 2 or 3). */
  bomBytes: number;
}

/**
 * Decides the encoding from the first bytes: a UTF-8, UTF-16LE or UTF-16BE byte-order mark wins;
 * without one, mostly-zero odd (or even) bytes in the first 64 mean UTF-16LE (or BE), as PowerShell
 * writes it; otherwise UTF-8.
 *
 * @example
 * sniffEncoding(new Uint8Array([0xff, 0xfe, 0x41, 0x00])); // { encoding: 'utf-16le', bomBytes: 2 }
 */
export function sniffEncoding(bytes: Uint8Array): SniffedEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  const n = Math.min(bytes.length, 64) & ~1;
  if (n >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenZero++;
      if (bytes[i + 1] === 0) oddZero++;
    }
    const pairs = n / 2;
    if (oddZero >= pairs * 0.7 && evenZero <= pairs * 0.1) return { encoding: 'utf-16le', bomBytes: 0 };
    if (evenZero >= pairs * 0.7 && oddZero <= pairs * 0.1) return { encoding: 'utf-16be', bomBytes: 0 };
  }
  return { encoding: 'utf-8', bomBytes: 0 };
}

/** Decodes a whole output (BOM removed, invalid sequences become U+FFFD). */
export function decodeOutput(bytes: Uint8Array): string {
  const { encoding, bomBytes } = sniffEncoding(bytes);
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bomBytes));
}

export interface OutputDecoder {
  /** Decodes the next chunk; a character split across chunks is completed by the next one. */
  push(bytes: Uint8Array): string;
  end(): string;
  /** The encoding decided on (after the first 64 bytes, or at end). */
  encoding(): OutputEncoding | undefined;
}

/**
 * A streaming decoder: waits for the first 64 bytes (or the end) to sniff the encoding, then
 * decodes incrementally.
 *
 * @example
 * const d = createOutputDecoder();
 * const text = d.push(chunk1) + d.push(chunk2) + d.end();
 */
export function createOutputDecoder(): OutputDecoder {
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let chosen: OutputEncoding | undefined;
  const start = (): string => {
    const all = new Uint8Array(headBytes);
    let o = 0;
    for (const h of head) {
      all.set(h, o);
      o += h.length;
    }
    head = [];
    const { encoding, bomBytes } = sniffEncoding(all);
    chosen = encoding;
    decoder = new TextDecoder(encoding, { ignoreBOM: true });
    return decoder.decode(all.subarray(bomBytes), { stream: true });
  };
  return {
    push(bytes) {
      if (decoder) return decoder.decode(bytes, { stream: true });
      head.push(bytes);
      headBytes += bytes.length;
      return headBytes >= 64 ? start() : '';
    },
    end() {
      const rest = decoder ? '' : start();
      return rest + decoder!.decode();
    },
    encoding: () => chosen,
  };
}
