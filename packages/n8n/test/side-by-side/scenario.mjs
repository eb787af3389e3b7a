// What both nodes are asked to do: the operations n8n's Elastic Security node has, each
// as one step of one workflow per node and space, with the same cases, comment and
// connector (seeded into the space through the simulator before the run) and the same
// request of the user: same title, same sort and page size, the same two tags.
//
// A step gives, for each node, the node's parameters (n8n's node: its own parameter
// names, from n8n-nodes-base's ElasticSecurity descriptions; this node: the contract's
// inputs) and, where n8n's node needs one input item per value (it deletes one case and
// adds one tag per item), the items to feed it.

/** n8n's own node, as n8n-nodes-base 2.41.1 names it. */
export const N8N_NODE_TYPE = 'n8n-nodes-base.elasticSecurity';
export const N8N_CREDENTIAL_TYPE = 'elasticSecurityApi';

/** The non-default space of the second pair of runs. */
export const SPACE = 'security';

const JIRA = { apiUrl: 'https://jira.example.com', projectKey: 'SOC' };
const JIRA_SECRETS = { email: 'bot@example.com', apiToken: 'side-by-side-token' };

/**
 * Seeds what the steps work on into `space` (through the simulator, not through a
 * node): a Jira connector (n8n's node needs one to create a case), a target case with
 * the tag `seeded` and one comment, two cases to delete, and three cases created one
 * after the other (for the sort). Resolves their ids, and the placeholders that stand
 * for them in the results.
 */
