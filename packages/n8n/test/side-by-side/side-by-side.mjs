// n8n's own Elastic Security node and this package's node, side by side in one n8n
// user folder against one simulator (in its default Kibana 9 mode), each with an API
// key: the steps of scenario.mjs, first in the default space, then in the space
// `security`. For every step and node it keeps what the simulated Kibana received
// (method, path, query, JSON body; the simulator's own log is checked to agree) and
// answered, and the node's output items; then normalises what changes from run to run
// (ids, times, versions) so that the results, and the README table made from them, are
// the same on every run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  CREDENTIAL_TYPE,
  N8n,
  SIM_API_KEY,
  SIM_USER,
  esNode,
  installedManifest,
  nodeItems,
  packageTarballs,
  startSimulator,
  workflow,
} from '../harness.mjs';
import { startProxy } from './proxy.mjs';
import { N8N_CREDENTIAL_TYPE, N8N_NODE_TYPE, SPACE, clearCases, seed, steps } from './scenario.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_FILE = path.join(here, 'results.json');
export const README_FILE = path.resolve(here, '../../README.md');
const START = '<!-- side-by-side:start -->';
const END = '<!-- side-by-side:end -->';

/**
 * The runs: each node with an API key in the default space, then in SPACE; and n8n's
 * node with a user and password, with which it sends the `kbn-xsrf` header that Kibana
 * wants on every write (with an API key it does not).
 */
const RUNS = [
  { node: 'n8n', space: 'default', auth: 'apiKey' },
  { node: 'ours', space: 'default', auth: 'apiKey' },
  { node: 'n8n', space: SPACE, auth: 'apiKey' },
  { node: 'ours', space: SPACE, auth: 'apiKey' },
  { node: 'n8n', space: 'default', auth: 'basicAuth' },
];

const nodeName = (step) => step.key.replaceAll('-', ' ');
const label = (r, s) => `r${r}s${String(s).padStart(2, '0')}`;
const credentialId = (r, s) => `sideBySide${label(r, s)}`.padEnd(16, '0');

/**
 * Runs both nodes through the steps; resolves the normalised results
 * `{ n8nVersion, runs: [{ node, space, steps: [{ key, label, requests, items }] }] }`.
 * `log` gets a line per phase.
 */
