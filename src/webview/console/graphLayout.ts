/**
 * Where the graph's nodes go: dagre's layered layout (see docs/decisions.md for why dagre, with the
 * numbers). A node's size depends on its name and on how many matrix instances it shows.
 */
import dagre from '@dagrejs/dagre';
import type { ConsoleNode } from '../../host/index';

export const nodeWidth = 180;
export const headHeight = 34;
export const instanceHeight = 22;
/** Instances drawn inside a matrix node; the rest are counted on a last row. */
export const maxInstancesShown = 8;

export interface Placed {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: Map<string, Placed>;
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }> }>;
  width: number;
  height: number;
}

/** The shape of the graph: the layout is computed again only when this changes (not for a status change). */
export function shapeKey(nodes: readonly ConsoleNode[]): string {
  return nodes.map((n) => `${n.id}:${n.instances.length}:${n.needs.join(',')}`).join('|');
}

export function instanceRows(node: ConsoleNode): number {
  if (node.instances.length === 0) return 0;
  return node.instances.length > maxInstancesShown ? maxInstancesShown + 1 : node.instances.length;
}

export function layoutGraph(nodes: readonly ConsoleNode[], edges: ReadonlyArray<{ from: string; to: string }>): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 36, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: nodeWidth, height: headHeight + instanceRows(n) * instanceHeight + (n.instances.length ? 6 : 0) });
  for (const e of edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const placed = new Map<string, Placed>();
  for (const n of nodes) {
    const p = g.node(n.id);
    placed.set(n.id, { id: n.id, x: p.x - p.width / 2, y: p.y - p.height / 2, width: p.width, height: p.height });
  }
  const laidEdges = edges.map((e) => ({ from: e.from, to: e.to, points: (g.edge(e.from, e.to)?.points ?? []).map((pt: { x: number; y: number }) => ({ x: pt.x, y: pt.y })) }));
  const graph = g.graph();
  return { nodes: placed, edges: laidEdges, width: graph.width ?? 0, height: graph.height ?? 0 };
}
