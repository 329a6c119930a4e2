import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  blockTextLength,
  buildDroppedSummary,
  buildExplicitMessage,
  buildMessage,
  compileTypeFilter,
  defaultSlackTypes,
  fromCloudEvent,
  fromLifecycleEvent,
  redactWebhook,
  blockKitLimits,
  type Block,
  type SlackInput,
  type SlackPayload,
} from '../../src/slack/index';

const evil = '<!channel> <@U024BE7LH> <https://evil.example|click> & <#C123> *x*';

/** One input per message kind, every text field untrusted. */
function kinds(text: string): SlackInput[] {
  const base = { time: '2026-11-25T21:19:00.123Z', source: text, runId: '20261125-211900-k3f9', workflowId: 'testing-pipeline', workflowName: text };
  const common = {
    nextSteps: [text, text],
    results: [
      { stepId: 'unit', name: text, status: 'completed', durationMs: 1200, summary: text },
      { stepId: 'build', name: text, status: 'failed', instances: { total: 4, completed: 3, failed: 1, skipped: 0 } },
      { stepId: 'deploy', name: text, status: 'skipped', reason: text, reusedFrom: text },
    ],
  };
  return [
    { ...base, type: 'baton.workflow.started', data: { stepsTotal: 7, trigger: text, ...common } },
    { ...base, type: 'baton.workflow.resumed', data: { stepsTotal: 7, stepsCompleted: 3 } },
    { ...base, type: 'baton.workflow.completed', data: { durationMs: 65_000, stepsCompleted: 7, stepsTotal: 7, ...common } },
    { ...base, type: 'baton.workflow.failed', data: { durationMs: 4000, stepsCompleted: 2, stepsTotal: 7, failedStep: text, error: text, ...common } },
    { ...base, type: 'baton.workflow.cancelled', data: { durationMs: 4000, stepsCompleted: 2, stepsTotal: 7, reason: text, ...common } },
    { ...base, type: 'baton.step.failed', stepId: 'unit', data: { stepName: text, attempt: 3, maxAttempts: 3, error: text, outputTail: `${text}\n${text}`, ...common } },
    { ...base, type: 'baton.approval.requested', stepId: 'deploy', data: { stepName: text, timeoutMinutes: 60, description: text, ...common } },
    { ...base, type: 'baton.approval.granted', stepId: 'deploy', data: { stepName: text, by: text } },
    { ...base, type: 'baton.approval.rejected', stepId: 'deploy', data: { stepName: text, by: text, reason: text } },
    { ...base, type: 'process.started', data: { name: text, command: text, pid: 42 } },
    { ...base, type: 'process.in_progress', data: { name: text, message: text } },
    { ...base, type: 'process.completed', data: { name: text, command: text, exit_code: 0, duration_ms: 1500, next_steps: [text] } },
    { ...base, type: 'process.failed', data: { name: text, command: text, exit_code: 2, duration_ms: 1500, output_tail: text, error: text } },
    { ...base, type: 'test.completed', data: { passed: 12, failed: 0, suite: text, details: { text } } },
  ];
}

function allMessages(text: string): Array<[string, SlackPayload]> {
  return [
    ...kinds(text).map((input): [string, SlackPayload] => [input.type, buildMessage(input)]),
    ['explicit', buildExplicitMessage(text, { level: 'error', title: text, nextSteps: [text], runId: text, workflowName: text, source: text })],
    ['summary', buildDroppedSummary(3, new Map([[text, 3]]))],
  ];
}

function mrkdwnTexts(blocks: readonly Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) out.push(b.text.text);
      for (const f of b.fields ?? []) out.push(f.text);
    } else if (b.type === 'context') {
      for (const e of b.elements) out.push(e.text);
    }
  }
  return out;
}

/** The limits Slack enforces (or we promise), checked on the payload as it would be posted. */
export function assertWithinLimits(p: SlackPayload, label: string): void {
  const blocks = p.attachments[0].blocks;
  assert.ok(blocks.length >= 1 && blocks.length <= blockKitLimits.blocks, `${label}: ${blocks.length} blocks`);
  assert.ok(p.text.length > 0 && p.text.length <= blockKitLimits.fallbackText, `${label}: fallback text length ${p.text.length}`);
  assert.equal(p.attachments[0].fallback.length > 0, true, `${label}: attachment fallback`);
  for (const b of blocks) {
    if (b.type === 'header') assert.ok(b.text.text.length <= 150, `${label}: header ${b.text.text.length}`);
    if (b.type === 'section') {
      assert.ok(b.text || b.fields, `${label}: empty section`);
      if (b.text) assert.ok(b.text.text.length <= 3000 && b.text.text.length > 0, `${label}: section ${b.text.text.length}`);
      if (b.fields) {
        assert.ok(b.fields.length <= 10, `${label}: ${b.fields.length} fields`);
        for (const f of b.fields) assert.ok(f.text.length <= 2000, `${label}: field ${f.text.length}`);
      }
    }
    if (b.type === 'context') assert.ok(b.elements.length <= 10, `${label}: context elements`);
  }
  assert.ok(blockTextLength(blocks) <= 12_000, `${label}: total ${blockTextLength(blocks)}`);
}

