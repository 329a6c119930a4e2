import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BatonError } from '../core/index';

/**
 * A path an assistant gave, resolved inside the server's root or refused: `../x`, an absolute path
 * elsewhere and a symlink that leads out all count as outside. An assistant reaches only the
 * project it was started in.
 */
export function pathInRoot(root: string, given: string): string {
  const full = resolve(root, given);
  const inside = (path: string, base: string) => {
    const rel = relative(base, path);
    return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
  };
  if (!inside(full, root)) throw new BatonError('usage', `path '${given}' is outside the folder baton mcp serves (${root})`);
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return full; // missing: the caller's own read says so
  }
  if (!inside(real, realpathSync(root))) throw new BatonError('usage', `path '${given}' leads outside the folder baton mcp serves (${root})`);
  return full;
}
