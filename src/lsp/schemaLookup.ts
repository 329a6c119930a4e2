import workflowSchema from '../../schemas/workflow.schema.json';

/** A JSON Schema node as far as the editor features read it. */
export interface SchemaNode {
  description?: string;
  markdownDescription?: string;
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  $ref?: string;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

const root = workflowSchema as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };

function resolve(node: SchemaNode | undefined, base: SchemaNode & { definitions?: Record<string, SchemaNode> } = root): SchemaNode | undefined {
  let at = node;
  for (let i = 0; at?.$ref && i < 10; i++) at = base.definitions?.[at.$ref.replace('#/definitions/', '')];
  return at;
}

function branches(node: SchemaNode): SchemaNode[] {
  return [node, ...[...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])].map((b) => resolve(b)).filter((b): b is SchemaNode => b !== undefined)];
}

/**
 * The schema of what lives at a key path (`['steps', '[]', 'strategy']`), or undefined where the
 * schema says nothing (a step's `params` belong to its action: see `actionParamsSchema`).
 * `start` is the schema to walk, the workflow's by default.
 */
export function schemaAt(path: readonly (string | number)[], start: SchemaNode = root): SchemaNode | undefined {
  let node = resolve(start, start === root ? root : (start as SchemaNode & { definitions?: Record<string, SchemaNode> }));
  for (const segment of path) {
    if (!node) return undefined;
    const options = branches(node);
    let next: SchemaNode | undefined;
    for (const option of options) {
      if (segment === '[]' || typeof segment === 'number') next ??= option.items;
      else next ??= option.properties?.[segment] ?? (typeof option.additionalProperties === 'object' ? option.additionalProperties : undefined);
    }
    node = resolve(next);
  }
  return node;
}

/** The keys a mapping at this schema may have, with their descriptions. */
export function schemaKeys(node: SchemaNode | undefined): Array<{ name: string; schema: SchemaNode }> {
  if (!node) return [];
  const seen = new Map<string, SchemaNode>();
  for (const option of branches(node)) for (const [name, schema] of Object.entries(option.properties ?? {})) if (!seen.has(name)) seen.set(name, resolve(schema) ?? schema);
  return [...seen].map(([name, schema]) => ({ name, schema }));
}

/** Values a scalar may take, when the schema lists them (`enum`, booleans). */
export function schemaValues(node: SchemaNode | undefined): string[] {
  if (!node) return [];
  const out = new Set<string>();
  for (const option of branches(node)) {
    for (const value of option.enum ?? []) out.add(String(value));
    const types = Array.isArray(option.type) ? option.type : option.type ? [option.type] : [];
    if (types.includes('boolean')) ['true', 'false'].forEach((v) => out.add(v));
  }
  return [...out];
}

export function describe(node: SchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  return branches(node).map((b) => b.markdownDescription ?? b.description).find((d) => d !== undefined);
}
