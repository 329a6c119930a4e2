/** Workflow texts the benchmarks run: many small steps, in the layout a user writes them. */

/** `steps` steps of `action`; shell steps echo the previous step's output, as a real pipeline passes values. */
export function workflowYaml(steps: number, action: string): string {
  const lines = ['name: Bench', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  - name: Step ${i}`, `    id: s${i}`, `    action: ${action}`, `    description: step number ${i}`, `    timeout_seconds: 30`, `    retry_count: 1`);
    if (action === 'shell') lines.push(`    params:`, `      command: echo ${i > 0 ? `\${{ steps.s${i - 1}.outputs.x }}` : 'start'} ${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `count` shell steps running `command`, one after another (each needs the one before it). */
export function sequentialShellYaml(count: number, command: string): string {
  const lines = ['name: Shell steps in sequence', 'steps:'];
  for (let i = 0; i < count; i++) lines.push(`  - name: s${i}`, '    action: shell', `    params: { command: ${JSON.stringify(command)} }`);
  return `${lines.join('\n')}\n`;
}

/** One step fanned out over `count` matrix instances, at most `parallel` at a time. */
export function matrixShellYaml(count: number, parallel: number, command: string): string {
  return [
    'name: Shell fan-out',
    // The workflow's own limit defaults to the number of CPUs, which would cap the matrix's.
    `max_parallel: ${parallel}`,
    'steps:',
    '  - name: fan',
    '    action: shell',
    '    strategy:',
    `      matrix: { i: [${Array.from({ length: count }, (_, i) => i).join(', ')}] }`,
    `      max_parallel: ${parallel}`,
    `    params: { command: ${JSON.stringify(command)} }`,
    '',
  ].join('\n');
}
