// A server that misbehaves on purpose, run as a child process by flow.test.mjs
// (the component's HTTP calls block the test's thread). It prints
// "listening <port>" once ready.
//   .../silent...  accepts the request and never answers
//   .../stall...   answers 200 with a Content-Length, sends part of the body, stalls
import http from 'node:http';

const server = http.createServer((req, res) => {
  req.resume();
  if (req.url.includes('stall')) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"id":"stalled","title":');
  }
  // "silent" (and anything else): never answer.
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
