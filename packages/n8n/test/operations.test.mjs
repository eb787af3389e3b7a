// Every one of the node's 20 operations once, in a real n8n (`n8n execute`), against
// the Kibana simulator: one workflow whose nodes chain (the case, comment and connector
// ids flow through n8n expressions), then one that deletes the case. Each operation's
// test checks the requests the simulator received for its node, in order, and the
// node's output item; what the simulator then holds shows the bodies that were sent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { nodeItems, startRig, workflow } from './harness.mjs';

const ALERT_ID = 'a7c3e2f1-login-burst';
const JIRA = { apiUrl: 'https://jira.example.com', projectKey: 'SOC' };
// The ids earlier nodes output, as n8n expressions.
const CASE = "={{ $('Create').item.json.CaseId }}";
const COMMENT = "={{ $('Comment').item.json.CommentId }}";
const CONNECTOR = "={{ $('CreateConnector').item.json.ConnectorId }}";

/**
 * The steps, in the order their nodes run: the node's operation and input, the
 * requests (method, path, selected query parameters) it must cause, given the ids
 * the run produced, and what its output item must say.
 */
const steps = [
  {
    node: 'CreateConnector',
    operation: 'create-connector',
    input: {
      Name: 'SOC Jira',
      ConnectorTypeId: '.jira',
      Config: JSON.stringify(JIRA),
      Secrets: JSON.stringify({ email: 'bot@example.com', apiToken: 'jira-token-0f9e' }),
    },
    requests: () => [['POST', '/api/actions/connector']],
    check: (out) => {
      assert.equal(out.Name, 'SOC Jira');
      assert.equal(out.ConnectorTypeId, '.jira');
      assert.deepEqual(out.Config, JIRA);
      assert.equal(out.IsMissingSecrets, false);
      assert.ok(!('Secrets' in out), 'the secrets are never echoed');
    },
  },
  {
    node: 'Connectors',
    operation: 'get-many-connectors',
    input: { ConnectorTypeId: '.jira' },
    requests: () => [['GET', '/api/actions/connectors']],
    check: (out, ids) => {
      assert.deepEqual(
        out.Connectors.map((c) => c.ConnectorId),
        [ids.connector],
      );
    },
  },
  {
    node: 'Create',
    operation: 'create-case',
    input: {
      Title: 'Phishing wave',
      Owner: 'securitySolution',
      Description: 'Mail from a look-alike domain',
      Severity: 'high',
      Tags: ['phishing', 'email'],
    },
    requests: () => [['POST', '/api/cases']],
    check: (out) => {
      assert.equal(out.Created, true);
      assert.equal(out.Title, 'Phishing wave');
      assert.equal(out.Severity, 'high');
      assert.equal(out.Status, 'open');
      assert.deepEqual(out.Tags, ['phishing', 'email']);
    },
  },
  {
    node: 'Get',
    operation: 'get-case',
    input: { CaseId: CASE },
    requests: (ids) => [['GET', `/api/cases/${ids.case}`]],
    check: (out, ids) => {
      assert.equal(out.CaseId, ids.case);
      assert.equal(out.Description, 'Mail from a look-alike domain');
      assert.equal(typeof out.Version, 'string');
    },
  },
  {
    node: 'Status',
    operation: 'get-case-status',
    input: { CaseId: CASE },
    requests: (ids) => [['GET', `/api/cases/${ids.case}`]],
    check: (out, ids) => {
      assert.equal(out.CaseId, ids.case);
      assert.equal(out.Status, 'open');
    },
  },
  {
    node: 'Update',
    operation: 'update-case',
    input: {
      CaseId: CASE,
      Version: "={{ $('Get').item.json.Version }}",
      Title: 'Phishing wave (triaged)',
      Status: 'in-progress',
    },
    requests: () => [['PATCH', '/api/cases']],
    check: (out, ids) => {
      assert.equal(out.CaseId, ids.case);
      assert.equal(out.Title, 'Phishing wave (triaged)');
      assert.equal(out.Status, 'in-progress');
    },
  },
  {
    node: 'Many',
    operation: 'get-many-cases',
    input: {
      ReturnAll: false,
      Status: 'in-progress',
      SortField: 'title',
      SortOrder: 'asc',
      PerPage: 5,
    },
    requests: () => [
      [
        'GET',
        '/api/cases/_find',
        { status: 'in-progress', sortField: 'title', sortOrder: 'asc', perPage: '5' },
      ],
    ],
    check: (out, ids) => {
      assert.deepEqual(
        out.Cases.map((c) => c.CaseId),
        [ids.case],
      );
      assert.equal(out.Total, 1);
    },
  },
  {
    node: 'AddTag',
    operation: 'add-tag',
    input: { CaseId: CASE, Tags: ['triage'] },
    requests: (ids) => [
      ['GET', `/api/cases/${ids.case}`],
      ['PATCH', '/api/cases'],
    ],
    check: (out) => assert.deepEqual(out.Tags, ['phishing', 'email', 'triage']),
  },
  {
    node: 'RemoveTag',
    operation: 'remove-tag',
    input: { CaseId: CASE, Tags: ['email'] },
    requests: (ids) => [
      ['GET', `/api/cases/${ids.case}`],
      ['PATCH', '/api/cases'],
    ],
    check: (out) => assert.deepEqual(out.Tags, ['phishing', 'triage']),
  },
  {
    node: 'Tags',
    operation: 'get-case-tags',
    input: {},
    requests: () => [['GET', '/api/cases/tags']],
    check: (out) => assert.deepEqual([...out.Tags].sort(), ['phishing', 'triage']),
  },
  {
    node: 'Comment',
    operation: 'add-comment',
    input: { CaseId: CASE, Comment: 'Investigating the sender domain' },
    requests: (ids) => [
      ['GET', `/api/cases/${ids.case}`],
      ['POST', `/api/cases/${ids.case}/comments`],
    ],
    check: (out, ids) => {
      assert.equal(out.CaseId, ids.case);
      assert.equal(out.Type, 'user');
      assert.equal(out.Comment, 'Investigating the sender domain');
    },
  },
  {
    node: 'AttachAlert',
    operation: 'add-comment',
    input: {
      CaseId: CASE,
      CommentType: 'alert',
      AlertId: ALERT_ID,
      RuleName: 'Phishing link clicked',
    },
    requests: (ids) => [
      ['GET', `/api/cases/${ids.case}`],
      ['GET', `/api/cases/${ids.case}/alerts`],
      ['POST', `/api/cases/${ids.case}/comments`],
    ],
    check: (out) => {
      assert.equal(out.Type, 'alert');
      assert.deepEqual(out.AlertIds, [ALERT_ID]);
    },
  },
  {
    node: 'GetComment',
    operation: 'get-comment',
    input: { CaseId: CASE, CommentId: COMMENT },
    requests: (ids) => [['GET', `/api/cases/${ids.case}/comments/${ids.comment}`]],
    check: (out, ids) => {
      assert.equal(out.CommentId, ids.comment);
      assert.equal(out.Comment, 'Investigating the sender domain');
    },
  },
  {
    node: 'UpdateComment',
    operation: 'update-comment',
    input: {
      CaseId: CASE,
      CommentId: COMMENT,
      Version: "={{ $('GetComment').item.json.Version }}",
      Comment: 'The sender domain was registered yesterday',
    },
    requests: (ids) => [
      ['GET', `/api/cases/${ids.case}/comments/${ids.comment}`],
      ['PATCH', `/api/cases/${ids.case}/comments`],
    ],
    check: (out, ids) => {
      assert.equal(out.CommentId, ids.comment);
      assert.equal(out.Comment, 'The sender domain was registered yesterday');
    },
  },
  {
    node: 'Comments',
    operation: 'get-many-comments',
    input: { CaseId: CASE, ReturnAll: false },
    requests: (ids) => [['GET', `/api/cases/${ids.case}/comments/_find`, { page: '1' }]],
    check: (out, ids) => {
      const texts = out.Comments.filter((c) => c.CommentId === ids.comment).map((c) => c.Comment);
      assert.deepEqual(texts, ['The sender domain was registered yesterday']);
    },
  },
  {
    node: 'Alerts',
    operation: 'get-case-alerts',
    input: { CaseId: CASE },
    requests: (ids) => [['GET', `/api/cases/${ids.case}/alerts`]],
    check: (out) =>
      assert.deepEqual(
        out.Alerts.map((a) => a.AlertId),
        [ALERT_ID],
      ),
  },
  {
    node: 'ByAlert',
    operation: 'get-cases-by-alert',
    input: { AlertId: ALERT_ID },
    requests: () => [['GET', `/api/cases/alerts/${ALERT_ID}`]],
    check: (out, ids) =>
      assert.deepEqual(
        out.Cases.map((c) => c.CaseId),
        [ids.case],
      ),
  },
  {
    node: 'Activity',
    operation: 'get-case-activity',
    input: { CaseId: CASE, Types: ['tags'], SortOrder: 'asc' },
    requests: (ids) => [
      ['GET', `/api/cases/${ids.case}/user_actions/_find`, { types: 'tags', sortOrder: 'asc' }],
    ],
    check: (out) => {
      // The tag added, then the tag removed, oldest first.
      assert.deepEqual(
        out.Activity.map((a) => [a.Type, a.Action, a.Payload?.tags]),
        [
          ['tags', 'add', ['triage']],
          ['tags', 'delete', ['email']],
        ],
      );
    },
  },
  {
    node: 'Push',
    operation: 'push-case',
    input: { CaseId: CASE, ConnectorId: CONNECTOR },
    requests: (ids) => [['POST', `/api/cases/${ids.case}/connector/${ids.connector}/_push`]],
    check: (out, ids) => {
      assert.equal(out.CaseId, ids.case);
      assert.equal(out.ExternalService.ConnectorId, ids.connector);
    },
  },
  {
    node: 'RemoveComment',
    operation: 'remove-comment',
    input: { CaseId: CASE, CommentId: COMMENT },
    requests: (ids) => [['DELETE', `/api/cases/${ids.case}/comments/${ids.comment}`]],
    check: (out, ids) => {
      assert.equal(out.StatusCode, 204);
      assert.equal(out.CommentId, ids.comment);
    },
  },
];

