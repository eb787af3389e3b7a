// One operation through the component: the contract-keyed input (`Title`, `CaseIds`, ...)
// becomes the WIT call as the manifest places each input, and the WIT result becomes the
// contract-keyed output by the manifest's output tree. Nothing here knows an operation.

import type { IDataObject } from 'n8n-workflow';

import { camel, type Input, type Operation, type Output } from './manifest';

/** The component as jco exports it: one object per WIT interface, functions in camelCase. */
export type Component = Record<string, Record<string, (...args: unknown[]) => unknown>>;

/** WIT `connection`, as jco takes it. */
export interface Connection {
	baseUrl: string;
	auth?: { tag: 'api-key'; val: string } | { tag: 'basic'; val: { username: string; password: string } };
	spaceId?: string;
	[field: string]: unknown;
}

/** A bad input found before calling the component: reported like the component's own (-1). */
export class InvalidInput extends Error {}

/** Runs `op` with a contract-keyed input and returns its contract-keyed output. Throws
 * jco's ComponentError (the WIT `error`) or InvalidInput. */
export function runOperation(
	component: Component,
	conn: Connection,
	op: Operation,
	input: IDataObject,
): IDataObject {
	const { args, connection } = witArguments(op, input);
	const fn = component[camel(op.wit.interface)]?.[camel(op.wit.function)];
	// Only a manifest and a component of different versions can miss a function.
	if (!fn) throw new Error(`the component has no function ${op.wit.interface}.${op.wit.function}`);
	const result = fn({ ...conn, ...connection }, ...args);
	return contractOutput(op, result);
}

/** The WIT params after `conn`, in order, and the connection fields set by inputs. */
function witArguments(op: Operation, input: IDataObject) {
	const connection: IDataObject = {};
	const records = new Map<string, Record<string, unknown>>();
	const direct = new Map<string, unknown>();
	for (const spec of op.inputs) {
		const value = witValue(spec, input[spec.name]);
		if (spec.wit.connection !== undefined) {
			// An empty space leaves the credential's one in place.
			if (value !== undefined && value !== '') connection[camel(spec.wit.connection)] = value;
		} else if (spec.wit.param !== undefined && spec.wit.field !== undefined) {
			const record = records.get(spec.wit.param) ?? {};
			record[camel(spec.wit.field)] = value;
			records.set(spec.wit.param, record);
		} else if (spec.wit.param !== undefined) {
			direct.set(spec.wit.param, value);
		}
	}
	const args = op.wit.params.map((p) => (records.has(p) ? records.get(p) : direct.get(p)));
	return { args, connection };
}

/** One input's value as the WIT type wants it; `undefined` for an absent `option`. */
function witValue(spec: Input, raw: unknown): unknown {
	if (raw === undefined || raw === null) {
		if (spec.required) throw new InvalidInput(`${spec.name}: required`);
		// Absent: an empty list or false where the WIT has no option.
		if (spec.wit.type.startsWith('list<')) return [];
		if (spec.wit.type === 'bool') return false;
		return undefined;
	}
	switch (spec.type) {
		case 'string':
			return String(raw);
		case 'integer':
			return integer(spec, raw);
		case 'boolean':
			if (typeof raw === 'boolean') return raw;
			if (raw === 'true' || raw === 'false') return raw === 'true';
			throw new InvalidInput(`${spec.name}: must be true or false`);
		case 'enum':
			return enumWit(spec.name, spec.options, raw);
		case 'list':
			return list(raw).map((item) =>
				spec.items?.type === 'enum' ? enumWit(spec.name, spec.items.options, item) : item,
			);
		case 'json':
			return jsonText(spec.name, raw);
		default:
			return raw;
	}
}

function integer(spec: Input, raw: unknown): number {
	const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
	// jco wraps a negative or oversized u32 silently, so the limits are checked here.
	const min = spec.minimum ?? (spec.wit.type.includes('u32') ? 0 : Number.MIN_SAFE_INTEGER);
	const max = spec.maximum ?? (spec.wit.type.includes('u32') ? 4294967295 : Number.MAX_SAFE_INTEGER);
	if (!Number.isInteger(n) || n < min || n > max) {
		throw new InvalidInput(`${spec.name}: must be a whole number from ${min} to ${max}, not ${String(raw)}`);
	}
	return n;
}

/** The contract's enum value (or the WIT's spelling of it) as the WIT case. */
function enumWit(name: string, options: Input['options'], raw: unknown): string {
	const value = String(raw).trim();
	const option = (options ?? []).find((o) => o.value === value || o.wit === value);
	if (!option) {
		const allowed = (options ?? []).map((o) => o.value).join(', ');
		throw new InvalidInput(`${name}: must be one of ${allowed}, not ${JSON.stringify(value)}`);
	}
	return option.wit;
}

/** A list given as an array or as comma-separated text (how a string field holds it). */
function list(raw: unknown): string[] {
	const items = Array.isArray(raw) ? raw : String(raw).split(',');
	return items.map((item) => String(item).trim()).filter((item) => item !== '');
}

/** The WIT takes JSON text: an object is written out; text must hold a JSON object. */
function jsonText(name: string, raw: unknown): string {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (e) {
			throw new InvalidInput(`${name}: not JSON (${(e as Error).message})`);
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new InvalidInput(`${name}: must be a JSON object`);
	}
	return JSON.stringify(value);
}

/** The WIT result as the contract's output, with the delete's partial failure message. */
function contractOutput(op: Operation, result: unknown): IDataObject {
	const out = objectOf(op.outputs, result);
	const partial = op.partialFailure;
	if (partial && Number(out[partial.count]) > 0) {
		// `{}` stands for the count; `{Field}` for another output field.
		out.ErrorMessage = partial.message.replace(/\{(\w*)\}/g, (_, key: string) => String(out[key || partial.count]));
	}
	return out;
}

function objectOf(fields: Output[], value: unknown): IDataObject {
	const out: IDataObject = {};
	for (const field of fields) {
		const converted = 'const' in field ? field.const : field.wit ? valueOf(field, at(value, field.wit)) : notFromWit(field);
		if (field.omitEmpty && (converted === null || (Array.isArray(converted) && converted.length === 0))) continue;
		out[field.name] = converted as IDataObject[string];
	}
	return out;
}

/** A field the WIT result does not hold (delete-case's ErrorMessage): empty until the
 * node fills it. */
function notFromWit(field: Output): unknown {
	return field.type === 'string' ? '' : null;
}

function valueOf(spec: Output, value: unknown): unknown {
	if (value === undefined || value === null) return null; // an absent WIT option
	switch (spec.type) {
		case 'enum':
			return spec.options?.find((o) => o.wit === value)?.value ?? value;
		case 'array':
			if (!Array.isArray(value)) return null;
			return value.map((item) => (spec.items ? valueOf(spec.items, at(item, spec.items.wit ?? [])) : item));
		case 'object':
			return spec.fields ? objectOf(spec.fields, value) : value;
		case 'json':
			if (typeof value !== 'string') return value;
			try {
				return JSON.parse(value) as unknown;
			} catch {
				return value; // not JSON after all: the text as Kibana gave it
			}
		default:
			// jco gives 64-bit integers as BigInt, which n8n's JSON cannot hold.
			return typeof value === 'bigint' ? Number(value) : value;
	}
}

/** Follows a kebab-case path through jco's camelCase records. */
function at(value: unknown, path: string[]): unknown {
	let v = value;
	for (const key of path) {
		if (typeof v !== 'object' || v === null) return undefined;
		v = (v as Record<string, unknown>)[camel(key)];
	}
	return v;
}
