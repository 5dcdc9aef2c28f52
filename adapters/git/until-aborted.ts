/**
 * Settles like `p`, or rejects with `signal.reason` as soon as `signal` fires (at once when it
 * already has), and removes its listener either way. isomorphic-git's HTTP client takes a signal for
 * the request but not for reading the body; the git adapters wrap each read with this so one time
 * limit ends the whole exchange.
 *
 * @example
 * const step = await untilAborted(body.next(), controller.signal);
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
