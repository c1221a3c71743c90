/**
 * Reads the shape of a zod schema at a YAML path, so an unknown key can be answered with the keys
 * that are allowed right there. Works on any zod object schema, the connectors' own included.
 */
import type { PathSegment } from './metadataIssue.ts';

type SchemaDefinition = {
  readonly type: string;
  readonly shape?: Readonly<Record<string, SchemaNode>>;
  readonly element?: SchemaNode;
  readonly innerType?: SchemaNode;
  readonly in?: SchemaNode;
  readonly valueType?: SchemaNode;
  readonly options?: readonly SchemaNode[];
  readonly getter?: () => SchemaNode;
};

/** The part of a zod schema this module reads. */
export type SchemaNode = { readonly _zod: { readonly def: SchemaDefinition } };

/** Strips wrappers (optional, default, pipe, lazy…) down to the schema that decides the shape. */
function unwrap(schema: SchemaNode): SchemaNode[] {
  const def = schema._zod.def;
  const inner = def.innerType ?? def.in ?? def.getter?.();
  if (inner !== undefined) {
    return unwrap(inner);
  }
  if (def.type === 'union' && def.options !== undefined) {
    return def.options.flatMap(unwrap);
  }
  return [schema];
}

/** The schemas that may hold the value at `path` (several inside a union). */
export function schemasAt(schema: SchemaNode, path: readonly PathSegment[]): SchemaNode[] {
  let current = unwrap(schema);
  for (const segment of path) {
    current = current.flatMap((node) => {
      const def = node._zod.def;
      if (def.type === 'object' && typeof segment === 'string') {
        const next = def.shape?.[segment];
        return next === undefined ? [] : unwrap(next);
      }
      if (def.type === 'array' && def.element !== undefined) {
        return unwrap(def.element);
      }
      if (def.type === 'record' && def.valueType !== undefined) {
        return unwrap(def.valueType);
      }
      return [];
    });
  }
  return current;
}

/** The keys an object schema at `path` accepts (empty when the value there is not an object schema). */
export function knownKeysAt(schema: SchemaNode, path: readonly PathSegment[]): string[] {
  const keys = new Set<string>();
  for (const node of schemasAt(schema, path)) {
    for (const key of Object.keys(node._zod.def.shape ?? {})) {
      keys.add(key);
    }
  }
  return [...keys];
}

/** The plain value at `path` inside a parsed YAML document, or undefined. */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
