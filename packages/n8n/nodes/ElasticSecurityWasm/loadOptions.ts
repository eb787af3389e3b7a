// The pickers' choices (tags, connectors): each comes from running the operation that an
// input's `suggest` in the manifest names, with the credential's connection and the
// form's Space, and reading the list it names.

import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { runOperation } from './call';
import { connectionOf, CREDENTIAL, loadComponent } from './component';
import { failureOf, nodeApiError } from './errors';
import { findOperation, manifest, type Suggest } from './manifest';
import { loadOptionsMethodName, SPACE } from './properties';

type LoadOptionsMethod = (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>;

/** One method per list the manifest's pickers read (`getTags`, `getConnectors`). */
export function buildLoadOptions(): Record<string, LoadOptionsMethod> {
	const methods: Record<string, LoadOptionsMethod> = {};
	for (const input of manifest.operations.flatMap((op) => op.inputs)) {
		const suggest = input.suggest;
		if (!suggest) continue;
		methods[loadOptionsMethodName(suggest.output)] = async function (this: ILoadOptionsFunctions) {
			return await choices(this, suggest);
		};
	}
	return methods;
}

async function choices(ctx: ILoadOptionsFunctions, suggest: Suggest): Promise<INodePropertyOptions[]> {
	const op = findOperation(suggest.operation);
	if (!op) return [];
	const conn = connectionOf(await ctx.getCredentials(CREDENTIAL));
	const space = ctx.getCurrentNodeParameter(SPACE);
	let output: IDataObject;
	try {
		output = runOperation(await loadComponent(), conn, op, { [SPACE]: typeof space === 'string' ? space : '' });
	} catch (error) {
		const failure = failureOf(error, op);
		if (failure) throw nodeApiError(ctx.getNode(), failure, 0);
		throw error;
	}
	const list = output[suggest.output];
	if (!Array.isArray(list)) return [];
	return list.map((item: unknown) => {
		if (typeof item !== 'object' || item === null) return { name: String(item), value: String(item) };
		const fields = item as IDataObject;
		const value = String(fields[suggest.value ?? ''] ?? '');
		return { name: String(fields[suggest.label ?? ''] ?? value), value };
	});
}
