/** The Workflows view's Secrets node: the names of `${{ secrets.NAME }}` values in SecretStorage, never their values. */
import type { NodeView } from './treeModel';

export type SecretsNode = { kind: 'secrets'; names: readonly string[]; view: NodeView };
/** `secretName` is what Baton: Delete Secret reads from the node it is invoked on. */
export type SecretNode = { kind: 'secret'; secretName: string; view: NodeView };

export function secretsNode(names: readonly string[]): SecretsNode {
  return {
    kind: 'secrets',
    names,
    view: {
      id: 'secrets',
      label: 'Secrets',
      description: names.length ? `${names.length} stored` : 'none — Baton: Set Secret',
      tooltip: 'Values for ${{ secrets.NAME }}, kept in VS Code’s secret storage and masked as *** in everything a run shows or writes.',
      icon: 'key',
      contextValue: 'secrets',
      collapsible: names.length > 0,
    },
  };
}

export function secretNodes(names: readonly string[]): SecretNode[] {
  return names.map((name) => ({ kind: 'secret', secretName: name, view: { id: `secret:${name}`, label: name, description: '${{ secrets.' + name + ' }}', icon: 'lock', contextValue: 'secret', collapsible: false } }));
}
