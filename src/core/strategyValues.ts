import { BatonError } from './errors';
import { evaluateTemplate, type ExpressionContext } from './expressions';
import type { Combination, MatrixSpec } from './matrix';
import type { Strategy } from './workflowModel';

/**
 * A matrix step's strategy with its expressions evaluated (when its needs have ended): the whole
 * matrix as one expression (`${{ fromJSON(needs.plan.outputs.matrix) }}`, which may hold its own
 * include/exclude), or `${{ }}` in its values, include and exclude entries.
 */
export function evaluateStrategy(strategy: Strategy, context: ExpressionContext): MatrixSpec {
  const value = (v: unknown): unknown => evaluateDeep(v, context);
  const combinations = (list: readonly Combination[]) => list.map((entry) => value(entry) as Combination);
  let keys: Record<string, unknown>;
  let include = combinations(strategy.include);
  let exclude = combinations(strategy.exclude);
  if (typeof strategy.matrix === 'string') {
    const evaluated = evaluateTemplate(strategy.matrix, context);
    if (!isRecord(evaluated)) throw new BatonError('expression', `strategy.matrix: ${strategy.matrix} gave ${describe(evaluated)}, not a mapping of keys to lists of values`);
    const { include: innerInclude, exclude: innerExclude, ...rest } = evaluated;
    include = [...combinationList(innerInclude, 'include'), ...include];
    exclude = [...combinationList(innerExclude, 'exclude'), ...exclude];
    keys = rest;
  } else keys = Object.fromEntries(Object.entries(strategy.matrix).map(([k, v]) => [k, value(v)]));
  const matrix = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { matrix, include, exclude };
}

function combinationList(value: unknown, key: string): Combination[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isRecord)) throw new BatonError('expression', `strategy.matrix: its ${key} is ${describe(value)}, not a list of mappings`);
  return value;
}

function evaluateDeep(value: unknown, context: ExpressionContext): unknown {
  if (typeof value === 'string') return value.includes('${{') ? evaluateTemplate(value, context) : value;
  if (Array.isArray(value)) return value.map((item) => evaluateDeep(item, context));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateDeep(v, context)]));
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}
