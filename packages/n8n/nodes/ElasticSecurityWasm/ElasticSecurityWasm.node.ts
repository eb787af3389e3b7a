import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runOperation } from './call';
import { connectionOf, CREDENTIAL, loadComponent } from './component';
import { errorItem, failureOf, nodeApiError, type Failure } from './errors';
import { buildLoadOptions } from './loadOptions';
import { findOperation, isConnectionInput, manifest, type Operation } from './manifest';
import { ADDITIONAL_FIELDS, buildProperties, isTopLevel, SPACE } from './properties';

// The Elastic Security node of the WebAssembly component: its form is drawn from the
// component's manifest, and every item runs one operation of the component.
export class ElasticSecurityWasm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Elastic Security (Wasm)',
		name: 'elasticSecurityWasm',
		icon: 'file:elasticSecurity.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: manifest.description,
		defaults: { name: 'Elastic Security (Wasm)' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: buildProperties(),
	};

	methods = { loadOptions: buildLoadOptions() };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const component = await loadComponent();
		const conn = connectionOf(await this.getCredentials(CREDENTIAL));
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const name = this.getNodeParameter('operation', i) as string;
			const op = findOperation(name);
			if (!op) throw new NodeOperationError(this.getNode(), `Unknown operation ${name}`, { itemIndex: i });
			try {
				out.push({ json: runOperation(component, conn, op, itemInput(this, op, i)), pairedItem: { item: i } });
			} catch (error) {
				const failure = failureOf(error, op);
				if (!failure) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
				if (!this.continueOnFail()) throw nodeApiError(this.getNode(), failure, i);
				out.push({ json: errorJson(this.getNode(), failure), pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

/** The error item. n8n's "Continue (using error output)" routes an item there only when
 * its json has no keys but `error`, `message` and `details` (an item's `error` would make
 * n8n replace its json), so that output gets the contract's fields under `details`. */
function errorJson(node: INode, failure: Failure): IDataObject {
	const item = errorItem(failure);
	return node.onError === 'continueErrorOutput' ? { error: failure.message, details: item } : item;
}

/** The item's contract-keyed input: its top-level parameters, Space, and Additional
 * Fields. A parameter n8n hides (Limit without Return All) is absent. */
function itemInput(ctx: IExecuteFunctions, op: Operation, i: number): IDataObject {
	const additional = ctx.getNodeParameter(ADDITIONAL_FIELDS, i, {}) as IDataObject;
	const input: IDataObject = {};
	for (const spec of op.inputs) {
		if (isConnectionInput(spec)) input[spec.name] = ctx.getNodeParameter(SPACE, i, '') as string;
		else if (isTopLevel(spec)) input[spec.name] = ctx.getNodeParameter(spec.name, i, null) as IDataObject[string];
		else if (spec.name in additional) input[spec.name] = additional[spec.name];
	}
	return input;
}
