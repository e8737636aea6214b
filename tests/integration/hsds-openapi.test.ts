/**
 * The OpenAPI definition of the HSDS API, checked by two tools someone else wrote:
 * swagger-parser validates it against the OpenAPI 3.1 schema with every `$ref` resolved (the
 * HSDS schemas it names are read from `data/hsds/schema/`, never from the network), and Redocly
 * lints it with its recommended rules (licence URL, a 4XX answer for every operation, security
 * declared, parameters and operation ids well-formed …). Redocly's `struct` rule rejects the
 * Frictionless keywords (`constraints`, `datapackage_type` …) with which HSDS annotates its object
 * schemas, so those are linted as plain objects: they are the specification's, not ours.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { HsdsRequestError, parseHsdsQuery } from '../../src/lib/server/directory/hsds/api';
import { hsdsOpenApi } from '../../src/lib/server/directory/hsds/openapi';

/** Where the HSDS definition's `$ref`s point. */
const HSDS_BASE = 'https://raw.githubusercontent.com/openreferral/specification/3.0/schema/';
const ORIGIN = 'https://wegweiser.anlaufstelle.de';

type Doc = {
	info: { license: { name: string; url?: string } };
	paths: Record<string, { get: { parameters?: { $ref?: string; name?: string }[]; responses: Record<string, unknown> } }>;
	components: { schemas: Record<string, object> };
};

/** The local copy of an HSDS schema (the compiled full schemas are the base ones plus nesting). */
function localSchema(url: string): string {
	const rel = url.slice(HSDS_BASE.length);
	const file = path.resolve('data/hsds/schema', rel);
	return readFileSync(existsSync(file) ? file : path.resolve('data/hsds/schema', path.basename(rel)), 'utf8');
}

/** The document with the HSDS object schemas it refers to replaced by plain objects. */
function withoutHsdsSchemas(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(withoutHsdsSchemas);
	if (!v || typeof v !== 'object') return v;
	const ref = (v as { $ref?: unknown }).$ref;
	if (typeof ref === 'string' && ref.startsWith(HSDS_BASE)) return { type: 'object', description: ref };
	return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutHsdsSchemas(x)]));
}

describe('HSDS OpenAPI definition', () => {
	const doc = hsdsOpenApi(ORIGIN) as unknown as Doc;

	it('is valid OpenAPI 3.1 for swagger-parser, with every reference resolved offline', async () => {
		const resolve = {
			http: false as const,
			hsds: { order: 1, canRead: (f: { url: string }) => f.url.startsWith(HSDS_BASE), read: (f: { url: string }) => localSchema(f.url) }
		};
		await expect(SwaggerParser.validate(structuredClone(doc) as never, { resolve } as never)).resolves.toBeTruthy();
	});

	it('passes Redocly’s recommended rules without a warning', async () => {
		const config = await createConfig({ extends: ['recommended'] });
		const problems = await lintFromString({ source: JSON.stringify(withoutHsdsSchemas(doc)), absoluteRef: `${ORIGIN}/api/hsds/openapi.json`, config });
		expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
	});

	it('declares the licence URL, lang and municipality, and the 400 and 404 answers', async () => {
		expect(doc.info.license.url).toBe('https://creativecommons.org/licenses/by-sa/4.0/');
		const refs = (op: Doc['paths'][string]['get']) => (op.parameters ?? []).map((p) => p.$ref ?? p.name);
		for (const [p, { get }] of Object.entries(doc.paths)) {
			expect(get.responses['400'], p).toEqual({ $ref: '#/components/responses/BadRequest' });
			if (p === '/') continue;
			expect(refs(get), p).toContain('#/components/parameters/lang');
			if (p.endsWith('{id}')) {
				expect(get.responses['404'], p).toEqual({ $ref: '#/components/responses/NotFound' });
				expect(refs(get), p).not.toContain('#/components/parameters/municipality');
			} else expect(refs(get), p).toContain('#/components/parameters/municipality');
		}
		// The declared error body is what the API answers (http.ts: `{ error, parameter }`).
		const error = new Ajv({ strict: false }).compile(doc.components.schemas.Error);
		const refused = (() => {
			try {
				parseHsdsQuery(new URLSearchParams('lang=%%%'), null);
			} catch (e) {
				return e as HsdsRequestError;
			}
		})()!;
		expect(refused).toBeInstanceOf(HsdsRequestError);
		expect(error({ error: refused.message, parameter: refused.parameter })).toBe(true);
		expect(error({ parameter: 'page' })).toBe(false);
	});
});
