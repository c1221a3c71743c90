/** A node of the lineage picture: a source, a dataset (its silver table) or a gold model. */
export type LineageNode = {
  /** `source:bank`, `bank.transactions`, `gold.monthly_spending`. */
  readonly id: string;
  readonly kind: 'source' | 'dataset' | 'model';
  readonly label: string;
  /** run status of the node (a source: the worst of its datasets), or `never_run`. */
  readonly status: string;
  /** A few words under the label (when it last ran, its connector). */
  readonly note: string;
  readonly href: string;
};

export type LineageEdge = { readonly from: string; readonly to: string };

export type PlacedNode = LineageNode & { readonly x: number; readonly y: number; readonly column: number };

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 52;
const ROW = 68;
const COLUMN = NODE_WIDTH + 90;
const TOP = 40;
const LEFT = 16;

/**
 * Places the nodes in columns — sources, datasets, then gold models by depth (a model reading another model sits
 * right of it) — and orders each column so edges cross little: datasets grouped by source, sources centred on their
 * datasets, models at the mean height of what they read, pushed apart where they would overlap.
 */
export function layoutLineage(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): { readonly nodes: readonly PlacedNode[]; readonly width: number; readonly height: number } {
  const upstream = (id: string): string[] => edges.filter((edge) => edge.to === id).map((edge) => edge.from);
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: ReadonlySet<string> = new Set()): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const node = nodes.find((candidate) => candidate.id === id);
    let value = node?.kind === 'source' ? 0 : node?.kind === 'dataset' ? 1 : 2;
    if (node?.kind === 'model' && !seen.has(id)) {
      for (const from of upstream(id)) {
        if (nodes.find((candidate) => candidate.id === from)?.kind === 'model') value = Math.max(value, depthOf(from, new Set([...seen, id])) + 1);
      }
    }
    depth.set(id, value);
    return value;
  };
  const y = new Map<string, number>();
  const datasets = nodes.filter((node) => node.kind === 'dataset');
  datasets.forEach((node, index) => y.set(node.id, TOP + index * ROW));
  const sources = nodes.filter((node) => node.kind === 'source');
  const spread = (ids: readonly string[], wanted: (id: string) => number): void => {
    const ordered = [...ids].sort((a, b) => wanted(a) - wanted(b));
    let floor = TOP;
    for (const id of ordered) {
      const at = Math.max(floor, wanted(id));
      y.set(id, at);
      floor = at + ROW;
    }
  };
  const meanOf = (ids: readonly string[], fallback: number): number => {
    const values = ids.map((id) => y.get(id)).filter((value): value is number => value !== undefined);
    return values.length === 0 ? fallback : values.reduce((sum, value) => sum + value, 0) / values.length;
  };
  spread(sources.map((node) => node.id), (id) => meanOf(edges.filter((edge) => edge.from === id).map((edge) => edge.to), TOP));
  const models = nodes.filter((node) => node.kind === 'model');
  const maxDepth = Math.max(2, ...models.map((node) => depthOf(node.id)));
  for (let column = 2; column <= maxDepth; column += 1) {
    spread(models.filter((node) => depthOf(node.id) === column).map((node) => node.id), (id) => meanOf(upstream(id), TOP));
  }
  const placed = nodes.map((node): PlacedNode => {
    const column = depthOf(node.id);
    return { ...node, column, x: LEFT + column * COLUMN, y: y.get(node.id) ?? TOP };
  });
  const height = Math.max(...placed.map((node) => node.y), TOP) + NODE_HEIGHT + 16;
  return { nodes: placed, width: LEFT * 2 + (maxDepth + 1) * COLUMN - (COLUMN - NODE_WIDTH), height };
}
