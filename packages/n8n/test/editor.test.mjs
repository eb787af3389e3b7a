// The node in n8n's editor: `n8n start` with the package installed as a community
// package, its owner signed in, and two workflows with one of the node's operations each
// opened in headless Chromium (puppeteer-core): the form of Create a Case shows its
// fields and, once Severity is added from Additional Fields, the contract's severities;
// the Tags picker of Add Tag is filled from Kibana (the simulator, seeded with tags)
// through the node's loadOptions.
//
// Environment: as the harness, and CHROME_PATH (default Debian's /usr/bin/chromium).
// SCREENSHOT=<file.png> also saves the Create a Case form with its severities open
// (the README's picture); without it the test writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import puppeteer from 'puppeteer-core';

import { signIn } from './editor/sign-in.mjs';
import { startRig, workflow } from './harness.mjs';

const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
// One workflow per form: n8n opens a workflow read-only in a second tab while the first
// one holds it (with unsaved changes).
const CREATE_WORKFLOW = 'esEditorCreate01';
const TAG_WORKFLOW = 'esEditorAddTag01';
const SEEDED_TAGS = ['phishing', 'email'];
/** How long the editor may take to show something (the machine is shared). */
const UI_TIMEOUT_MS = 60_000;

describe('the node in the editor', { timeout: 600_000 }, () => {
  let rig;
  let server;
  let browser;
  let page;
  const hosts = new Set();

  before(async () => {
    rig = await startRig();
    // Tags for the picker: a case created straight in the simulator.
    const seeded = await rig.sim.kibana('POST', '/api/cases', {
      title: 'Seeded for the tag picker',
      owner: 'securitySolution',
      description: 'Tags for the editor test',
      tags: SEEDED_TAGS,
      connector: { id: 'none', name: 'none', type: '.none', fields: null },
      settings: { syncAlerts: false },
    });
    assert.equal(seeded.status, 200, JSON.stringify(seeded.body));
    await rig.n8n.importWorkflows([
      workflow(CREATE_WORKFLOW, 'Create a Case', [
        rig.node('Create a Case', 'create-case', {
          Title: 'Phishing wave',
          Owner: 'securitySolution',
        }),
      ]),
      workflow(TAG_WORKFLOW, 'Add Tag', [
        rig.node('Add Tag', 'add-tag', { CaseId: seeded.body.id, Tags: [] }),
      ]),
    ]);
    server = await rig.n8n.startServer();
    const cookie = await signIn(server.url);
    browser = await puppeteer.launch({
      executablePath: CHROME,
      headless: true,
      // Chromium does not start its sandbox as root (as in CI's containers).
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      defaultViewport: { width: 1280, height: 800 },
      timeout: UI_TIMEOUT_MS,
      protocolTimeout: UI_TIMEOUT_MS,
    });
    await browser.setCookie({ ...cookie, domain: new URL(server.url).hostname });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await rig?.stop();
  });

  /**
   * Opens the form (NDV) of the node of a workflow in a new tab (the last one, with its
   * unsaved changes, is closed without asking); resolves its parameters' container.
   */
  async function openNode(workflowId) {
    await page?.close();
    page = await browser.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    // workflow() names a workflow's nodes <id>-<index>: the node after the trigger.
    await page.goto(`${server.url}/workflow/${workflowId}/${workflowId}-0`, {
      waitUntil: 'domcontentloaded',
    });
    return await page.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"]', {
      visible: true,
    });
  }

  /** The labels of the form's parameters, as shown. */
  const labels = (form) =>
    form.$$eval('label', (els) =>
      els.map((e) => (e.querySelector('span') ?? e).textContent.trim()).filter((t) => t !== ''),
    );

  /**
   * Clicks `selector` (a dropdown) and resolves the texts of the options on screen once
   * they include all of `wanted` (a picker shows "Loading options" first). While none
   * are on screen, clicks again every few seconds: a click while the form is still
   * settling may open nothing.
   */
  async function openOptions(selector, wanted) {
    const deadline = Date.now() + UI_TIMEOUT_MS;
    let texts = [];
    let clickedAt = 0;
    while (Date.now() < deadline) {
      texts = await page.evaluate(() =>
        [...document.querySelectorAll('.el-select-dropdown__item, [role="option"]')]
          .filter((e) => e.getBoundingClientRect().height > 0)
          .map((e) => e.textContent.trim()),
      );
      if (wanted.every((t) => texts.includes(t))) return texts;
      if (texts.length === 0 && Date.now() - clickedAt > 3_000) {
        await page.click(selector);
        clickedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `no options ${JSON.stringify(wanted)} on screen in time; shown: ${JSON.stringify(texts)}`,
    );
  }

  test('Create a Case shows Title, Owner and Additional Fields, and offers the severities', async () => {
    const form = await openNode(CREATE_WORKFLOW);
    const shown = await labels(form);
    for (const label of ['Title', 'Owner', 'Space', 'Additional Fields']) {
      assert.ok(shown.includes(label), `the form shows ${label}: ${JSON.stringify(shown)}`);
    }
    const title = await page.$eval(
      '[data-test-id="parameter-input-Title"] input, [data-test-id="parameter-input-Title"] textarea',
      (e) => e.value,
    );
    assert.equal(title, 'Phishing wave');

    // Additional Fields → Add Field → Severity.
    const fields = await openOptions('[data-test-id="collection-parameter-add"]', ['Severity']);
    for (const field of ['Description', 'Severity', 'Tags']) {
      assert.ok(fields.includes(field), `Add Field offers ${field}: ${JSON.stringify(fields)}`);
    }
    await clickOption('Severity');
    await page.waitForSelector('[data-test-id="parameter-input-Severity"]', { visible: true });
    const severities = await openOptions('[data-test-id="parameter-input-Severity"]', ['critical']);
    assert.deepEqual(severities, ['low', 'medium', 'high', 'critical']);

    if (process.env.SCREENSHOT) {
      const ndv = await page.$('[data-test-id="ndv"]');
      await ndv.screenshot({ path: process.env.SCREENSHOT, type: 'png' });
    }
  });

  test('Add Tag fills its Tags picker with the tags Kibana has', async () => {
    await rig.sim.clearRequests();
    const form = await openNode(TAG_WORKFLOW);
    const shown = await labels(form);
    for (const label of ['Case ID', 'Tags']) {
      assert.ok(
        shown.some((l) => l.startsWith(label)),
        `the form shows ${label}: ${JSON.stringify(shown)}`,
      );
    }
    const tags = await openOptions('[data-test-id="parameter-input-Tags"]', SEEDED_TAGS);
    assert.deepEqual([...tags].sort(), [...SEEDED_TAGS].sort());
    // Filled by the node's loadOptions, which asked Kibana with the credential's key.
    const requests = await rig.sim.requests();
    assert.ok(
      requests.some(
        (r) => r.method === 'GET' && r.path === '/api/cases/tags' && r.auth === 'api-key accepted',
      ),
      JSON.stringify(requests),
    );
  });

  test('no outside host: the browser asked only n8n, and n8n looked up no host', () => {
    assert.deepEqual([...hosts], [new URL(server.url).host]);
    // Offline, a lookup fails and n8n logs it (it did, for its lists of verified
    // community nodes and MCP servers, until startServer() turned them off).
    assert.doesNotMatch(server.output(), /getaddrinfo|ENOTFOUND|EAI_AGAIN/);
  });

  /** Clicks the shown dropdown option whose text is `text`. */
  async function clickOption(text) {
    const clicked = await page.evaluate((wanted) => {
      const items = [...document.querySelectorAll('.el-select-dropdown__item, [role="option"]')];
      const item = items.find(
        (e) => e.getBoundingClientRect().height > 0 && e.textContent.trim() === wanted,
      );
      item?.click();
      return item !== undefined;
    }, text);
    assert.ok(clicked, `an option ${text} to click`);
  }
});
