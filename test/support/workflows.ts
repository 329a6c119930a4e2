/** Workflow files several end-to-end suites use. */

/** Build, a step that needs approval, then deploy; build and deploy append to side-effects.txt. */
export const gatedDeploy = `name: Gated deploy
steps:
  - name: Build
    id: build
    action: shell
    params: { command: echo build >> side-effects.txt }
  - name: Deploy gate
    id: gate
    description: A human confirms
    action: log
    params: { message: approved to go }
    requires_approval: true
  - name: Deploy
    id: deploy
    action: shell
    params: { command: echo deploy >> side-effects.txt }
`;

/** barrier(me, other): finishes only once `other` has started too, so two of them complete only side by side. */
const barrier = (me: string, other: string) => `touch ${me}.started; i=0; while [ ! -f ${other}.started ]; do i=$((i+1)); [ $i -gt 250 ] && exit 7; sleep 0.02; done; sleep 0.3; echo ${me} done`;

/** Left and Right run side by side (neither can finish alone); Join needs both. */
export const parallelPair = `name: Parallel pair
max_parallel: 2
steps:
  - name: Left
    id: left
    action: shell
    params: { command: "${barrier('left', 'right')}" }
  - name: Right
    id: right
    needs: []
    action: shell
    params: { command: "${barrier('right', 'left')}" }
  - name: Join
    id: join
    needs: [left, right]
    action: shell
    params: { command: test -f left.started && test -f right.started }
`;

/** A matrix of 3 instances (2 × 2, one excluded, one included) between two plain steps. */
export const matrixBuild = `name: Matrix build
steps:
  - name: Prepare
    id: prepare
    action: log
    params: { message: ready }
  - name: Build
    id: build
    strategy:
      matrix:
        node: [20, 22]
        os: [linux, alpine]
        exclude: [{ node: 20, os: alpine }, { node: 22, os: alpine }]
        include: [{ node: 24, os: alpine }]
      max_parallel: 2
    action: shell
    params: { command: "echo building for node \${{ matrix.node }} on \${{ matrix.os }}; echo artifact=node\${{ matrix.node }}-\${{ matrix.os }} >> \\"$BATON_OUTPUT\\"" }
  - name: Publish
    id: publish
    action: shell
    params: { command: "echo publishing" }
`;

/** Unit fails; Lint (independent) completes; Report needs both and is skipped, Publish after it too. */
export const failingGraph = `name: Failing graph
steps:
  - name: Unit
    id: unit
    action: shell
    params: { command: exit 3 }
  - name: Lint
    id: lint
    needs: []
    action: shell
    params: { command: echo lint ok }
  - name: Report
    id: report
    needs: [unit, lint]
    action: shell
    params: { command: echo report }
  - name: Publish
    id: publish
    needs: report
    action: shell
    params: { command: echo publish }
`;
