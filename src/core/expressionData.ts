import { data } from '@actions/expressions';
import { BatonError } from './errors';

/**
 * Conversions between plain JS values (what steps, inputs, events and the journal hold) and the
 * `data.*` values `@actions/expressions` evaluates on, both ways, with GitHub's rules.
 *
 * Objects and arrays are converted lazily, entry by entry, when an expression reaches into them:
 * a 10,000-step run's `steps` context is handed to every expression, and converting all of it for
 * each one would make a run quadratic.
 */
export type ExpressionData = data.ExpressionData;

/** A JS value as expression data: null/undefined → null, objects → case-insensitive dictionaries (GitHub's). */
export function toExpressionData(value: unknown): ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  switch (typeof value) {
    case 'string':
      return new data.StringData(value);
    case 'number':
      return new data.NumberData(value);
    case 'bigint':
      return new data.NumberData(Number(value));
    case 'boolean':
      return new data.BooleanData(value);
    case 'object':
      return Array.isArray(value) ? new LazyArray(value) : new LazyDictionary(value as Record<string, unknown>);
    default:
      // Functions and symbols never come from data (JSON, YAML, the journal); read them as null.
      return new data.Null();
  }
}

/** Expression data as a plain JS value (JSON-shaped). Iterative: deep event data cannot overflow the stack. */
export function fromExpressionData(value: ExpressionData): unknown {
  const root: { value?: unknown } = {};
  const stack: Array<[ExpressionData, (converted: unknown) => void]> = [[value, (v) => (root.value = v)]];
  while (stack.length > 0) {
    const [current, set] = stack.pop()!;
    switch (current.kind) {
      case data.Kind.Null:
        set(null);
        break;
      case data.Kind.String:
      case data.Kind.Number:
      case data.Kind.Boolean:
        set((current as data.StringData | data.NumberData | data.BooleanData).value);
        break;
      case data.Kind.Array: {
        const items = (current as data.Array).values();
        const out: unknown[] = new Array<unknown>(items.length);
        set(out);
        items.forEach((item, i) => stack.push([item, (v) => (out[i] = v)]));
        break;
      }
      default: {
        const out: Record<string, unknown> = {};
        set(out);
        for (const { key, value: item } of (current as data.Dictionary).pairs()) {
          out[key] = null; // keeps the keys' order: the stack fills them last to first
          stack.push([item, (v) => (out[key] = v)]);
        }
      }
    }
  }
  return root.value;
}

/**
 * Expression data as text, as GitHub puts a `${{ }}` value into a string: null → '', booleans →
 * true/false, numbers in GitHub's format, objects and arrays → compact JSON.
 */
export function expressionDataToText(value: ExpressionData): string {
  if (value.primitive) return value.coerceString();
  return JSON.stringify(fromExpressionData(value));
}

/** A dictionary whose entries are converted on first access; keys match case-insensitively, as GitHub's do. */
export class LazyDictionary extends data.Dictionary {
  private readonly converted = new Map<string, ExpressionData>();
  private lowerKeys?: Map<string, string>;

  constructor(private readonly source: Readonly<Record<string, unknown>>) {
    super();
  }

  override get(key: string): ExpressionData | undefined {
    const own = Object.hasOwn(this.source, key) ? key : this.findKey(key);
    if (own === undefined) return undefined;
    let value = this.converted.get(own);
    if (!value) {
      value = this.convert(own, this.source[own]);
      this.converted.set(own, value);
    }
    return value;
  }

  override values(): ExpressionData[] {
    return this.pairs().map((pair) => pair.value);
  }

  override pairs(): Array<{ key: string; value: ExpressionData }> {
    return Object.keys(this.source).map((key) => ({ key, value: this.get(key)! }));
  }

  /** How one entry becomes data; subclasses (secrets) refine it. */
  protected convert(_key: string, value: unknown): ExpressionData {
    return toExpressionData(value);
  }

  private findKey(key: string): string | undefined {
    // Built only for a key written in another case than the data's: the usual lookup stays O(1).
    this.lowerKeys ??= new Map(Object.keys(this.source).map((k) => [k.toLowerCase(), k]));
    return this.lowerKeys.get(key.toLowerCase());
  }
}

class LazyArray extends data.Array {
  private converted?: ExpressionData[];

  constructor(private readonly source: readonly unknown[]) {
    super();
  }

  override get(index: number): ExpressionData {
    return this.values()[index]!;
  }

  override values(): ExpressionData[] {
    this.converted ??= this.source.map(toExpressionData);
    return this.converted;
  }
}

/** `secrets`: reading a name nobody set fails the step with that name, never renders as ''. */
export class SecretsDictionary extends LazyDictionary {
  override get(key: string): ExpressionData | undefined {
    const value = super.get(key);
    if (value === undefined) throw new BatonError('expression', `secret '${key}' is not set`, { retryable: false });
    return value;
  }
}
