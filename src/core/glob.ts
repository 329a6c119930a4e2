/**
 * The one glob compiler. Two syntaxes, because Baton matches two kinds of text:
 *
 * - `'path'` (workflow files, `on.save`): `/`-separated relative paths; `**` spans folders, `*`
 *   and `?` stay within one, `{a,b}` is an alternative, `[abc]` a class.
 * - `'name'` (event types and sources, Slack's type list, the Events view filter): `*` is any run
 *   of characters, dots and slashes included, `?` one character, and everything else is literal,
 *   so a pattern typed by a user can never be an invalid one.
 */
export interface GlobOptions {
  /** @default 'path' */
  syntax?: 'path' | 'name';
}

/** A glob as an anchored RegExp. */
export function globToRegExp(glob: string, options: GlobOptions = {}): RegExp {
  return options.syntax === 'name' ? nameGlob(glob) : pathGlob(glob);
}

function nameGlob(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += escape(ch);
  }
  // `s`: a name may hold a newline, and `*` must match across it too.
  return new RegExp(`^${source}$`, 's');
}

function pathGlob(glob: string): RegExp {
  let source = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '{') {
      inBraces++;
      source += '(?:';
    } else if (ch === '}' && inBraces > 0) {
      inBraces--;
      source += ')';
    } else if (ch === ',' && inBraces > 0) source += '|';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += escape(ch);
  }
  return new RegExp(`^${source}$`);
}

function escape(ch: string): string {
  return ch.replace(/[.+^${}()|[\]\\/*?-]/g, '\\$&');
}
