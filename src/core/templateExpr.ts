/**
 * `${{ expr }}` templates. An expression is a dotted path into one of the contexts
 * steps, inputs, env, event, run — nothing is evaluated, so a template can never run code.
 */
export interface TemplateRef {
  /** The whole `${{ ... }}` text. */
  raw: string;
  /** Offset of `${{` in the string. */
  index: number;
  /** Path segments, e.g. ['steps', 'unit', 'outputs', 'passed']. */
  path: string[];
}

const templatePattern = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const segmentPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const templateContexts = ['steps', 'inputs', 'env', 'event', 'run'] as const;

export function findTemplates(text: string): TemplateRef[] {
  if (!text.includes('${{')) return [];
  const refs: TemplateRef[] = [];
  for (const match of text.matchAll(templatePattern)) {
    const expr = match[1] ?? '';
    refs.push({ raw: match[0], index: match.index, path: expr === '' ? [] : expr.split('.') });
  }
  return refs;
}

/** Returns why a template's path is malformed, or undefined when its shape is fine. */
export function checkTemplateShape(ref: TemplateRef): string | undefined {
  const [root, ...rest] = ref.path;
  if (root === undefined) return `empty expression ${ref.raw}`;
  if (!ref.path.every((s) => segmentPattern.test(s))) {
    return `${ref.raw} is not a dotted path (only names like steps.<id>.outputs.<key> are allowed; nothing is evaluated)`;
  }
  if (!(templateContexts as readonly string[]).includes(root)) {
    return `unknown context '${root}' in ${ref.raw}; use one of ${templateContexts.join(', ')}`;
  }
  if (root === 'steps') {
    const [, , prop] = ref.path;
    if (prop === 'status' && rest.length === 2) return undefined;
    if (prop === 'outputs' && rest.length === 3) return undefined;
    return `${ref.raw}: write steps.<id>.outputs.<key> or steps.<id>.status`;
  }
  if ((root === 'inputs' || root === 'env') && rest.length !== 1) return `${ref.raw}: write ${root}.<name>`;
  if (root === 'run' && !(rest.length === 1 && runFields.includes(rest[0] ?? ''))) {
    return `${ref.raw}: run has ${runFields.join(', ')}`;
  }
  if (root === 'event' && rest.length === 0) return `${ref.raw}: write event.data.<path>, event.type, event.source or event.id`;
  return undefined;
}

export const runFields = ['id', 'workflow_id', 'workflow_name'];

/** Plain substitution, for params that are not shell code (messages, paths, event data). */
export function renderTemplate(text: string, lookup: (path: string[]) => unknown): string {
  if (!text.includes('${{')) return text;
  return text.replace(templatePattern, (_whole, expr: string) => {
    const value = lookup(expr.split('.'));
    return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
}