export async function seed(sim, space) {
  const prefix = space === 'default' ? '' : `/s/${space}`;
  const call = async (method, path, body) => {
    const { status, body: answer } = await sim.kibana(method, `${prefix}${path}`, body);
    if (status !== 200)
      throw new Error(`seeding ${method} ${path}: ${status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const newCase = async (title, tags = []) => {
    const created = await call('POST', '/api/cases', {
      title,
      owner: 'securitySolution',
      description: 'Seeded for the side-by-side run',
      tags,
      connector: { id: 'none', name: 'none', type: '.none', fields: null },
      settings: { syncAlerts: false },
    });
    // Distinct creation times, for sorting by them.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return created.id;
  };
  const connector = await call('POST', '/api/actions/connector', {
    name: 'Seeded Jira',
    connector_type_id: '.jira',
    config: JIRA,
    secrets: JIRA_SECRETS,
  });
  const target = await newCase('Target', ['seeded']);
  const comment = await call('POST', `/api/cases/${target}/comments`, {
    type: 'user',
    comment: 'Seeded comment',
    owner: 'securitySolution',
  });
  const fx = {
    connector: connector.id,
    target,
    comment: comment.comments.at(-1).id,
    delete1: await newCase('Delete me 1'),
    delete2: await newCase('Delete me 2'),
  };
  for (const n of [1, 2, 3]) fx[`paging${n}`] = await newCase(`Paging ${n}`);
  const placeholders = {
    [fx.connector]: '<connector>',
    [fx.target]: '<case>',
    [fx.comment]: '<comment>',
    [fx.delete1]: '<case-d1>',
    [fx.delete2]: '<case-d2>',
    [fx.paging1]: '<case-p1>',
    [fx.paging2]: '<case-p2>',
    [fx.paging3]: '<case-p3>',
  };
  return { fx, placeholders };
}

/** Deletes every case of `space` (what an earlier run left there), through the simulator. */
export async function clearCases(sim, space) {
  const prefix = space === 'default' ? '' : `/s/${space}`;
  const found = await sim.kibana('GET', `${prefix}/api/cases/_find?perPage=100`);
  const ids = found.body.cases.map((c) => c.id);
  if (ids.length === 0) return;
  const query = encodeURIComponent(JSON.stringify(ids));
  const { status } = await sim.kibana('DELETE', `${prefix}/api/cases?ids=${query}`);
  if (status !== 204) throw new Error(`clearing ${space}: ${status}`);
}

const n8nNode = (resource, operation, parameters, items) => ({
  parameters: { resource, operation, ...parameters },
  items,
});

/** A step on the seeded comment of the target case, and nothing else. */
const onSeededComment = (key, label, n8nOperation, operation) => ({
  key,
  label,
  n8n: (fx) => n8nNode('caseComment', n8nOperation, { caseId: fx.target, commentId: fx.comment }),
  ours: (fx) => ({ operation, input: { CaseId: fx.target, CommentId: fx.comment } }),
});

/** The steps, in the order they run (which is also the table's). */
export const steps = [
  {
    key: 'get-many-cases',
    label: 'get many cases: newest first, 2 per page',
    // n8n's node offers Created At / Updated At and Ascending / Descending.
    n8n: () =>
      n8nNode('case', 'getAll', {
        returnAll: false,
        limit: 2,
        sortOptions: { sortOptionsProperties: { sortField: 'createdAt', sortOrder: 'desc' } },
      }),
    ours: () => ({
      operation: 'get-many-cases',
      input: { SortField: 'createdAt', SortOrder: 'desc', PerPage: 2, Page: 1, ReturnAll: false },
    }),
  },
  {
    key: 'create-case',
    label: 'create case (with the Jira connector)',
    // n8n's node requires a connector, its type, and the type's fields.
    n8n: (fx) =>
      n8nNode('case', 'create', {
        title: 'Phishing wave',
        connectorId: fx.connector,
        connectorType: '.jira',
        issueType: '10001',
        priority: 'High',
        additionalFields: { description: 'Mail from a look-alike domain' },
      }),
    ours: (fx) => ({
      operation: 'create-case',
      input: {
        Title: 'Phishing wave',
        Owner: 'securitySolution',
        Description: 'Mail from a look-alike domain',
        ConnectorId: fx.connector,
        ConnectorName: 'Seeded Jira',
        ConnectorType: '.jira',
      },
    }),
  },
  {
    key: 'get-case',
    label: 'get case',
    n8n: (fx) => n8nNode('case', 'get', { caseId: fx.target }),
    ours: (fx) => ({ operation: 'get-case', input: { CaseId: fx.target } }),
  },
  {
    key: 'update-case',
    label: 'update case: status in-progress',
    // n8n's node reads the version itself; this node takes it as an input, here from
    // the get case step's output.
    n8n: (fx) =>
      n8nNode('case', 'update', {
        caseId: fx.target,
        updateFields: { status: 'in-progress', description: 'Triaged' },
      }),
    ours: (fx) => ({
      operation: 'update-case',
      input: {
        CaseId: fx.target,
        Version: "={{ $('get case').first().json.Version }}",
        Status: 'in-progress',
        Description: 'Triaged',
      },
    }),
  },
  {
    key: 'delete-cases',
    label: 'delete two cases',
    // n8n's node deletes the case of one item: two items.
    n8n: (fx) =>
      n8nNode('case', 'delete', { caseId: '={{ $json.caseId }}' }, [
        { caseId: fx.delete1 },
        { caseId: fx.delete2 },
      ]),
    ours: (fx) => ({
      operation: 'delete-case',
      input: { CaseIds: `${fx.delete1}, ${fx.delete2}` },
    }),
  },
  {
    key: 'add-comment',
    label: 'add comment',
    n8n: (fx) =>
      n8nNode('caseComment', 'add', {
        caseId: fx.target,
        comment: 'Sender domain registered yesterday',
        simple: true,
      }),
    ours: (fx) => ({
      operation: 'add-comment',
      input: { CaseId: fx.target, Comment: 'Sender domain registered yesterday' },
    }),
  },
  onSeededComment('get-comment', 'get comment', 'get', 'get-comment'),
  {
    key: 'get-many-comments',
    label: 'get many comments: 2 per page',
    n8n: (fx) =>
      n8nNode('caseComment', 'getAll', { caseId: fx.target, returnAll: false, limit: 2 }),
    ours: (fx) => ({
      operation: 'get-many-comments',
      input: { CaseId: fx.target, PerPage: 2, Page: 1, ReturnAll: false },
    }),
  },
  {
    key: 'update-comment',
    label: 'update comment',
    n8n: (fx) =>
      n8nNode('caseComment', 'update', {
        caseId: fx.target,
        commentId: fx.comment,
        comment: 'Seeded comment, edited',
        simple: true,
      }),
    ours: (fx) => ({
      operation: 'update-comment',
      input: {
        CaseId: fx.target,
        CommentId: fx.comment,
        Comment: 'Seeded comment, edited',
        Version: "={{ $('get comment').first().json.Version }}",
      },
    }),
  },
  onSeededComment('remove-comment', 'remove comment', 'remove', 'remove-comment'),
  {
    key: 'add-tags',
    label: 'add two tags: triage, phishing',
    // n8n's node adds the tag of one item: two items.
    n8n: (fx) =>
      n8nNode('caseTag', 'add', { caseId: fx.target, tag: '={{ $json.tag }}' }, [
        { tag: 'triage' },
        { tag: 'phishing' },
      ]),
    ours: (fx) => ({
      operation: 'add-tag',
      input: { CaseId: fx.target, Tags: ['triage', 'phishing'] },
    }),
  },
  {
    key: 'remove-tag',
    label: 'remove tag: seeded',
    n8n: (fx) => n8nNode('caseTag', 'remove', { caseId: fx.target, tag: 'seeded' }),
    ours: (fx) => ({ operation: 'remove-tag', input: { CaseId: fx.target, Tags: ['seeded'] } }),
  },
  {
    key: 'create-connector',
    label: 'create connector (Jira)',
    n8n: () =>
      n8nNode('connector', 'create', {
        name: 'SOC Jira',
        connectorType: '.jira',
        apiUrl: JIRA.apiUrl,
        projectKey: JIRA.projectKey,
        email: JIRA_SECRETS.email,
        apiToken: JIRA_SECRETS.apiToken,
      }),
    ours: () => ({
      operation: 'create-connector',
      input: {
        Name: 'SOC Jira',
        ConnectorTypeId: '.jira',
        Config: JSON.stringify(JIRA),
        Secrets: JSON.stringify(JIRA_SECRETS),
      },
    }),
  },
];
