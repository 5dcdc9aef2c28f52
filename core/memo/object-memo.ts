/**
 * Memoizes a result derived from one immutable object (a SourceFile, a loaded document entry, a
 * runbook script) together with the other objects and values it also read (`deps`, compared with
 * `Object.is`, in order). Keys are held weakly: the memo never keeps an input alive, and it saves
 * work only when a caller hands in the very same objects again (the GitHub App keeps one SourceFile
 * per path and blob SHA across deliveries; `writ validate` builds new ones each run and never hits).
 * Callers treat the returned value as read-only.
 *
 * @example
 * const parsed = new ObjectMemo<SourceFile, ParsedFile>();
 * const p = parsed.get(source, [limits], () => parseYamlFile(source, limits));
 */
export class ObjectMemo<K extends object, V> {
  private readonly entries = new WeakMap<K, { deps: readonly unknown[]; value: V }>();

  get(key: K, deps: readonly unknown[], compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit && sameDeps(hit.deps, deps)) return hit.value;
    const value = compute();
    this.entries.set(key, { deps, value });
    return value;
  }
}

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
