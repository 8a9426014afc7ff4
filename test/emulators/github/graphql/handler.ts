// POST /graphql: parse + validate (cached per query text), static analysis
// (pagination, node limit, cost), then execution against the dataset.
import { execute, getVariableValues, GraphQLError, Kind, parse, validate, visit } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode } from 'graphql';
import { analyzeQuery, findOperation } from './cost.ts';
import type { CostAnalysis } from './cost.ts';
import { formatError } from './errors.ts';
import { fastExecute } from './fast-execute.ts';
import type { GitHubErrorJson } from './errors.ts';
import { fieldResolver, typeResolver } from './resolvers.ts';
import type { GqlContext } from './resolvers.ts';
import { githubSchema } from './schema.ts';
import { returnedNodes } from '../returned-nodes.ts';

export interface PreparedQuery {
  document: DocumentNode;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  analysis: CostAnalysis;
}

export type Prepared = { ok: true; query: PreparedQuery } | { ok: false; status: number; body: unknown };

const documents = new Map<string, DocumentNode | GitHubErrorJson[]>();
const DOCUMENT_CACHE = 500;

function compile(source: string): DocumentNode | GitHubErrorJson[] {
  const hit = documents.get(source);
  if (hit) return hit;
  let out: DocumentNode | GitHubErrorJson[];
  try {
    const document = parse(source);
    const errors = validate(githubSchema(), document);
    out = errors.length ? errors.map(formatError) : document;
  } catch (e) {
    out = [formatError(e instanceof GraphQLError ? e : new GraphQLError(String(e)))];
  }
  if (documents.size >= DOCUMENT_CACHE) documents.delete(documents.keys().next().value!);
  documents.set(source, out);
  return out;
}

export function prepareGraphQL(body: unknown, maxNodes: number): Prepared {
  const b = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof b.query !== 'string') {
    return { ok: false, status: 200, body: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] } };
  }
  const compiled = compile(b.query);
  if (Array.isArray(compiled)) return { ok: false, status: 200, body: { errors: compiled } };
  const variables = b.variables && typeof b.variables === 'object' ? (b.variables as Record<string, unknown>) : undefined;
  const operationName = typeof b.operationName === 'string' ? b.operationName : undefined;
  const analysis = analyzeQuery(githubSchema(), compiled, variables, operationName, maxNodes);
  if (analysis.errors.length) return { ok: false, status: 200, body: { errors: analysis.errors } };
  return { ok: true, query: { document: compiled, variables, operationName, analysis } };
}

interface DocumentInfo {
  fragments: Map<string, FragmentDefinitionNode>;
  introspection: boolean;
}

const infos = new WeakMap<DocumentNode, DocumentInfo>();

function documentInfo(doc: DocumentNode): DocumentInfo {
  let info = infos.get(doc);
  if (!info) {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    let introspection = false;
    visit(doc, { Field: (node) => void (introspection ||= node.name.value === '__schema' || node.name.value === '__type') });
    info = { fragments, introspection };
    infos.set(doc, info);
  }
  return info;
}

/** A response: its JSON text and the items it returns under `data` (what the per-item latency charges). */
export interface GraphQLAnswer {
  text: string;
  nodes: number;
}

/** Executes a prepared query and returns the response JSON text. */
export function executeGraphQL(query: PreparedQuery, ctx: GqlContext, engine: 'fast' | 'graphql-js' = 'fast'): GraphQLAnswer {
  const schema = githubSchema();
  const op = findOperation(query.document, query.operationName);
  const info = documentInfo(query.document);
  if (engine === 'fast' && op?.operation === 'query' && !info.introspection) {
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], query.variables ?? {});
    if (coerced.coerced) return fastExecute(schema, op, info.fragments, coerced.coerced, ctx);
  }
  // Introspection, variable errors and anything unusual: graphql-js reference execution.
  const result = execute({
    schema, document: query.document, variableValues: query.variables, operationName: query.operationName,
    contextValue: ctx, fieldResolver, typeResolver,
  });
  if (result instanceof Promise) throw new Error('GraphQL resolvers must be synchronous');
  const out: { data?: unknown; errors?: GitHubErrorJson[] } = { data: result.data ?? null };
  if (result.errors?.length) out.errors = result.errors.map(formatError);
  return { text: JSON.stringify(out), nodes: returnedNodes(out.data) };
}
