// The node in the workflow it is for, in a real n8n against the Kibana simulator: an
// incident (a case, its alert, its tags, a comment, read back), and steps that fail,
// with and without Continue On Fail, and with Retry On Fail.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { nodeItems, startRig, workflow } from './harness.mjs';

const CASE = "={{ $('Create').item.json.CaseId }}";
const ALERT_ID = '4b1d9e07-impossible-travel';
const UNKNOWN_CASE = 'no-such-case-0001';

let rig;
before(async () => {
  rig = await startRig();
});
after(async () => {
  await rig?.stop();
});

/** Imports a workflow of `nodes`, clears the request log, runs it. */
async function runWorkflow(id, nodes) {
  await rig.n8n.importWorkflows(workflow(id, id, nodes));
  await rig.sim.clearRequests();
  const run = await rig.n8n.execute(id);
  return { run, requests: await rig.sim.requests() };
}

describe('the incident workflow (basic auth; the space soc-team)', { timeout: 300_000 }, () => {
  test('create a case, attach an alert, add two tags, comment, read it back', async () => {
    const basic = { credential: 'basicAuth' };
    const { run, requests } = await runWorkflow('esIncident', [
      rig.node(
        'Create',
        'create-case',
        { Title: 'Impossible travel: j.doe', Owner: 'securitySolution', Severity: 'critical' },
        basic,
      ),
      rig.node(
        'AttachAlert',
        'add-comment',
        { CaseId: CASE, CommentType: 'alert', AlertId: ALERT_ID, RuleName: 'Impossible travel' },
        basic,
      ),
      rig.node('Tag', 'add-tag', { CaseId: CASE, Tags: ['credential-access', 'p1'] }, basic),
      rig.node(
        'Comment',
        'add-comment',
        { CaseId: CASE, Comment: 'Sessions revoked, password reset forced' },
        basic,
      ),
      rig.node('ReadBack', 'get-case', { CaseId: CASE, IncludeComments: true }, basic),
    ]);
    assert.equal(run.ok, true, `n8n execute failed: ${run.errors.join('\n')}`);
    const caseId = nodeItems(run.execution, 'Create')[0].json.CaseId;
    const base = `/s/soc-team/api/cases/${caseId}`;
    assert.deepEqual(
      requests.map((r) => [r.method, r.path, r.auth]),
      [
        ['POST', '/s/soc-team/api/cases'], // Create
        ['GET', base], // AttachAlert: the case, its alerts, then the alert
        ['GET', `${base}/alerts`],
        ['POST', `${base}/comments`],
        ['GET', base], // Tag: both tags in one update
        ['PATCH', '/s/soc-team/api/cases'],
        ['GET', base], // Comment
        ['POST', `${base}/comments`],
        ['GET', base], // ReadBack, with the comments
        ['GET', `${base}/comments/_find`],
      ].map((r) => [...r, 'basic accepted']),
    );

    const readBack = nodeItems(run.execution, 'ReadBack')[0].json;
    assert.equal(readBack.CaseId, caseId);
    assert.equal(readBack.StatusCode, 200);
    assert.deepEqual(readBack.Tags, ['credential-access', 'p1']);
    assert.equal(readBack.TotalAlerts, 1);
    assert.deepEqual(
      readBack.Comments.map((c) => [c.Type, c.Comment]),
      [['user', 'Sessions revoked, password reset forced']],
    );
    const alerts = await rig.sim.kibana('GET', `${base}/alerts`);
    assert.deepEqual(
      alerts.body.map((a) => a.id),
      [ALERT_ID],
    );
  });
});

