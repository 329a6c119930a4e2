import { BatonError } from './errors';
import { unclosed } from './expressions';
import { expressionSpanAt } from './expressionSyntax';

/**
 * Puts `${{ }}` values into a shell command without ever letting them become code, wherever the
 * author wrote the template: each value travels in an environment variable, and the template is
 * replaced by a reference to it that is right for its quoting context —
 *
 *   unquoted          ${{ x }}     →  "${BATON_T1}"        one word, no splitting, no globbing
 *   in "..."          "a ${{ x }}" →  "a ${BATON_T1}"      expanded once, never re-parsed
 *   in '...'          'a ${{ x }}' →  'a '"${BATON_T1}"''  leave the single quotes, expand, re-enter
 *   here-document     <<EOF        →  ${BATON_T1}          expanded like "..."
 *   here-document     <<'EOF'      →  the value itself, only if it has no newline (it could end the document)
 *
 * The shell expands a variable's value without running it: `$(...)`, backticks and quotes in
 * data stay text. A small lexer tracks the context: quotes, `$( )`, backticks, comments, here-documents.
 * Each `${{ }}` is a whole expression (expressions.ts): its result, whatever it is, is such a value.
 */
export interface RenderedShell {
  command: string;
  env: Record<string, string>;
}

type Context = 'unquoted' | 'subshell' | 'backtick' | 'double' | 'single' | 'heredoc' | 'heredoc_literal';

/**
 * Replaces each `${{ }}` of a shell command by a reference to a variable holding `render(source)`,
 * `source` being the text between `${{` and `}}`.
 */
export function renderShellCommand(text: string, render: (source: string) => string, prefix = 'BATON_T'): RenderedShell {
  const env: Record<string, string> = {};
  let out = '';
  let count = 0;
  // The stack holds the contexts we are nested in: "..." inside $( ) inside '...' etc.
  const stack: Context[] = ['unquoted'];
  const top = () => stack[stack.length - 1]!;
  const pendingHeredocs: Array<{ delimiter: string; literal: boolean; stripTabs: boolean }> = [];
  let heredoc: { delimiter: string; stripTabs: boolean } | undefined;
  let lineStart = true;
  let comment = false;

  for (let i = 0; i < text.length; ) {
    if (text.startsWith('${{', i)) {
      const span = expressionSpanAt(text, i);
      if (!span.closed) throw unclosed(text, span);
      const name = `${prefix}${++count}`;
      const value = render(text.slice(span.sourceStart, span.sourceEnd));
      out += reference(top(), name, value);
      env[name] = value;
      i = span.end;
      lineStart = false;
      continue;
    }
    const ch = text[i]!;
    const context = top();

    if (context === 'heredoc' || context === 'heredoc_literal') {
      // A here-document body ends at a line that is exactly the delimiter.
      if (lineStart) {
        const end = text.indexOf('\n', i);
        const line = text.slice(i, end < 0 ? text.length : end);
        if ((heredoc!.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc!.delimiter) {
          out += line;
          i += line.length;
          stack.pop();
          heredoc = undefined;
          startNextHeredoc();
          lineStart = false;
          continue;
        }
      }
      if (context === 'heredoc' && ch === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (context === 'heredoc' && text.startsWith('$(', i)) {
        stack.push('subshell');
        out += '$(';
        i += 2;
        continue;
      }
      out += ch;
      lineStart = ch === '\n';
      i++;
      continue;
    }

    if (comment) {
      if (ch === '\n') {
        comment = false;
        onNewline();
      }
      out += ch;
      i++;
      continue;
    }

    if (context === 'single') {
      if (ch === "'") stack.pop();
      out += ch;
      i++;
      continue;
    }

    if (ch === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
      lineStart = false;
      continue;
    }

    if (context === 'double') {
      if (ch === '"') stack.pop();
      else if (text.startsWith('$(', i)) {
        stack.push('subshell');
        out += '$(';
        i += 2;
        continue;
      } else if (ch === '`') stack.push('backtick');
      out += ch;
      i++;
      continue;
    }

    // Unquoted: at top level, inside $( ) or inside backticks.
    if (ch === "'") stack.push('single');
    else if (ch === '"') stack.push('double');
    else if (ch === '#' && (i === 0 || /[\s;&|(]/.test(text[i - 1]!))) comment = true;
    else if (text.startsWith('$(', i)) {
      stack.push('subshell');
      out += '$(';
      i += 2;
      continue;
    } else if (ch === ')' && context === 'subshell') stack.pop();
    else if (ch === '`') {
      if (context === 'backtick') stack.pop();
      else stack.push('backtick');
    } else if (text.startsWith('<<', i) && text[i + 2] !== '<') {
      const parsed = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_.-]+))/.exec(text.slice(i));
      if (parsed) {
        const delimiter = parsed[2] ?? parsed[3] ?? parsed[4] ?? '';
        pendingHeredocs.push({ delimiter, literal: parsed[2] !== undefined || parsed[3] !== undefined || parsed[0].includes('\\'), stripTabs: parsed[1] === '-' });
        out += parsed[0];
        i += parsed[0].length;
        continue;
      }
    } else if (ch === '\n') {
      out += ch;
      i++;
      onNewline();
      continue;
    }
    out += ch;
    lineStart = false;
    i++;
  }
  return { command: out, env };

  function onNewline(): void {
    lineStart = true;
    startNextHeredoc();
  }

  function startNextHeredoc(): void {
    const next = pendingHeredocs.shift();
    if (!next) return;
    heredoc = { delimiter: next.delimiter, stripTabs: next.stripTabs };
    stack.push(next.literal ? 'heredoc_literal' : 'heredoc');
    lineStart = true;
  }
}

function reference(context: Context, name: string, value: string): string {
  switch (context) {
    case 'unquoted':
    case 'subshell':
    case 'backtick':
      return `"\${${name}}"`;
    case 'double':
    case 'heredoc':
      return `\${${name}}`;
    case 'single':
      return `'"\${${name}}"'`;
    case 'heredoc_literal':
      if (value.includes('\n')) {
        throw new BatonError('step_failed', 'a multi-line ${{ }} value cannot go into a quoted here-document (<<\'EOF\'): it could end the document early; use an unquoted delimiter', { retryable: false });
      }
      return value;
  }
}

