/**
 * A matrix step's instances: the cartesian product of its matrix in key order, minus `exclude`,
 * plus `include` with GitHub Actions' rules, each with a readable, stable id
 * (`build(node=20,os=linux)`) that the journal, the log file and the views use.
 */

/** At most this many instances per step (a validation error beyond, and a step failure at run time). */
export const maxMatrixInstances = 256;

export type Combination = Record<string, unknown>;

export interface MatrixSpec {
  /** Each key's values, already evaluated. */
  matrix: Record<string, readonly unknown[]>;
  include?: readonly Combination[];
  exclude?: readonly Combination[];
}

export interface MatrixInstance {
  /** `<step>(k=v,k2=v2)`. */
  id: string;
  /** `<step name> (v, v2)`. */
  name: string;
  matrix: Combination;
}

/** The combinations, in order: product (first key slowest), excludes removed, includes merged or added. */
export function expandMatrix(spec: MatrixSpec): Combination[] {
  const keys = Object.keys(spec.matrix);
  let combos: Combination[] = keys.length === 0 ? [] : [{}];
  for (const key of keys) {
    const values = spec.matrix[key] ?? [];
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  combos = combos.filter((combo) => !(spec.exclude ?? []).some((ex) => matches(combo, ex)));
  // GitHub: an include entry is added to every original combination whose matrix values it does
  // not change; when it fits none, it becomes a combination of its own (which later entries leave alone).
  const originals = combos.map((c) => ({ ...c }));
  const added: Combination[] = [];
  for (const entry of spec.include ?? []) {
    let fitted = false;
    originals.forEach((original, i) => {
      if (Object.entries(entry).every(([k, v]) => !(k in original) || same(original[k], v))) {
        Object.assign(combos[i]!, entry);
        fitted = true;
      }
    });
    if (!fitted) added.push({ ...entry });
  }
  return [...combos, ...added];
}

/** Instances of step `stepId` for the combinations, ids unique even when two values print alike. */
export function matrixInstances(stepId: string, stepName: string, combos: readonly Combination[]): MatrixInstance[] {
  const seen = new Set<string>();
  return combos.map((matrix, index) => {
    const parts = Object.entries(matrix).map(([k, v]) => `${k}=${printValue(v)}`);
    let id = `${stepId}(${parts.join(',')})`;
    if (seen.has(id)) id = `${stepId}(${parts.join(',')},#${index + 1})`;
    seen.add(id);
    return { id, name: `${stepName} (${Object.values(matrix).map(printValue).join(', ')})`, matrix };
  });
}

function printValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function matches(combo: Combination, pattern: Combination): boolean {
  return Object.entries(pattern).every(([k, v]) => same(combo[k], v));
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
