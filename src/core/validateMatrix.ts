import { expandMatrix, maxMatrixInstances, type Combination } from './matrix';
import type { Reporter } from './validateGraph';

type Raw = Record<string, unknown>;

/** A product beyond this is not expanded to be counted (memory): it counts as too large, whatever its excludes. */
const largestCounted = 100_000;

/**
 * At most 256 instances per matrix step, counted after include/exclude when the matrix is static
 * (no `${{ }}` in it: an expression's matrix is counted when the step runs).
 */
export function checkMatrixSizes(steps: readonly unknown[], report: Reporter): void {
  steps.forEach((step, index) => {
    if (!isRecord(step) || !isRecord(step.strategy)) return;
    const strategy = step.strategy;
    if (!isRecord(strategy.matrix) || JSON.stringify(strategy).includes('${{')) return;
    const { include: innerInclude, exclude: innerExclude, ...keys } = strategy.matrix;
    if (!Object.values(keys).every(Array.isArray)) return; // the schema says so
    const lists = keys as Record<string, unknown[]>;
    const include = [...combinations(innerInclude), ...combinations(strategy.include)];
    const exclude = [...combinations(innerExclude), ...combinations(strategy.exclude)];
    const product = Object.values(lists).reduce((n, values) => n * values.length, Object.keys(lists).length ? 1 : 0);
    const count = product <= largestCounted ? expandMatrix({ matrix: lists, include, exclude }).length : product;
    if (count > maxMatrixInstances) {
      const what = product <= largestCounted ? `${count} instances` : `${product} combinations before exclude`;
      report.push('matrix.too_large', `this matrix has ${what}; a step may have at most ${maxMatrixInstances} (split it into several steps, or exclude combinations)`, report.at(['steps', index, 'strategy', 'matrix'], true));
    }
  });
}

function combinations(value: unknown): Combination[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
