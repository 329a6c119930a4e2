import type { DiagnosticCode, Range } from './diagnostic';
import { didYouMean } from './didYouMean';
import { slugify } from './workflowModel';
import type { PathSegment } from './yamlPositions';

/** Where validators put what they find; ranges come from paths in the document. */
export interface Reporter {
  at(path: PathSegment[], pointAtKey?: boolean): Range;
  push(code: DiagnosticCode, message: string, range: Range): void;
}

/** The steps' ids and needs as the file gives them (malformed parts, reported by the schema, are left out). */
export interface NeedsGraph {
  /** Index of the first step with each id. */
  indexOf: ReadonlyMap<string, number>;
  /** Per step index: its id (undefined when it has neither id nor name). */
  ids: ReadonlyArray<string | undefined>;
  /** Per step index: the ids it needs that are steps (itself excluded). */
  needs: ReadonlyArray<readonly string[]>;
  /** Whether step `from` needs step `target`, directly or through the steps it needs. */
  reaches(from: number, target: string): boolean;
}

type Raw = Record<string, unknown>;

interface Edge {
  from: number;
  to: string;
  /** Where the file writes it; undefined for the implicit "the step before". */
  path?: PathSegment[];
}

/** Checks every step's `needs` (unknown, self, cycles) and returns the graph for the expression checks. */
export function checkNeeds(steps: readonly unknown[], report: Reporter): NeedsGraph {
  const ids = steps.map((step) => stepId(step));
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id !== undefined && !indexOf.has(id)) indexOf.set(id, i);
  });
  const edges: Edge[][] = steps.map(() => []);

  steps.forEach((step, index) => {
    if (!isRecord(step)) return;
    const own = ids[index];
    if (step.needs === undefined) {
      const previous = index > 0 ? ids[index - 1] : undefined;
      if (previous !== undefined && previous !== own) edges[index]!.push({ from: index, to: previous });
      return;
    }
    const written: Array<[unknown, PathSegment[]]> = Array.isArray(step.needs)
      ? step.needs.map((entry, k) => [entry, ['steps', index, 'needs', k]])
      : [[step.needs, ['steps', index, 'needs']]];
    for (const [entry, path] of written) {
      if (typeof entry !== 'string') continue; // the schema says so
      if (entry === own) {
        report.push('needs.self', `step '${own}' needs itself; a step can need only other steps`, report.at(path));
      } else if (!indexOf.has(entry)) {
        report.push('needs.unknown', `step '${own ?? index + 1}' needs '${entry}', which is no step of this workflow${didYouMean(entry, indexOf.keys())}`, report.at(path));
      } else edges[index]!.push({ from: index, to: entry, path });
    }
  });

  for (const cycle of findCycles(edges, indexOf)) {
    const names = [...cycle.map((e) => ids[e.from]!), ids[cycle[0]!.from]!];
    // The entry that closes the cycle, or, when that one is implicit, the last one the file writes.
    const closing = cycle[cycle.length - 1]!.path ? cycle[cycle.length - 1]! : [...cycle].reverse().find((e) => e.path)!;
    const implicit = cycle.filter((e) => !e.path).map((e) => `'${ids[e.from]}' has no needs, so it needs the step before it, '${e.to}'`);
    const note = implicit.length ? `; ${implicit.join('; ')}` : '';
    report.push('needs.cycle', `these steps need each other in a cycle, so none of them can start: ${names.join(' → ')}${note}`, report.at(closing.path!));
  }

  const needs = edges.map((list) => [...new Set(list.map((e) => e.to))]);
  return {
    indexOf,
    ids,
    needs,
    reaches(from, target) {
      // Searched when an expression asks, not precomputed: ancestor sets of a 10,000-step chain are quadratic.
      const seen = new Set<number>([from]);
      const queue = [from];
      while (queue.length > 0) {
        const current = queue.pop()!;
        for (const id of needs[current] ?? []) {
          if (id === target) return true;
          const next = indexOf.get(id)!;
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      return false;
    },
  };
}

/**
 * Each cycle once, as its edges in order, found by one depth-first walk in file order (iterative:
 * a 10,000-step chain must not overflow the stack). A back edge to a step on the walk's path closes one.
 */
function findCycles(edges: readonly Edge[][], indexOf: ReadonlyMap<string, number>): Edge[][] {
  const state = new Uint8Array(edges.length); // 0 unvisited, 1 on the path, 2 done
  const cycles: Edge[][] = [];
  const seen = new Set<string>();
  for (let root = 0; root < edges.length; root++) {
    if (state[root] !== 0) continue;
    const path: Array<{ node: number; next: number; via?: Edge }> = [{ node: root, next: 0 }];
    state[root] = 1;
    while (path.length > 0) {
      const frame = path[path.length - 1]!;
      const edge = edges[frame.node]![frame.next++];
      if (!edge) {
        state[frame.node] = 2;
        path.pop();
        continue;
      }
      const to = indexOf.get(edge.to)!;
      if (state[to] === 0) {
        state[to] = 1;
        path.push({ node: to, next: 0, via: edge });
      } else if (state[to] === 1) {
        const start = path.findIndex((f) => f.node === to);
        const cycle = [...path.slice(start + 1).map((f) => f.via!), edge];
        const key = cycle.map((e) => e.from).sort((a, b) => a - b).join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      }
    }
  }
  return cycles;
}

/** A step's id as the model derives it: `id`, else the slug of its name. */
export function stepId(step: unknown): string | undefined {
  if (!isRecord(step)) return undefined;
  if (typeof step.id === 'string') return step.id;
  return typeof step.name === 'string' ? slugify(step.name) : undefined;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
