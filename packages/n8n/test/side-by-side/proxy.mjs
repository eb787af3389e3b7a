// A recording pass-through in front of the simulator, for telling apart the requests
// of the steps of one n8n run: each step's node has a credential of its own whose URL
// starts with the step's label (`http://127.0.0.1:<port>/<label>`); the proxy takes the
// label off, forwards the request to the simulator unchanged, and keeps the label, the
// request (its JSON body too, which the simulator's log does not hold) and the answer.
// The simulator's own log is then compared with what the proxy forwarded (run.mjs).
import { once } from 'node:events';
import http from 'node:http';

/** Headers not passed on: they describe one hop, not the request. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

export async function startProxy(target) {
  const records = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://proxy');
    const [, label, ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
    );
    const record = {
      label,
      method: req.method,
      path,
      query: url.search.slice(1),
      body: parseJson(body),
      xsrf: 'kbn-xsrf' in req.headers,
    };
    records.push(record);
    try {
      const answer = await fetch(`${target}${path}${url.search}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await answer.text();
      record.status = answer.status;
      record.answer = parseJson(Buffer.from(text));
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(text);
    } catch (error) {
      record.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** The requests of `label`, oldest first. */
    requests: (label) => records.filter((r) => r.label === label),
    all: () => records,
    clear: () => {
      records.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function parseJson(bytes) {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return bytes.toString('utf8');
  }
}
