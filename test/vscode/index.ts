// The extensionTestsPath module: runs Mocha (tdd) over the bundled *.test.js next to it, inside
// the extension host, and writes the counts to $VSCODE_TEST_RESULT for scripts/vscode-test.mjs.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const grep = process.env.BATON_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, ...(grep ? { grep } : {}) });
  for (const f of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      if (process.env.VSCODE_TEST_RESULT) writeFileSync(process.env.VSCODE_TEST_RESULT, JSON.stringify({ failures, passes: stats?.passes ?? 0, tests: stats?.tests ?? 0 }));
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
