// A failed operation, from either side of the call: the component's WIT `error` (thrown by
// jco as ComponentError, `payload = { tag, val: { statusCode, kind, message } }`) or an
// input the node refused before calling. It stops the node as n8n's NodeApiError, or,
// with Continue On Fail, becomes an error item. Messages come from the component, which
// never puts a credential in one, or from the node's checks, which name fields only.

import { NodeApiError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

import { InvalidInput } from './call';
import type { Operation } from './manifest';

export interface Failure {
	statusCode: number;
	kind: string;
	message: string;
	retryable: boolean;
}

/** The component names a bad field as the WIT does (`case-id: ...`); the credential's
 * fields are named as the credential form shows them. */
const CONNECTION_FIELDS: Record<string, string> = {
	'connection.base-url': 'Kibana URL (credential)',
	'connection.space-id': 'Space',
	'connection.auth.api-key': 'API Key (credential)',
	'connection.auth.username': 'Username (credential)',
	'connection.auth.password': 'Password (credential)',
};

/** The failure `error` stands for, or `undefined` when it is no operation's failure. */
export function failureOf(error: unknown, op: Operation): Failure | undefined {
	if (error instanceof InvalidInput) {
		return { statusCode: -1, kind: 'invalid-input', message: error.message, retryable: false };
	}
	const payload = (error as { payload?: { tag?: unknown; val?: Partial<Failure> } } | null)?.payload;
	const info = payload?.val;
	if (!info || (payload.tag !== 'permanent' && payload.tag !== 'retryable')) return undefined;
	const statusCode = Number(info.statusCode);
	const message = String(info.message ?? '');
	return {
		statusCode,
		kind: String(info.kind),
		message: statusCode === -1 ? contractFieldNames(message, op) : message,
		retryable: payload.tag === 'retryable',
	};
}

function contractFieldNames(message: string, op: Operation): string {
	const colon = message.indexOf(':');
	if (colon < 0) return message;
	const field = message.slice(0, colon);
	const input = op.inputs.find((i) => (i.wit.field ?? i.wit.param) === field);
	const name = input?.name ?? CONNECTION_FIELDS[field];
	return name ? name + message.slice(colon) : message;
}

/** The item Continue On Fail puts out in place of the operation's. */
export function errorItem(f: Failure): IDataObject {
	return { StatusCode: f.statusCode, ErrorKind: f.kind, ErrorMessage: f.message, Retryable: f.retryable };
}

/** What stops the node: the status code as n8n's httpCode, and whether a retry may help. */
export function nodeApiError(node: INode, f: Failure, itemIndex: number): NodeApiError {
	const retry = f.retryable ? " (retryable: n8n's Retry On Fail may repeat this step)" : '';
	const message = `${f.message}${retry}`;
	return new NodeApiError(node, errorItem(f) as JsonObject, {
		message,
		description: `${f.kind}, status ${f.statusCode}`,
		httpCode: String(f.statusCode),
		itemIndex,
	});
}
