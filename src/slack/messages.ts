import { formatDuration } from '../core/index';
import { header, payload, section, context, type SlackPayload } from './blocks';
import { fitToLimits } from './blockKitLimits';
import {
  duration,
  errorSection,
  footer,
  nextStepsSection,
  outputSection,
  plain,
  resultsSection,
  runFields,
  shellArg,
  short,
  stepLabel,
  stepsDone,
  workflowLabel,
} from './messageParts';
import { escapeMrkdwn, inlineCode, safeText } from './mrkdwn';
import { buildGenericMessage, buildProcessMessage } from './processMessages';
import { readBoolean, readNumber, readString, type SlackInput } from './slackInput';

/**
 * Builds the Slack message for one event. Every kind has a header, the run's fields, the kind's
 * own sections, next steps and a footer; the result always fits Slack's limits.
 * Unknown types get a generic message (a user may list custom types like `test.completed`).
 */
export function buildMessage(input: SlackInput): SlackPayload {
  return fitToLimits(build(input));
}

function build(input: SlackInput): SlackPayload {
  switch (input.type) {
    case 'baton.workflow.started':
    case 'baton.workflow.resumed':
      return runStarted(input);
    case 'baton.workflow.completed':
      return runCompleted(input);
    case 'baton.workflow.failed':
      return runFailed(input);
    case 'baton.workflow.cancelled':
      return runCancelled(input);
    case 'baton.step.failed':
      return stepFailed(input);
    case 'baton.approval.requested':
      return approvalRequested(input);
    case 'baton.approval.granted':
    case 'baton.approval.rejected':
      return approvalDecided(input);
    default:
      if (input.type.startsWith('process.')) return buildProcessMessage(input);
      return buildGenericMessage(input);
  }
}

function runStarted(input: SlackInput): SlackPayload {
  const name = workflowLabel(input);
  const resumed = input.type === 'baton.workflow.resumed';
  const verb = resumed ? 'resumed' : 'started';
  const trigger = readString(input.data, 'trigger');
  return payload('info', `${resumed ? '🔁' : '▶️'} ${safeText(name, 150)} ${verb}`, [
    header(`${resumed ? '🔁' : '▶️'} ${plain(name)} ${verb}`),
    runFields(input, [
      ['Steps', resumed ? stepsDone(input.data) : short(readString(input.data, 'stepsTotal'))],
      ['Trigger', short(trigger)],
    ]),
    nextStepsSection(input.data),
    footer(input),
  ]);
}

function runCompleted(input: SlackInput): SlackPayload {
  const name = workflowLabel(input);
  const took = duration(input.data);
  return payload('success', `✅ ${safeText(name, 150)} completed${took ? ` in ${took}` : ''}`, [
    header(`✅ ${plain(name)} completed`),
    runFields(input, [
      ['Duration', took],
      ['Steps', stepsDone(input.data)],
    ]),
    resultsSection(input.data),
    nextStepsSection(input.data),
    footer(input),
  ]);
}

function runFailed(input: SlackInput): SlackPayload {
  const name = workflowLabel(input);
  const failedStep = readString(input.data, 'failedStep');
  const at = failedStep ? ` at step ${safeText(failedStep, 80)}` : '';
  return payload('failure', `❌ ${safeText(name, 150)} failed${at}`, [
    header(`❌ ${plain(name)} failed`),
    runFields(input, [
      ['Failed step', failedStep === undefined ? undefined : inlineCode(failedStep, 100)],
      ['Duration', duration(input.data)],
      ['Steps', stepsDone(input.data)],
    ]),
    errorSection(input.data),
    resultsSection(input.data),
    nextStepsSection(input.data) ?? resumeHint(input),
    footer(input),
  ]);
}

function runCancelled(input: SlackInput): SlackPayload {
  const name = workflowLabel(input);
  return payload('neutral', `⏹️ ${safeText(name, 150)} was cancelled`, [
    header(`⏹️ ${plain(name)} cancelled`),
    runFields(input, [
      ['Duration', duration(input.data)],
      ['Steps', stepsDone(input.data)],
      ['Reason', short(readString(input.data, 'reason'))],
    ]),
    resultsSection(input.data),
    nextStepsSection(input.data) ?? resumeHint(input),
    footer(input),
  ]);
}

