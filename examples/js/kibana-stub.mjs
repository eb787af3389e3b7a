// Starts `elastic-security stub` (the Kibana simulator of the native CLI) as a
// child process on a free port of 127.0.0.1.
//
// It must be a separate process: preview2-shim's wasi:http is synchronous and
// blocks this (the main) thread for the whole of every component call, so a
// server living in this process could never answer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The simulator's credentials (fixed by `elastic-security stub`). */
export const STUB_API_KEY = 'sim-api-key';
export const STUB_USER = { username: 'elastic', password: 'changeme' };

/** `ELASTIC_SECURITY_BIN` (relative to the current directory), else the debug build. */
export function stubBinary() {
  const fromEnv = process.env.ELASTIC_SECURITY_BIN;
  return fromEnv
    ? path.resolve(fromEnv)
    : path.resolve(here, '../../target/debug/elastic-security');
}

/** A port that was free a moment ago: bind 127.0.0.1:0, read the port, close. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts the simulator and resolves once it prints its "listening on" line.
 * Returns `{ url, child, stop }`; `stop()` ends the child and waits for it.
 */
export async function startStub({ bin = stubBinary(), timeoutMs = 30_000 } = {}) {
  let lastError;
  // Another process may take the port between freePort() and the bind: retry.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    try {
      return await spawnStub(bin, port, timeoutMs);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function spawnStub(bin, port, timeoutMs) {
  const child = spawn(bin, ['stub', '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  };
  // Never leave the simulator running behind a crashed script.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`elastic-security stub (${bin}) ${why}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => process.off('exit', killOnExit));
        // Keep draining the pipes so that the child never blocks on a full one.
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ url: match[1], port, child, stop });
      }
    });
  });
}
