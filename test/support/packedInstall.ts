/**
 * Installs Baton the way a user's project would: `npm pack` of this repository, then
 * `npm ci --offline` of a fresh project that depends on the tarball.
 *
 * The project's lockfile pins the tarball's runtime dependencies to the versions in this
 * repository's package-lock.json (the ones the suites run against), so npm takes every package
 * from its cache by integrity and needs no network: after this repository's own `npm ci` (or
 * `npm install`) the cache holds them all. npm still does the real work: it unpacks the
 * tarball, checks each package's integrity and links `node_modules/.bin/baton`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli';

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
}

/** npm with the noise off; fails with everything npm said. */
export function npm(args: readonly string[], cwd: string): string {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} in ${cwd} failed (${result.error?.message ?? `exit ${String(result.status)}`}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `npm pack` of this repository into `dir` (its prepack builds the bundles and the types); returns the tarball's path. */
export function packRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  npm(['pack', '--pack-destination', dir], repoRoot);
  const tarballs = readdirSync(dir).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${dir}: ${tarballs.join(', ')}`);
  return join(dir, tarballs[0]!);
}

/** A new project in `dir` whose only dependency is `tarball`, installed with `npm ci --offline`. */
export function installTarball(dir: string, tarball: string): void {
  mkdirSync(dir, { recursive: true });
  const baton = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
  const spec = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'baton-consumer', private: true, dependencies: { [baton.name]: spec } }, null, 2));
  const lock = {
    name: 'baton-consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'baton-consumer', dependencies: { [baton.name]: spec } },
      [`node_modules/${baton.name}`]: {
        version: baton.version,
        resolved: spec,
        integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
        license: baton.license,
        dependencies: baton.dependencies,
        bin: baton.bin,
        engines: baton.engines,
      },
      ...runtimeClosure(baton.dependencies),
    },
  };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
  npm(['ci', '--offline'], dir);
}

/**
 * The lock entries of `dependencies` and everything they need, at the paths they have in this
 * repository's lockfile (the repository's own dependencies are hoisted, as they will be in the
 * consumer), with the registry URL npm would fetch each from.
 */
function runtimeClosure(dependencies: Record<string, string>): Record<string, LockEntry> {
  const repoLock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const registry = npm(['config', 'get', 'registry'], repoRoot).trim().replace(/\/?$/, '/');
  const out: Record<string, LockEntry> = {};
  const queue = Object.keys(dependencies).map((name) => ({ from: '', name, optional: false }));
  for (let next = queue.shift(); next; next = queue.shift()) {
    const path = locate(repoLock.packages, next.from, next.name);
    if (!path && next.optional) continue;
    if (!path) throw new Error(`${next.name} (needed by ${next.from || 'baton'}) is not in package-lock.json`);
    if (out[path]) continue;
    // dev/peer flags describe the repository's tree, not the consumer's.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repoLock.packages[path]!;
    out[path] = { ...entry, resolved: entry.resolved ?? `${registry}${next.name}/-/${next.name.split('/').pop()!}-${entry.version}.tgz` };
    for (const name of Object.keys(entry.dependencies ?? {})) queue.push({ from: path, name, optional: false });
    for (const name of Object.keys(entry.optionalDependencies ?? {})) queue.push({ from: path, name, optional: true });
    for (const name of Object.keys(entry.peerDependencies ?? {})) queue.push({ from: path, name, optional: entry.peerDependenciesMeta?.[name]?.optional === true });
  }
  return out;
}

/** Node's lookup: `<from>/node_modules/<name>`, then each enclosing node_modules up to the root. */
function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const path = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[path]) return path;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}