/** The request log as [method, path, query] for comparing with a step's requests. */
function describeRequest(request, expected) {
  const query = Object.fromEntries(
    Object.keys(expected[2] ?? {}).map((k) => [
      k,
      new URLSearchParams(request.query).getAll(k).join(','),
    ]),
  );
  return expected[2] ? [request.method, request.path, query] : [request.method, request.path];
}

describe('every operation once, in n8n, against the simulator', { timeout: 600_000 }, () => {
  let rig;
  let run;
  let requests;
  let ids;
  const ranges = new Map();

  before(async () => {
    rig = await startRig();
    const nodes = steps.map((s) => rig.node(s.node, s.operation, s.input));
    await rig.n8n.importWorkflows(workflow('esAllOperations', 'All operations', nodes));
    await rig.sim.clearRequests();
    run = await rig.n8n.execute('esAllOperations');
    requests = await rig.sim.requests();
    const out = (node) => nodeItems(run.execution, node)?.[0]?.json ?? {};
    ids = {
      case: out('Create').CaseId,
      comment: out('Comment').CommentId,
      connector: out('CreateConnector').ConnectorId,
    };
    // Each node's share of the log, in order.
    let next = 0;
    for (const step of steps) {
      const n = step.requests(ids).length;
      ranges.set(step.node, requests.slice(next, next + n));
      next += n;
    }
  });

  after(async () => {
    await rig?.stop();
  });

  test('the workflow ran to its end', () => {
    assert.equal(run.ok, true, `n8n execute failed: ${run.errors.join('\n')}\n${run.stderr}`);
    assert.equal(run.execution.data.resultData.lastNodeExecuted, steps.at(-1).node);
    const expected = steps.reduce((n, s) => n + s.requests(ids).length, 0);
    assert.equal(requests.length, expected, `requests: ${JSON.stringify(requests, null, 1)}`);
    for (const r of requests) assert.equal(r.auth, 'api-key accepted');
  });

  for (const step of steps) {
    test(`${step.operation} (${step.node})`, () => {
      const items = nodeItems(run.execution, step.node);
      assert.ok(items, `${step.node} did not run`);
      assert.equal(items.length, 1);
      assert.deepEqual(items[0].pairedItem, { item: 0 });
      const out = items[0].json;
      assert.equal(out.ErrorMessage, '', `${step.node}: ${out.ErrorMessage}`);
      if (step.operation !== 'remove-comment') assert.equal(out.StatusCode, 200);
      const expected = step.requests(ids);
      const got = ranges.get(step.node);
      assert.deepEqual(
        got.map((r, i) => describeRequest(r, expected[i] ?? [])),
        expected,
      );
      step.check(out, ids);
    });
  }

  test('the simulator holds what the nodes sent', async () => {
    const { status, body } = await rig.sim.kibana('GET', `/api/cases/${ids.case}`);
    assert.equal(status, 200);
    assert.equal(body.title, 'Phishing wave (triaged)');
    assert.equal(body.description, 'Mail from a look-alike domain');
    assert.equal(body.status, 'in-progress');
    assert.equal(body.severity, 'high');
    assert.equal(body.owner, 'securitySolution');
    assert.deepEqual(body.tags, ['phishing', 'triage']);
    assert.equal(body.totalAlerts, 1);
    assert.equal(body.totalComment, 0, 'the user comment was removed');
    assert.equal(body.external_service.connector_id, ids.connector);
    const connector = await rig.sim.kibana('GET', `/api/actions/connector/${ids.connector}`);
    assert.equal(connector.status, 200);
    assert.deepEqual(
      {
        name: connector.body.name,
        type: connector.body.connector_type_id,
        config: connector.body.config,
      },
      { name: 'SOC Jira', type: '.jira', config: JIRA },
    );
  });

  test('delete-case (Delete)', async () => {
    await rig.n8n.importWorkflows(
      workflow('esDeleteCase', 'Delete the case', [
        rig.node('Delete', 'delete-case', { CaseIds: ids.case }),
      ]),
    );
    await rig.sim.clearRequests();
    const deleted = await rig.n8n.execute('esDeleteCase');
    assert.equal(deleted.ok, true, deleted.errors.join('\n'));
    const log = await rig.sim.requests();
    assert.deepEqual(
      log.map((r) => [r.method, r.path, new URLSearchParams(r.query).get('ids')]),
      [['DELETE', '/api/cases', JSON.stringify([ids.case])]],
    );
    const out = nodeItems(deleted.execution, 'Delete')[0].json;
    assert.equal(out.StatusCode, 204);
    assert.equal(out.DeletedCount, 1);
    assert.equal(out.FailedCount, 0);
    assert.equal(out.ErrorMessage, '');
    assert.equal((await rig.sim.kibana('GET', `/api/cases/${ids.case}`)).status, 404);
  });
});
