import { isMap, isPair, isScalar, isSeq } from 'yaml';

/** RFC 6901 escaping of one pointer segment. */
export function escapePointerSegment(seg: string): string {
  return seg.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * JSON pointer of `node` given the ancestor path that `yaml`'s visit() hands to a visitor.
 *
 * @example
 * visit(doc, { Scalar(_k, node, path) { pointerOfPath(path, node); } }); // '/hosts/0/id'
 */
export function pointerOfPath(path: readonly unknown[], node: unknown): string {
  const chain = [...path, node];
  const segs: string[] = [];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isPair(parent) && parent.value === child && isScalar(parent.key)) segs.push(escapePointerSegment(String(parent.key.value)));
    else if (isSeq(parent)) segs.push(String(parent.items.indexOf(child as never)));
    else if (isMap(parent) && isPair(child)) continue;
  }
  return segs.length ? '/' + segs.join('/') : '';
}