void describe('Slack messages', () => {
  void test('every kind has a header first, a colour, a fallback text and fits the limits', () => {
    for (const [kind, message] of allMessages('Testing pipeline')) {
      const blocks = message.attachments[0].blocks;
      assert.equal(blocks[0]?.type, 'header', kind);
      assert.match(message.attachments[0].color, /^#[0-9A-F]{6}$/, kind);
      assert.equal(message.unfurl_links, false);
      assertWithinLimits(message, kind);
    }
  });

  void test('untrusted text never becomes a mention, a channel link or a link in mrkdwn', () => {
    for (const [kind, message] of allMessages(evil)) {
      const texts = [message.text, message.attachments[0].fallback, ...mrkdwnTexts(message.attachments[0].blocks)];
      for (const t of texts) {
        assert.doesNotMatch(t, /<[!@#]|<https?:/, `${kind}: ${t}`);
        assert.doesNotMatch(t, /&(?!amp;|lt;|gt;)/, `${kind}: bare & in ${t}`);
      }
      assert.ok(texts.some((t) => t.includes('&lt;!channel&gt;')), `${kind}: the text is still shown, escaped`);
      // Slack must not pre-process (auto-link) any of our mrkdwn.
      for (const b of message.attachments[0].blocks) {
        if (b.type === 'section') for (const t of [b.text, ...(b.fields ?? [])]) if (t) assert.equal(t.verbatim, true, kind);
      }
    }
  });

  void test('results show a matrix step with its instance counts, a skipped step with its reason, and what a re-run reused', () => {
    const results = [
      { stepId: 'build', name: 'Build', status: 'failed', durationMs: 3100, instances: { total: 4, completed: 2, failed: 1, skipped: 1 } },
      { stepId: 'report', name: 'Report', status: 'skipped', reason: "needs 'build' failed" },
      { stepId: 'lint', name: 'Lint', status: 'completed', reusedFrom: '20261125-211900-k3f9' },
      { stepId: 'odd', status: 'completed', instances: { total: 'many' }, reason: { x: 1 } },
    ];
    const message = buildMessage({ type: 'baton.workflow.failed', workflowName: 'Pipeline', data: { failedStep: 'build', error: 'boom', results } });
    const shown = mrkdwnTexts(message.attachments[0].blocks).find((t) => t.startsWith('*Results*'));
    assert.equal(
      shown,
      ['*Results*', '❌ *Build* — 2/4 instances, 1 failed, 1 skipped — 3.1 s', "⏭️ *Report* — _needs 'build' failed_", '✅ *Lint* — reused from 20261125-211900-k3f9', '✅ *odd*'].join('\n'),
      'fields of the wrong type (from an untrusted log) are left out',
    );
  });

  void test('huge input of every kind is cut to Slack limits with a visible …', () => {
    const huge = 'x'.repeat(50_000) + '\n' + 'line\n'.repeat(10_000) + 'LAST LINE';
    for (const input of kinds(huge)) {
      const many = { ...input, data: { ...input.data, results: Array.from({ length: 500 }, (_, i) => ({ stepId: `s${i}`, status: 'completed', summary: huge })), nextSteps: Array.from({ length: 100 }, () => huge) } };
      const message = buildMessage(many);
      assertWithinLimits(message, input.type);
      assert.ok(JSON.stringify(message).includes('…'), `${input.type}: no visible cut`);
    }
    const explicit = buildExplicitMessage(huge, { nextSteps: Array.from({ length: 100 }, () => huge), title: huge });
    assertWithinLimits(explicit, 'explicit');
    const generic = buildMessage({ type: 'custom.thing', data: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])) });
    assertWithinLimits(generic, 'generic with 1000 fields');
  });

  void test('a failed step shows the last lines of its output in an unbreakable code block', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i} \u001b[31mred\u001b[0m`);
    lines.push('``` tries to close the fence <!here>');
    const message = buildMessage({ type: 'baton.step.failed', runId: 'r', stepId: 'unit', data: { attempt: 1, error: 'exit 1', outputTail: lines.join('\n') } });
    const output = mrkdwnTexts(message.attachments[0].blocks).find((t) => t.startsWith('*Last'));
    assert.ok(output, 'output section present');
    assert.match(output, /\n```\n[\s\S]*\n```$/);
    assert.equal(output.match(/```/g)?.length, 2, 'the output cannot add a fence');
    assert.ok(output.includes('tries to close the fence &lt;!here&gt;'), 'the last line is kept');
    assert.ok(output.includes('line 499 red'), 'terminal colours are stripped');
    assert.ok(!output.includes('line 0 '), 'the oldest lines are dropped');
    assert.ok(output.includes('earlier lines not shown'));
  });

  void test('an approval request says how to approve from VS Code, the CLI and Python, with safe ids', () => {
    const ok = buildMessage({ type: 'baton.approval.requested', runId: '20261125-211900-k3f9', stepId: 'deploy', workflowName: 'Pipeline', data: { stepName: 'Deploy', timeoutMinutes: 60 } });
    const text = mrkdwnTexts(ok.attachments[0].blocks).join('\n');
    assert.ok(text.includes('Baton: Approve Step'));
    assert.ok(text.includes('`baton approve 20261125-211900-k3f9 --step deploy`'));
    assert.ok(text.includes('`python3 clients/python/baton_client.py approve 20261125-211900-k3f9 --step deploy`'));
    assert.ok(text.includes('1 h 0 min'));

    const hostile = buildMessage({ type: 'baton.approval.requested', runId: "r1; curl x|sh #'", stepId: '$(rm -rf ~)`', data: {} });
    const cmd = mrkdwnTexts(hostile.attachments[0].blocks).join('\n');
    // Single-quoted, with the inner quote closed and escaped: one inert argument when pasted.
    assert.ok(cmd.includes(`\`baton approve 'r1; curl x|sh #'\\''' --step '$(rm -rf ~)''\``), cmd);
    assert.ok(!/approve r1; curl/.test(cmd), 'a hostile run id is quoted as one shell argument');
  });

  void test('colours follow the outcome', () => {
    const color = (input: SlackInput) => buildMessage(input).attachments[0].color;
    assert.equal(color({ type: 'baton.workflow.completed', data: {} }), '#2EB67D');
    assert.equal(color({ type: 'baton.workflow.failed', data: {} }), '#E01E5A');
    assert.equal(color({ type: 'baton.step.failed', data: { continueOnFailure: true } }), '#ECB22E');
    assert.equal(color({ type: 'baton.approval.requested', data: {} }), '#ECB22E');
    assert.equal(color({ type: 'process.failed', data: {} }), '#E01E5A');
    assert.equal(color({ type: 'process.completed', data: {} }), '#2EB67D');
    assert.equal(buildExplicitMessage('hi', { level: 'warning' }).attachments[0].color, '#ECB22E');
  });

  void test('fields: workflow, run, source, duration, steps done/total; snake_case data accepted', () => {
    const message = buildMessage({
      type: 'baton.workflow.completed',
      runId: 'r1',
      workflowId: 'tp',
      workflowName: 'Testing pipeline',
      source: 'cli on build-7',
      data: { duration_ms: 185_000, steps_completed: 6, steps_total: 7, results: { coverage: '91%', report: 'out/report.md' } },
    });
    const text = mrkdwnTexts(message.attachments[0].blocks).join('\n');
    for (const expected of ['*Workflow*\nTesting pipeline `tp`', '*Run*\n`r1`', '*Source*\ncli on build-7', '*Duration*\n3 min 5 s', '*Steps*\n6/7', '*coverage*: 91%']) {
      assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in ${text}`);
    }
    assert.equal(message.text, '✅ Testing pipeline completed in 3 min 5 s');
  });

  void test('a failed run without next steps suggests resuming it', () => {
    const text = mrkdwnTexts(buildMessage({ type: 'baton.workflow.failed', runId: 'r1', data: {} }).attachments[0].blocks).join('\n');
    assert.ok(text.includes('`baton resume r1`'));
  });

  void test('a long explicit message is split into sections at line breaks', () => {
    const report = Array.from({ length: 300 }, (_, i) => `Row ${i}: ${'data '.repeat(5)}`).join('\n');
    const message = buildExplicitMessage(report, { level: 'success', title: 'NBA report', nextSteps: ['Read it'] });
    const sections = message.attachments[0].blocks.filter((b) => b.type === 'section' && b.text);
    assert.ok(sections.length >= 3);
    assertWithinLimits(message, 'report');
    assert.ok(message.text.startsWith('✅ NBA report: Row 0'));
  });

  void test('the overflow summary counts what was dropped, by type', () => {
    const message = buildDroppedSummary(7, new Map([['baton.step.failed', 5], ['process.completed', 2]]));
    assert.equal(message.text, '⚠️ 7 more Baton notifications were dropped');
    const text = mrkdwnTexts(message.attachments[0].blocks).join('\n');
    assert.ok(text.includes('5 × `baton.step.failed`'));
  });

  void test('cutting never splits an entity or a surrogate pair', () => {
    const message = buildMessage({ type: 'baton.workflow.failed', workflowName: '&'.repeat(400) + '😀'.repeat(400), data: { error: '<'.repeat(5000) } });
    for (const t of mrkdwnTexts(message.attachments[0].blocks)) {
      assert.doesNotMatch(t, /&(?!amp;|lt;|gt;)/);
      assert.doesNotMatch(t, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
  });

  void test('odd data never throws: wrong types, circular values, nulls', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    for (const data of [{}, { results: circular, outputTail: 42, nextSteps: 'one\ntwo', error: { message: 'boom' } }, { durationMs: 'x', attempt: null }]) {
      for (const input of kinds('w')) assertWithinLimits(buildMessage({ ...input, data }), input.type);
    }
  });
});

void describe('Slack inputs and policy', () => {
  void test('lifecycle events and shared-log CloudEvents map to the same input', () => {
    const lifecycle = fromLifecycleEvent(
      { type: 'baton.step.failed', time: 't', runId: 'r', workflowId: 'w', workflowName: 'W', stepId: 's', data: { stepName: 's', attempt: 1, maxAttempts: 1, error: 'e', errorCode: 'step_failed', continued: false, continueOnFailure: false, outputTail: '', durationMs: 0 } },
      { source: 'cli', notifySlack: false },
    );
    assert.deepEqual(lifecycle, { type: 'baton.step.failed', time: 't', runId: 'r', workflowId: 'w', workflowName: 'W', stepId: 's', data: { stepName: 's', attempt: 1, maxAttempts: 1, error: 'e', errorCode: 'step_failed', continued: false, continueOnFailure: false, outputTail: '', durationMs: 0 }, source: 'cli', notifySlack: false });
    const cloud = fromCloudEvent({ type: 'baton.step.failed', source: 'baton://h/vscode/1', time: 't', subject: 'r', runid: 'r', workflowid: 'w', stepid: 's', data: { attempt: 1, workflowName: 'W' } });
    assert.deepEqual(cloud, { type: 'baton.step.failed', time: 't', source: 'baton://h/vscode/1', runId: 'r', workflowId: 'w', workflowName: 'W', stepId: 's', data: { attempt: 1, workflowName: 'W' } });
    assert.deepEqual(fromCloudEvent({ type: 'process.completed', data: 'text' }).data, { value: 'text' });
  });

  void test('type globs: defaults, wildcards, exclusions, and our own failure events never', () => {
    const byDefault = compileTypeFilter();
    assert.deepEqual(defaultSlackTypes.filter(byDefault), defaultSlackTypes);
    assert.equal(byDefault('baton.step.started'), false);
    assert.equal(byDefault('process.in_progress'), false);
    const custom = compileTypeFilter(['baton.*', '!baton.step.*', 'baton.step.failed', '*.failed', 'test.?ompleted']);
    assert.equal(custom('baton.workflow.started'), true);
    assert.equal(custom('baton.step.started'), false);
    assert.equal(custom('baton.step.failed'), false, 'an exclusion wins');
    assert.equal(custom('process.failed'), true);
    assert.equal(custom('test.completed'), true);
    assert.equal(compileTypeFilter(['*'])('baton.notification.failed'), false);
  });

  void test('redaction masks the URL, its path, its tokens and any Slack hook URL', () => {
    const url = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX';
    const text = `Failed to parse URL from ${url}; POST /services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX; token XXXXXXXXXXXXXXXXXXXXXXXX; other https://hooks.slack.com/services/T1/B2/abc`;
    const out = redactWebhook(text, url);
    assert.ok(!out.includes('XXXXXXXX') && !out.includes('B0BBBBBBB') && !out.includes('/services/T1'), out);
    assert.ok(out.includes('[webhook]'));
  });
});
