// Records every HTTP response the API tests receive from a creditd server, for the contract check
// (tools/check_contract.mjs validates each one against docs/openapi.yaml).
//
// Off unless CREDITD_CONTRACT_LOG names a file. Then globalThis.fetch is wrapped (once per process),
// and every response whose origin is a creditd server that startServer started (registerServer)
// is appended to that file as one JSON line:
//   {"method","path","status","content_type","allow","body","test"}
// `path` is the URL's pathname (still %-encoded, no query), `body` the response text read from a
// clone (so the tests read the original untouched); it is null for a body that is neither text
// nor JSON (an image), with its size in `bytes`. Calls to fake providers (fake Stripe, fake
// upstreams) are not recorded: their origins are never registered. Exchanges on raw sockets
// (rawExchange in server.mjs) do not go through fetch and are not recorded either.
import { openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';

const LOG = process.env.CREDITD_CONTRACT_LOG;
// Opened once per process (node --test runs each file in its own), appended to line by line.
const logFd = LOG ? openSync(LOG, 'a') : undefined;
const TEST = basename(process.argv[1] ?? '-');
const origins = new Set();

// Called by startServer with the server's base URL; `exited` resolves when the process exits, so
// a port the OS hands out again later (say to a fake provider) is no longer recorded.
export function registerServer(url, exited) {
  if (!LOG) {
    return;
  }
  const origin = new URL(url).origin;
  origins.add(origin);
  exited.then(() => origins.delete(origin));
}

function isText(contentType) {
  const media = contentType.split(';')[0].trim().toLowerCase();
  return media.startsWith('text/') || media === 'application/json' || media.endsWith('+json') ||
    media === 'application/javascript';
}

async function record(method, requestUrl, response) {
  const url = new URL(response.redirected && response.url ? response.url : requestUrl);
  if (!origins.has(url.origin)) {
    return;
  }
  const contentType = response.headers.get('content-type') ?? '';
  const entry = {
    method,
    path: url.pathname,
    status: response.status,
    content_type: contentType,
    allow: response.headers.get('allow'),
    body: null,
    test: TEST,
  };
  try {
    if (isText(contentType)) {
      entry.body = await response.clone().text();
    } else {
      entry.bytes = (await response.clone().arrayBuffer()).byteLength;
    }
  } catch (error) {
    entry.read_error = String(error?.message ?? error);
  }
  if (response.redirected) {
    entry.redirected = true;
  }
  writeSync(logFd, `${JSON.stringify(entry)}\n`);
}

// ES modules are evaluated once per process, so fetch is wrapped once.
if (LOG) {
  const original = globalThis.fetch;
  const wrapped = async function fetch(input, init) {
    const response = await original(input, init);
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const requestUrl = request ? request.url : String(input);
    try {
      await record(method, requestUrl, response);
    } catch (error) {
      // Never fail a test for the log's sake; the checker reports the line.
      writeSync(logFd, `${JSON.stringify({ method, url: requestUrl, record_error: String(error) })}\n`);
    }
    return response;
  };
  globalThis.fetch = wrapped;
}
