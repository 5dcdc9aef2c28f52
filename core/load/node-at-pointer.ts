import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair } from 'yaml';

export interface NodeLocation {
  /** The value node at the pointer, or the deepest existing ancestor when the pointer goes further. */
  node: Node | null;
  /** The key node of the pair holding the value, when the value sits in a mapping. */
  key: Node | null;
  /** True when the whole pointer resolved. */
  exact: boolean;
}

/**
 * Finds the YAML node a JSON pointer (as ajv reports it) refers to, following aliases.
 *
 * @example
 * nodeAtPointer(doc, '/hosts/2/port').node?.range; // [offset, valueEnd, nodeEnd]
 */
export function nodeAtPointer(doc: Document.Parsed, pointer: string): NodeLocation {
  const segs = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: Node | null = doc.contents as Node | null;
  let key: Node | null = null;
  for (const seg of segs) {
    if (node && isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (node && isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { node, key, exact: false };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (node && isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) return { node, key, exact: false };
      key = null;
      node = item;
    } else {
      return { node, key, exact: false };
    }
  }
  return { node, key, exact: true };
}
