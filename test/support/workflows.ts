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