describe('a failing step', { timeout: 300_000 }, () => {
  test("without Continue On Fail, the execution stops with the node's 404 and its message", async () => {
    const { run, requests } = await runWorkflow('esFailing', [
      rig.node('Get', 'get-case', { CaseId: UNKNOWN_CASE }),
      rig.node('After', 'get-case-tags', {}),
    ]);
    assert.equal(run.ok, false);
    assert.deepEqual(
      requests.map((r) => [r.method, r.path]),
      [['GET', `/api/cases/${UNKNOWN_CASE}`]],
    );
    const { error } = run.execution.data.resultData;
    assert.equal(error.name, 'NodeApiError');
    assert.equal(error.node.name, 'Get');
    assert.equal(error.httpCode, '404');
    assert.match(error.message, new RegExp(`${UNKNOWN_CASE}.*not found`));
    assert.equal(nodeItems(run.execution, 'After'), undefined, 'the next node did not run');
    // What n8n prints: the failed run with the node's status, then the node's message.
    assert.ok(run.stdout.includes('"httpCode": "404"'));
    assert.ok(run.stdout.includes(error.message));
    assert.equal(run.errors[0], error.message);
  });

  test('with Continue On Fail, an error item, and the workflow goes on', async () => {
    const { run, requests } = await runWorkflow('esContinue', [
      rig.node('Get', 'get-case', { CaseId: UNKNOWN_CASE }, { onError: 'continueRegularOutput' }),
      rig.node('After', 'get-case-tags', {}),
    ]);
    assert.equal(run.ok, true, run.errors.join('\n'));
    assert.deepEqual(
      requests.map((r) => [r.method, r.path]),
      [
        ['GET', `/api/cases/${UNKNOWN_CASE}`],
        ['GET', '/api/cases/tags'],
      ],
    );
    const [item] = nodeItems(run.execution, 'Get');
    assert.deepEqual(Object.keys(item.json).sort(), [
      'ErrorKind',
      'ErrorMessage',
      'Retryable',
      'StatusCode',
    ]);
    assert.equal(item.json.StatusCode, 404);
    assert.equal(item.json.ErrorKind, 'not-found');
    assert.equal(item.json.Retryable, false);
    assert.match(item.json.ErrorMessage, new RegExp(`${UNKNOWN_CASE}.*not found`));
    assert.deepEqual(item.pairedItem, { item: 0 });
    assert.equal(nodeItems(run.execution, 'After')[0].json.StatusCode, 200);
  });

  test('a 503 is retryable: the error item says so, and so does the message that stops the node', async () => {
    await rig.n8n.importWorkflows(
      workflow('esRetryable', 'esRetryable', [
        rig.node('Continued', 'get-case-tags', {}, { onError: 'continueRegularOutput' }),
        rig.node('Stopped', 'get-case-tags', {}),
      ]),
    );
    await rig.sim.clearRequests();
    await rig.sim.queueFault({ fault: 'status', status: 503, times: 2 });
    const run = await rig.n8n.execute('esRetryable');
    const requests = await rig.sim.requests();
    await rig.sim.clearFaults();
    assert.deepEqual(
      requests.map((r) => [r.method, r.path]),
      [
        ['GET', '/api/cases/tags'],
        ['GET', '/api/cases/tags'],
      ],
    );

    const [item] = nodeItems(run.execution, 'Continued');
    assert.equal(item.json.StatusCode, 503);
    assert.equal(item.json.Retryable, true);
    assert.equal(item.json.ErrorKind, 'server-error');

    assert.equal(run.ok, false);
    const { error } = run.execution.data.resultData;
    assert.equal(error.node.name, 'Stopped');
    assert.equal(error.httpCode, '503');
    assert.match(error.message, /retryable/i);
  });

  test('with Retry On Fail, n8n repeats a step that failed with a 503, and it succeeds', async () => {
    await rig.n8n.importWorkflows(
      workflow('esRetryOnFail', 'esRetryOnFail', [
        {
          ...rig.node('Tags', 'get-case-tags', {}),
          retryOnFail: true,
          maxTries: 2,
          waitBetweenTries: 0,
        },
      ]),
    );
    await rig.sim.clearRequests();
    await rig.sim.queueFault({ fault: 'status', status: 503, times: 1 });
    const run = await rig.n8n.execute('esRetryOnFail');
    const requests = await rig.sim.requests();
    await rig.sim.clearFaults();
    assert.equal(run.ok, true, run.errors.join('\n'));
    assert.deepEqual(
      requests.map((r) => [r.method, r.path]),
      [
        ['GET', '/api/cases/tags'],
        ['GET', '/api/cases/tags'],
      ],
    );
    assert.equal(nodeItems(run.execution, 'Tags')[0].json.StatusCode, 200);
  });
});
