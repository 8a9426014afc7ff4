// Test helper: validators for GitHub's published REST OpenAPI schemas
// (@octokit/openapi), compiled on demand from the non-dereferenced document.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** OpenAPI 3.0 `nullable` → JSON Schema Ajv accepts everywhere (also beside allOf/$ref and enum). */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'example' || k === 'examples' ? v : nullableToJsonSchema(v);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return { anyOf: [out, { type: 'null' }] };
}

function instance(): Ajv {
  if (ajv) return ajv;
  const require = createRequire(import.meta.url);
  const doc = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as { components: unknown };
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: nullableToJsonSchema(doc.components) });
  return ajv;
}

/** Validator for `#/components/schemas/<name>`; `array` wraps it as a list. */
export function schemaValidator(name: string, array = false): ValidateFunction {
  const key = `${name}|${array}`;
  let v = validators.get(key);
  if (!v) {
    const ref = { $ref: `openapi#/components/schemas/${name}` };
    v = instance().compile(array ? { type: 'array', items: ref } : ref);
    validators.set(key, v);
  }
  return v;
}

/** Human-readable validation errors (empty when valid). */
export function openapiErrors(name: string, data: unknown, array = false): string[] {
  const v = schemaValidator(name, array);
  return v(data) ? [] : (v.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