export async function runSideBySide({ log = () => {} } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'side-by-side-'));
  let sim;
  let proxy;
  let n8n;
  try {
    const started = Date.now();
    const [tarballs, simulator] = await Promise.all([packageTarballs(work), startSimulator()]);
    sim = simulator;
    proxy = await startProxy(sim.url);
    n8n = await N8n.create({ packages: tarballs });
    log(`n8n user folder ready with the packages: ${secondsSince(started)} s`);
    const manifest = installedManifest(n8n);
    const n8nVersion = JSON.parse(
      fs.readFileSync(path.join(n8n.install.dir, 'node_modules/n8n/package.json'), 'utf8'),
    ).version;

    // One credential per run and step: its URL starts with the step's label.
    const credentials = RUNS.flatMap((run, r) =>
      steps.map((step, s) => credentialFor(run, r, s, proxy.url)),
    );
    await n8n.importCredentials(credentials);

    const runs = [];
    for (const [r, run] of RUNS.entries()) {
      const runStarted = Date.now();
      await clearCases(sim, run.space);
      const { fx, placeholders } = await seed(sim, run.space);
      const id = `sideBySideRun${r}`.padEnd(16, '0');
      const nodes = steps.flatMap((step, s) =>
        stepNodes(run, step, fx, credentials[r * steps.length + s], manifest),
      );
      await n8n.importWorkflows(workflow(id, `Side by side ${run.node} ${run.space}`, nodes));
      await sim.clearRequests();
      proxy.clear();
      const result = await n8n.execute(id);
      if (!result.execution) {
        throw new Error(`n8n execute of ${id} reported no run: ${result.errors.join('\n')}`);
      }
      await checkSimulatorLog(sim, proxy.all());
      const results = steps.map((step, s) => ({
        key: step.key,
        label: step.label,
        requests: proxy.requests(label(r, s)).map(describeRequest),
        items: (nodeItems(result.execution, nodeName(step)) ?? null)?.map((item) => item.json),
      }));
      runs.push({ ...run, steps: normalise(results, placeholders) });
      log(`${run.node} in ${run.space} (${run.auth}): ${secondsSince(runStarted)} s`);
    }
    return { n8nVersion, runs };
  } finally {
    await proxy?.close();
    await sim?.stop();
    n8n?.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function secondsSince(t) {
  return ((Date.now() - t) / 1000).toFixed(1);
}

function credentialFor(run, r, s, proxyUrl) {
  const base = `${proxyUrl}/${label(r, s)}`;
  if (run.node === 'n8n') {
    // n8n's node has no Space parameter: a space is reached only through the Base
    // URL (Kibana serves a space's API under /s/<space>).
    const space = run.space === 'default' ? '' : `/s/${run.space}`;
    const auth =
      run.auth === 'apiKey'
        ? { type: 'apiKey', apiKey: SIM_API_KEY }
        : { type: 'basicAuth', ...SIM_USER };
    return {
      id: credentialId(r, s),
      name: `n8n's node ${label(r, s)}`,
      type: N8N_CREDENTIAL_TYPE,
      data: { baseUrl: `${base}${space}`, ...auth },
    };
  }
  return {
    id: credentialId(r, s),
    name: `This node ${label(r, s)}`,
    type: CREDENTIAL_TYPE,
    data: { baseUrl: base, authType: 'apiKey', apiKey: SIM_API_KEY, spaceId: '' },
  };
}

/** The step's node, preceded, when it is fed several items, by two nodes making them. */
function stepNodes(run, step, fx, credential, manifest) {
  const name = nodeName(step);
  const common = { onError: 'continueRegularOutput' };
  if (run.node === 'ours') {
    const { operation, input } = step.ours(fx);
    const withSpace = run.space === 'default' ? input : { ...input, SpaceId: run.space };
    return [
      {
        ...esNode(manifest, name, operation, withSpace, { credential }),
        ...common,
        executeOnce: true,
      },
    ];
  }
  const { parameters, items } = step.n8n(fx);
  const node = {
    name,
    type: N8N_NODE_TYPE,
    typeVersion: 1,
    parameters,
    credentials: { [N8N_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
    ...common,
  };
  if (!items) return [{ ...node, executeOnce: true }];
  return [
    {
      name: `${name}: items`,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
      executeOnce: true,
    },
    {
      name: `${name}: one per item`,
      type: 'n8n-nodes-base.splitOut',
      typeVersion: 1,
      parameters: { fieldToSplitOut: 'items', options: {} },
    },
    node,
  ];
}

/** The simulator received what the proxy forwarded, in the same order. */
async function checkSimulatorLog(sim, forwarded) {
  const received = (await sim.requests()).map((r) => `${r.method} ${r.path}?${r.query}`);
  const sent = forwarded.map((r) => `${r.method} ${r.path}?${r.query}`);
  if (JSON.stringify(received) !== JSON.stringify(sent)) {
    throw new Error(
      `the simulator's log differs from what was forwarded:\n${received.join('\n')}\n---\n${sent.join('\n')}`,
    );
  }
}

function describeRequest(r) {
  const out = {
    method: r.method,
    path: r.path,
    query: decodeURIComponent(r.query),
    status: r.status,
  };
  if (r.body !== undefined) out.body = redactSecrets(r.body);
  if (!['GET', 'HEAD'].includes(r.method)) out.xsrf = r.xsrf;
  if (r.status >= 400) out.message = r.answer?.message ?? r.answer;
  return out;
}

function redactSecrets(body) {
  if (typeof body !== 'object' || body === null || !('secrets' in body)) return body;
  const secrets = Object.fromEntries(Object.keys(body.secrets ?? {}).map((k) => [k, '<secret>']));
  return { ...body, secrets };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
const VERSION_KEYS = new Set(['version', 'Version']);

/** Ids as placeholders (seeded ones by name, new ones as <new-id>), times, versions. */
export function normalise(value, placeholders, key) {
  if (typeof value === 'string') {
    if (VERSION_KEYS.has(key)) return '<version>';
    return value.replace(UUID, (id) => placeholders[id] ?? '<new-id>').replace(TIME, '<time>');
  }
  if (Array.isArray(value)) return value.map((v) => normalise(v, placeholders));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, normalise(v, placeholders, k)]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------
// The table

/** The Markdown between the README's markers, made from the results. */
export function renderTable(results) {
  const lines = [
    `<!-- made by test/side-by-side/run.mjs from results.json: n8n ${results.n8nVersion}, the simulator in Kibana 9 mode, an API key -->`,
  ];
  const run = (node, space, auth = 'apiKey') =>
    results.runs.find((r) => r.node === node && r.space === space && r.auth === auth);
  for (const space of ['default', SPACE]) {
    const n8n = run('n8n', space);
    const ours = run('ours', space);
    lines.push(
      '',
      space === 'default'
        ? '**The default space**'
        : `**The space \`${space}\`** (this node: Space \`${space}\`; n8n's node has no Space ` +
            `field: its credential's Base URL ends in \`/s/${space}\`)`,
      '',
      "| operation | n8n's Elastic Security node: sent | returned | this node: sent | returned |",
      '|---|---|---|---|---|',
    );
    for (const [i, step] of n8n.steps.entries()) {
      const mine = ours.steps[i];
      lines.push(
        `| ${step.label} | ${sentCell(step.requests)} | ${returnedCell(step)} | ` +
          `${sentCell(mine.requests)} | ${returnedCell(mine)} |`,
      );
    }
  }
  const basic = run('n8n', 'default', 'basicAuth');
  lines.push(
    '',
    "**n8n's node with Basic auth** (user and password instead of the API key; the default space)",
    '',
    "| operation | n8n's Elastic Security node: sent | returned |",
    '|---|---|---|',
    ...basic.steps.map(
      (step) => `| ${step.label} | ${sentCell(step.requests)} | ${returnedCell(step)} |`,
    ),
  );
  return lines.join('\n');
}

const code = (text) => `\`${String(text).replaceAll('|', '\\|').replaceAll('`', "'")}\``;
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

function sentCell(requests) {
  if (requests.length === 0) return 'nothing';
  return requests
    .map((r) => {
      const target = `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`;
      const body = r.body === undefined ? '' : ` ${bodyShape(r.body)}`;
      const xsrf = r.xsrf === false ? ' (no kbn-xsrf header)' : '';
      const why = r.message === undefined ? '' : ` ${cell(JSON.stringify(r.message))}`;
      return `${code(target + body)}${xsrf} → ${r.status}${why}`;
    })
    .join('<br>');
}

/** The keys whose values a body's outline shows; other keys are named only, objects
 * and arrays outlined to a depth of three. */
const SHOWN = new Set([
  'tags',
  'status',
  'severity',
  'type',
  'connector_type_id',
  'owner',
  'title',
]);

function bodyShape(value, key, depth = 0) {
  if (Array.isArray(value)) return `[${value.map((v) => bodyShape(v, key, depth + 1)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    if (depth > 2) return '{…}';
    const parts = Object.entries(value).map(([k, v]) => {
      if (SHOWN.has(k) || (typeof v === 'object' && v !== null))
        return `${k}: ${bodyShape(v, k, depth + 1)}`;
      return k;
    });
    return `{${parts.join(', ')}}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function returnedCell(step) {
  const items = step.items;
  if (items === null) return 'did not run';
  if (items.length === 0) return 'no items';
  const parts = items.map((json) => cell(itemSummary(step.key, json)));
  return items.length === 1 ? parts[0] : `${items.length} items: ${parts.join('; ')}`;
}

/** One output item in a few words: an error, or the fields that show what was done. */
function itemSummary(key, json) {
  if (typeof json.ErrorKind === 'string') {
    return `error ${json.StatusCode} ${json.ErrorKind}: ${json.ErrorMessage}`;
  }
  if (Object.keys(json).length === 1 && typeof json.error === 'string')
    return `error: ${json.error}`;
  const pick = (...names) => {
    for (const n of names) if (json[n] !== undefined) return json[n];
    return undefined;
  };
  const caseLine = (c) => {
    const title = c.title ?? c.Title;
    const status = c.status ?? c.Status;
    const tags = c.tags ?? c.Tags;
    return `${JSON.stringify(title)} ${status}${tags ? ` tags [${tags.join(', ')}]` : ''}`;
  };
  switch (key) {
    case 'get-many-cases': {
      if (Array.isArray(json.Cases)) {
        return `Cases: ${json.Cases.map((c) => JSON.stringify(c.Title)).join(', ')} (Total ${json.Total}, Page ${json.Page}, PerPage ${json.PerPage})`;
      }
      return JSON.stringify(pick('title'));
    }
    case 'create-case':
    case 'get-case':
    case 'update-case': {
      const connector = json.connector?.type ?? pick('ConnectorType');
      const description = pick('description', 'Description');
      return `${caseLine(json)}, description ${JSON.stringify(description)}${connector ? `, connector ${connector}` : ''}`;
    }
    case 'delete-cases':
      if ('DeletedCount' in json)
        return `DeletedCount ${json.DeletedCount}, FailedCount ${json.FailedCount}`;
      return JSON.stringify(json);
    case 'add-comment':
    case 'get-comment':
    case 'update-comment':
      return `comment ${JSON.stringify(pick('comment', 'Comment'))}`;
    case 'get-many-comments':
      if (Array.isArray(json.Comments)) {
        return `Comments: ${json.Comments.map((c) => JSON.stringify(c.Comment)).join(', ')} (Total ${json.Total})`;
      }
      return `comment ${JSON.stringify(pick('comment'))}`;
    case 'remove-comment':
      return 'Deleted' in json ? `Deleted ${json.Deleted}` : JSON.stringify(json);
    case 'add-tags':
    case 'remove-tag': {
      const tags = json.tags ?? json.Tags;
      return `tags [${(tags ?? []).join(', ')}]`;
    }
    case 'create-connector':
      return `${JSON.stringify(pick('name', 'Name'))} ${pick('connector_type_id', 'ConnectorTypeId')}, id ${pick('id', 'ConnectorId')}`;
    default:
      return JSON.stringify(json);
  }
}

// ---------------------------------------------------------------------------
// The README

/** The README's text between the markers (without them), or null. */
export function readmeTable(readme = fs.readFileSync(README_FILE, 'utf8')) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return null;
  return readme.slice(start + START.length, end).trim();
}

/** The README with `table` between its markers. */
export function withTable(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no ${START} ... ${END}`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}
