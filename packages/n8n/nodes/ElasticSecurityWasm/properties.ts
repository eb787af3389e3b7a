// The node's form, drawn from the manifest: Resource and Operation dropdowns, then for
// each operation its required inputs at the top, Return All / Limit where it has them,
// Space on every operation, and its other inputs under Additional Fields. Every
// parameter is named after the contract's input (`Title`, `CaseId`, ...), so an item's
// parameters are already the contract-keyed input.

import type { INodePropertyOptions, INodeProperties, NodeParameterValueType } from 'n8n-workflow';

import { isConnectionInput, manifest, type Input, type Operation } from './manifest';

/** Inputs that n8n convention shows at the top: Limit only when Return All is on. */
const RETURN_ALL = 'ReturnAll';
const LIMIT = 'Limit';

/** The parameter that holds an operation's optional inputs. */
export const ADDITIONAL_FIELDS = 'additionalFields';

/** The top-level Space parameter; empty means the credential's default space. */
export const SPACE = 'SpaceId';

/** Where an input is shown in the form. */
export function isTopLevel(input: Input): boolean {
	return input.required || input.name === RETURN_ALL || input.name === LIMIT;
}

/** The loadOptions method that fills a picker, named after the list it reads (getTags). */
export function loadOptionsMethodName(output: string): string {
	return `get${output}`;
}

export function buildProperties(): INodeProperties[] {
	const ops = manifest.operations;
	const show = (op: Operation) => ({ resource: [op.resource], operation: [op.name] });
	const topLevel: INodeProperties[] = [];
	const collections: INodeProperties[] = [];
	for (const op of ops) {
		const inputs = op.inputs.filter((i) => !isConnectionInput(i));
		for (const input of inputs.filter(isTopLevel)) {
			const when = input.name === LIMIT ? { ...show(op), [RETURN_ALL]: [true] } : show(op);
			topLevel.push({ ...field(input), displayOptions: { show: when } });
		}
		const optional = inputs.filter((i) => !isTopLevel(i));
		if (optional.length > 0) {
			collections.push({
				displayName: 'Additional Fields',
				name: ADDITIONAL_FIELDS,
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				displayOptions: { show: show(op) },
				options: optional.map(field).sort(byDisplayName),
			});
		}
	}
	return [resourceProperty(), ...operationProperties(), ...topLevel, spaceProperty(), ...collections];
}

function resourceProperty(): INodeProperties {
	const first = manifest.resources[0]?.value ?? '';
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: manifest.resources.map((r) => ({ name: r.label, value: r.value })),
		default: first,
	};
}

/** One Operation dropdown per resource; the first operation of the manifest is the default. */
function operationProperties(): INodeProperties[] {
	return manifest.resources.map((resource) => {
		const ops = manifest.operations.filter((op) => op.resource === resource.value);
		const first = ops[0]?.name ?? '';
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource.value] } },
			options: ops
				.map((op): INodePropertyOptions => ({
					name: op.label,
					value: op.name,
					action: op.label,
					description: op.description,
				}))
				.sort(byDisplayName),
			default: first,
		};
	});
}

function spaceProperty(): INodeProperties {
	return {
		displayName: 'Space',
		name: SPACE,
		type: 'string',
		default: '',
		description:
			"The ID of the Kibana space to work in (e.g. security). Empty: the credential's default space.",
	};
}

/** One input as an n8n parameter, without where it is shown. */
function field(input: Input): INodeProperties {
	const base = {
		displayName: input.label ?? input.name,
		name: input.name,
		required: input.required || undefined,
		description: input.help,
	};
	const suggest = input.suggest;
	const picker = suggest && {
		loadOptionsMethod: loadOptionsMethodName(suggest.output),
		loadOptionsDependsOn: [SPACE],
	};
	const def = input.default;
	switch (input.type) {
		case 'integer':
			return {
				...base,
				type: 'number',
				default: (def ?? input.minimum ?? 0) as number,
				typeOptions: { minValue: input.minimum, maxValue: input.maximum, numberPrecision: 0 },
			};
		case 'boolean':
			return { ...base, type: 'boolean', default: (def ?? false) as boolean };
		case 'enum': {
			const options = enumOptions(input.options);
			return { ...base, type: 'options', options, default: (def ?? options[0]?.value ?? '') as string };
		}
		case 'json':
			return { ...base, type: 'json', default: typeof def === 'string' ? def : JSON.stringify(def ?? {}) };
		case 'list':
			if (input.items?.type === 'enum') {
				return { ...base, type: 'multiOptions', options: enumOptions(input.items.options), default: listDefault(def) };
			}
			if (picker) {
				// Picks from the tags Kibana already has; new ones can be given by an expression.
				return { ...base, type: 'multiOptions', typeOptions: picker, default: listDefault(def) };
			}
			// A list typed in one field: the node splits it at commas.
			return { ...base, type: 'string', default: listDefault(def).join(', ') };
		default:
			if (picker) return { ...base, type: 'options', typeOptions: picker, default: (def ?? '') as string };
			return { ...base, type: 'string', default: (def ?? '') as NodeParameterValueType };
	}
}

function enumOptions(options: Input['options']): INodePropertyOptions[] {
	return (options ?? []).map((o) => ({ name: o.label ?? o.value, value: o.value }));
}

function listDefault(def: unknown): string[] {
	return Array.isArray(def) ? def.map(String) : [];
}

function byDisplayName(a: { displayName?: string; name: string }, b: { displayName?: string; name: string }) {
	return (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name);
}
