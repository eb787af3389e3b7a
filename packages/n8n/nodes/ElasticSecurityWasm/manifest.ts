// The node manifest that ships in the component's npm package: every operation with its
// inputs (contract names, labels, types, defaults, help, where each goes in the WIT call)
// and its outputs (a tree from the WIT result to the contract's keys). The node is drawn
// and run from it alone, so no operation or field is listed in this package.

/** An enum's choice: `value` is the contract's (`securitySolution`), `wit` the WIT case. */
export interface EnumOption {
	value: string;
	wit: string;
	label?: string;
}

/** Where a picker's choices come from: run `operation`, read the list `output`. */
export interface Suggest {
	operation: string;
	output: string;
	/** For lists of objects: the field giving each choice's value and its label. */
	value?: string;
	label?: string;
}

export type InputType = 'string' | 'integer' | 'boolean' | 'enum' | 'list' | 'json';

export interface Input {
	name: string;
	label?: string;
	type: InputType;
	required: boolean;
	help?: string;
	default?: unknown;
	options?: EnumOption[];
	items?: { type: 'string' | 'enum'; options?: EnumOption[] };
	minimum?: number;
	maximum?: number;
	maxLength?: number;
	suggest?: Suggest;
	/** A field of a record param, a param of its own, or a field of the connection. */
	wit: { param?: string; field?: string; connection?: string; type: string };
}

export interface Output {
	name: string;
	type: string;
	/** The path into the WIT result, kebab-case; `[]` is the value itself; none: a field
	 * the node fills (ErrorMessage of delete-case). */
	wit?: string[];
	/** A value the output always has (StatusCode 200, ErrorMessage ""). */
	const?: unknown;
	options?: EnumOption[];
	omitEmpty?: boolean;
	/** For an object: its fields; for an array: what each element is. */
	fields?: Output[];
	items?: Output;
}

export interface Operation {
	name: string;
	resource: string;
	label: string;
	description: string;
	wit: { interface: string; function: string; params: string[] };
	inputs: Input[];
	outputs: Output[];
	/** delete-case: the output counts failures; `message` says how many (`{}`: the count). */
	partialFailure?: { count: string; message: string };
}

export interface Manifest {
	manifestVersion: number;
	displayName: string;
	description: string;
	resources: Array<{ value: string; label: string }>;
	operations: Operation[];
}

// Read synchronously at load: n8n asks for the node's description before anything runs,
// and a JSON file (unlike the component's ES module) can be required from CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const manifest = require('@elastic-security-wasm/component/elastic-security.node.json') as Manifest;

export function findOperation(name: string): Operation | undefined {
	return manifest.operations.find((op) => op.name === name);
}

/** The input that goes into the connection rather than into a param (SpaceId). */
export function isConnectionInput(input: Input): boolean {
	return input.wit.connection !== undefined;
}

/** `create-case` -> `createCase`, the way jco names WIT functions, fields and interfaces. */
export function camel(kebab: string): string {
	return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
