// The component, loaded once per process, and the connection each call carries.

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Component, Connection } from './call';

/** The credential type the node uses. */
export const CREDENTIAL = 'elasticSecurityWasmApi';

let loading: Promise<Component> | undefined;

/** jco's module is ESM ending in a top-level await, so `require()` cannot load it
 * (ERR_REQUIRE_ASYNC_MODULE); `import()` can, and tsc keeps it an `import()` under
 * `module: node16`. The module compiles the component once; every item of every
 * execution then calls the same instance. */
export function loadComponent(): Promise<Component> {
	loading ??= import('@elastic-security-wasm/component').then(
		(module) => module as unknown as Component,
		(error: unknown) => {
			loading = undefined; // let the next execution try again
			throw error;
		},
	);
	return loading;
}

/** WIT `connection` from the credential; an item's Space overrides its space. */
export function connectionOf(credentials: ICredentialDataDecryptedObject): Connection {
	const auth: Connection['auth'] =
		credentials.authType === 'basicAuth'
			? { tag: 'basic', val: { username: String(credentials.username ?? ''), password: String(credentials.password ?? '') } }
			: { tag: 'api-key', val: String(credentials.apiKey ?? '') };
	const spaceId = String(credentials.spaceId ?? '').trim();
	return { baseUrl: String(credentials.baseUrl ?? ''), auth, spaceId: spaceId === '' ? undefined : spaceId };
}