function stepFailed(input: SlackInput): SlackPayload {
  const name = workflowLabel(input);
  const step = stepLabel(input);
  const goesOn = readBoolean(input.data, 'continueOnFailure') === true;
  const attempt = readNumber(input.data, 'attempt');
  const maxAttempts = readNumber(input.data, 'maxAttempts');
  const attempts = attempt === undefined ? undefined : maxAttempts === undefined ? String(attempt) : `${attempt} of ${maxAttempts}`;
  const icon = goesOn ? '⚠️' : '❌';
  return payload(goesOn ? 'warning' : 'failure', `${icon} Step ${safeText(step, 100)} failed in ${safeText(name, 150)}`, [
    header(`${icon} Step ${plain(step)} failed${goesOn ? ' (run continues)' : ''}`),
    runFields(input, [
      ['Step', input.stepId === undefined ? short(step) : inlineCode(input.stepId, 100)],
      ['Attempt', attempts],
      ['Duration', duration(input.data)],
    ]),
    errorSection(input.data),
    outputSection(input.data),
    nextStepsSection(input.data),
    footer(input),
  ]);
}

function approvalRequested(input: SlackInput): SlackPayload {
  const name = workflowLabel(input);
  const step = stepLabel(input);
  const timeout = readNumber(input.data, 'timeoutMinutes');
  const description = readString(input.data, 'description');
  return payload('warning', `✋ Approval needed: ${safeText(step, 100)} in ${safeText(name, 150)}`, [
    header(`✋ Approval needed: ${plain(step)}`),
    runFields(input, [
      ['Step', input.stepId === undefined ? short(step) : inlineCode(input.stepId, 100)],
      ['Times out', timeout === undefined ? undefined : `in ${formatDuration(timeout * 60_000, { style: 'long' })} (then it counts as rejected)`],
    ]),
    description === undefined ? undefined : section(safeText(description, 1000)),
    howToApprove(input),
    nextStepsSection(input.data),
    footer(input),
  ]);
}

/** Three ways to answer, one per kind of client; ids are shell-quoted so pasting them is safe. */
function howToApprove(input: SlackInput) {
  const run = shellArg(input.runId ?? '<run>');
  const step = shellArg(input.stepId ?? '<step>');
  const code = (command: string) => '`' + escapeMrkdwn(command.replace(/`/g, "'")) + '`';
  return section(
    [
      '*How to approve*',
      '• VS Code: *Baton: Approve Step* in the Command Palette, or the ✓ on the step in the Runs view',
      `• Terminal: ${code(`baton approve ${run} --step ${step}`)} (add ${code('--reject')} to reject)`,
      `• Python: ${code(`python3 clients/python/baton_client.py approve ${run} --step ${step}`)}`,
    ].join('\n'),
  );
}

function approvalDecided(input: SlackInput): SlackPayload {
  const granted = input.type === 'baton.approval.granted';
  const step = stepLabel(input);
  const verb = granted ? 'approved' : 'rejected';
  const icon = granted ? '👍' : '👎';
  return payload(granted ? 'success' : 'failure', `${icon} ${safeText(step, 100)} ${verb}`, [
    header(`${icon} ${plain(step)} ${verb}`),
    runFields(input, [
      ['By', short(readString(input.data, 'by'))],
      ['Reason', short(readString(input.data, 'reason'))],
    ]),
    nextStepsSection(input.data),
    footer(input),
  ]);
}

/** Without explicit next steps, a failed or cancelled run's obvious next step is to resume it. */
function resumeHint(input: SlackInput) {
  if (input.runId === undefined) return undefined;
  return context(`Resume with ${inlineCode(`baton resume ${shellArg(input.runId)}`, 120)} or *Baton: Resume Run* in VS Code.`);
}
