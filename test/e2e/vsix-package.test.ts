/**
 * Marketplace hygiene (issue 8, house point 6): `npm run package` builds baton.vsix with the
 * LICENSE and the CHANGELOG VS Code shows on the extension's page, and .vscodeignore still keeps
 * the library bundle, sources and tests out.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { test } from 'node:test';
import { repoRoot } from '../support/cli';

test('npm run package builds baton.vsix with LICENSE and CHANGELOG and without sources or the library bundle', () => {
  const result = spawnSync('npm', ['run', 'package', '--silent'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `npm run package:\n${result.stdout}\n${result.stderr}`);
  const entries = zipEntries(readFileSync(join(repoRoot, 'baton.vsix')));
  const names = [...entries.keys()];
  for (const name of ['extension/package.json', 'extension/LICENSE.txt', 'extension/changelog.md', 'extension/readme.md', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/mcp.js', 'extension/dist/lsp.js', 'extension/dist/webview/console.js', 'extension/dist/webview/console.css', 'extension/schemas/workflow.schema.json']) {
    assert.ok(names.includes(name), `${name} is missing from baton.vsix:\n${names.join('\n')}`);
  }
  assert.deepEqual(names.filter((n) => /^extension\/(src|test|dist\/lib|dist\/types|node_modules)\//.test(n) || n.endsWith('.map')), []);
  assert.equal(entries.get('extension/LICENSE.txt'), readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
  assert.match(entries.get('extension.vsixmanifest') ?? '', /Type="Microsoft.VisualStudio.Services.Content.Changelog" Path="extension\/changelog.md"/);
});

/** A .vsix is a zip: its entries by name, read from the central directory (stored or deflated). */
function zipEntries(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'baton.vsix is not a zip file');
  const count = zip.readUInt16LE(end + 10);
  const entries = new Map<string, string>();
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
