// wasi:http for the transpiled component: @bytecodealliance/preview2-shim's, with
// one fix. The generated bindings import this module instead of
// `@bytecodealliance/preview2-shim/http` (jco transpile `--map`, see test.sh).
//
// The fix: `wasi:http/types.http-error-code(io-error) -> option<error-code>`.
// preview2-shim 0.26.1 returns the io-error's payload as the error code, but for
// a broken response body that payload is a plain JS `Error` (e.g. Node's
// `aborted`, code ECONNRESET), not an `error-code` variant. jco's lowering then
// throws `TypeError: invalid variant tag value `undefined` (received `Error:
// aborted`) specified for `ErrorCode`` out of the exported function instead of
// the component getting an answer. Here such a payload maps to `none` ("not an
// HTTP error code"), which WIT allows; real error-code variants pass through.
import { outgoingHandler, types as shimTypes } from '@bytecodealliance/preview2-shim/http';

function httpErrorCode(err) {
  const code = shimTypes.httpErrorCode(err);
  if (code && typeof code === 'object' && typeof code.tag === 'string') {
    return code;
  }
  return undefined;
}

export const types = { ...shimTypes, httpErrorCode };
export { outgoingHandler };
