import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defaultIdFor, findWorkflowFiles, loadWorkflowFile } from '../../core/index';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { UsageError } from '../usageError';

export const initCommand: Command = {
  name: 'init',
  summary: 'Set up an editor for this project (JetBrains: JSON schema mapping and run configurations)',
  usage: 'baton init jetbrains [--force] [--bin <command>]',
  details: [
    'jetbrains: writes .idea/jsonSchemas.xml (workflow files checked against Baton\'s schema) and .run/Baton_<workflow>.run.xml',
    '(a "Run" and a "Validate" configuration per workflow). Existing files are kept unless --force.',
    'For live diagnostics, completion and hover add the language server with LSP4IJ: see editors/jetbrains/.',
    '--bin is the command the run configurations call (default: baton).',
  ].join('\n'),
  options: { force: { type: 'boolean' }, bin: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const [editor, ...extra] = positionals;
    if (editor !== 'jetbrains' || extra.length > 0) throw new UsageError("give the editor to set up: 'jetbrains'");
    const root = resolve(io.cwd);
    const bin = typeof values.bin === 'string' && values.bin.trim() !== '' ? values.bin : 'baton';
    const files = new Map<string, string>();
    files.set(join(root, '.idea', 'jsonSchemas.xml'), jsonSchemasXml(schemaPath(root)));
    for (const file of findWorkflowFiles(root)) {
      const id = defaultIdFor(file);
      const name = loadWorkflowFile(file).workflow?.name ?? id;
      files.set(join(root, '.run', `Baton_${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.run.xml`), runConfigurationXml(name, relative(root, file).split(sep).join('/'), bin));
    }
    for (const [path, text] of files) {
      const shown = relative(root, path);
      if (existsSync(path) && !values.force) {
        io.stdout.write(`kept ${shown} (it exists; --force replaces it)\n`);
        continue;
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, text, { mode: 0o600 });
      io.stdout.write(`wrote ${shown}\n`);
    }
    return exitCodes.ok;
  },
};

/** Baton's schema as the IDE should find it: relative to the project when the project holds it (node_modules/baton), else absolute. */
function schemaPath(root: string): string {
  const shipped = resolve(__dirname, '..', 'schemas', 'workflow.schema.json');
  const inside = relative(root, shipped);
  return inside.startsWith('..') ? shipped : inside.split(sep).join('/');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The IDE's JSON Schema mapping (Settings | Languages & Frameworks | Schemas and DTDs | JSON Schema Mappings). */
export function jsonSchemasXml(schema: string): string {
  const patterns = ['workflows/**/*.yaml', 'workflows/**/*.yml', '*.workflow.yaml', '*.workflow.yml']
    .map((p) => `                  <Item>\n                    <option name="pattern" value="true" />\n                    <option name="path" value="${attr(p)}" />\n                    <option name="mappingKind" value="Pattern" />\n                  </Item>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project version="4">
  <component name="JsonSchemaMappingsProjectConfiguration">
    <state>
      <map>
        <entry key="Baton workflow">
          <value>
            <SchemaInfo>
              <option name="generatedName" value="New Schema" />
              <option name="name" value="Baton workflow" />
              <option name="relativePathToSchema" value="${attr(schema)}" />
              <option name="schemaVersion" value="JSON Schema version 7" />
              <option name="patterns">
                <list>
${patterns}
                </list>
              </option>
            </SchemaInfo>
          </value>
        </entry>
      </map>
    </state>
  </component>
</project>
`;
}

/** A Run and a Validate configuration (Shell Script type, bundled in every JetBrains IDE) for one workflow. */
export function runConfigurationXml(name: string, file: string, bin: string): string {
  const configuration = (title: string, script: string) => `  <configuration default="false" name="${attr(title)}" type="ShConfigurationType">
    <option name="SCRIPT_TEXT" value="${attr(script)}" />
    <option name="INDEPENDENT_SCRIPT_PATH" value="true" />
    <option name="SCRIPT_PATH" value="" />
    <option name="SCRIPT_OPTIONS" value="" />
    <option name="INDEPENDENT_SCRIPT_WORKING_DIRECTORY" value="true" />
    <option name="SCRIPT_WORKING_DIRECTORY" value="$PROJECT_DIR$" />
    <option name="INDEPENDENT_INTERPRETER_PATH" value="true" />
    <option name="INTERPRETER_PATH" value="/bin/sh" />
    <option name="INTERPRETER_OPTIONS" value="" />
    <option name="EXECUTE_IN_TERMINAL" value="true" />
    <option name="EXECUTE_SCRIPT_FILE" value="false" />
    <envs />
    <method v="2" />
  </configuration>`;
  const quoted = `'${file.replace(/'/g, `'\\''`)}'`;
  return `<component name="ProjectRunConfigurationManager">
${configuration(`Baton: Run ${name}`, `${bin} run ${quoted}`)}
${configuration(`Baton: Validate ${name}`, `${bin} validate ${quoted}`)}
</component>
`;
}
