// A lean GraphQL executor for validated queries that writes the JSON response
// text directly. It follows graphql-js semantics (field collection with
// fragments and @skip/@include, null bubbling, located errors) but skips its
// per-field bookkeeping, which dominates when a page returns ~10^4 fields.
// fast-execute.test.ts checks it against graphql-js `execute` result for result.
import {
  getArgumentValues, getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, isAbstractType, isLeafType, isListType,
  isNonNullType, isObjectType, isScalarType, Kind, locatedError,
} from 'graphql';
import type {
  FieldNode, FragmentDefinitionNode, GraphQLAbstractType, GraphQLError, GraphQLField, GraphQLLeafType, GraphQLObjectType,
  GraphQLOutputType, GraphQLResolveInfo, GraphQLSchema, OperationDefinitionNode, SelectionSetNode,
} from 'graphql';
import { formatError } from './errors.ts';
import type { GqlContext } from './resolvers.ts';
import { fieldResolver, typeResolver } from './resolvers.ts';

interface Path {
  prev: Path | undefined;
  key: string | number;
}

type Fields = Map<string, FieldNode[]>;

interface Exec {
  schema: GraphQLSchema;
  ctx: GqlContext;
  vars: Record<string, unknown>;
  fragments: Map<string, FragmentDefinitionNode>;
  errors: GraphQLError[];
  args: Map<FieldNode, Record<string, unknown>>;
  collected: Map<GraphQLObjectType, Map<object, Fields>>;
  infos: Map<FieldNode[], GraphQLResolveInfo>;
  /** Objects inside lists written so far (returnedNodes' count, without re-parsing the text). */
  listObjects: number;
}

function pathArray(path: Path | undefined): Array<string | number> {
  const out: Array<string | number> = [];
  for (let p = path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}

function included(ex: Exec, node: { directives?: readonly unknown[] }): boolean {
  if (!node.directives?.length) return true;
  const n = node as FieldNode;
  if (getDirectiveValues(GraphQLSkipDirective, n, ex.vars)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, n, ex.vars)?.if !== false;
}

function conditionMatches(ex: Exec, typeName: string | undefined, type: GraphQLObjectType): boolean {
  if (!typeName || typeName === type.name) return true;
  const cond = ex.schema.getType(typeName);
  return cond !== undefined && isAbstractType(cond) && ex.schema.isSubType(cond, type);
}

function collect(ex: Exec, type: GraphQLObjectType, set: SelectionSetNode, out: Fields, seen: Set<string>): void {
  for (const sel of set.selections) {
    if (!included(ex, sel)) continue;
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      const list = out.get(key);
      if (list) list.push(sel);
      else out.set(key, [sel]);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (conditionMatches(ex, sel.typeCondition?.name.value, type)) collect(ex, type, sel.selectionSet, out, seen);
    } else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const frag = ex.fragments.get(sel.name.value);
      if (frag && conditionMatches(ex, frag.typeCondition.name.value, type)) collect(ex, type, frag.selectionSet, out, seen);
    }
  }
}

/** Fields of `type` selected by `sets`, cached per (type, owner) for this execution. */
function fieldsOf(ex: Exec, type: GraphQLObjectType, owner: object, sets: readonly (SelectionSetNode | undefined)[]): Fields {
  let byOwner = ex.collected.get(type);
  if (!byOwner) ex.collected.set(type, (byOwner = new Map()));
  let fields = byOwner.get(owner);
  if (!fields) {
    fields = new Map();
    const seen = new Set<string>();
    for (const s of sets) if (s) collect(ex, type, s, fields, seen);
    byOwner.set(owner, fields);
  }
  return fields;
}

function infoFor(ex: Exec, parentType: GraphQLObjectType, def: GraphQLField<unknown, unknown>, nodes: FieldNode[]): GraphQLResolveInfo {
  let info = ex.infos.get(nodes);
  if (!info) {
    info = { fieldName: def.name, fieldNodes: nodes, returnType: def.type, parentType, schema: ex.schema, variableValues: ex.vars } as unknown as GraphQLResolveInfo;
    ex.infos.set(nodes, info);
  }
  return info;
}

function execObject(ex: Exec, type: GraphQLObjectType, owner: object, sets: readonly (SelectionSetNode | undefined)[], source: unknown, path: Path | undefined): string {
  const defs = type.getFields();
  let out = '{';
  for (const [key, nodes] of fieldsOf(ex, type, owner, sets)) {
    if (out.length > 1) out += ',';
    const name = nodes[0].name.value;
    out += `"${key}":`;
    if (name === '__typename') {
      out += `"${type.name}"`;
      continue;
    }
    const def = defs[name];
    out += execField(ex, type, def, nodes, source, { prev: path, key });
  }
  return out + '}';
}

function execField(ex: Exec, parentType: GraphQLObjectType, def: GraphQLField<unknown, unknown>, nodes: FieldNode[], source: unknown, path: Path): string {
  const info = infoFor(ex, parentType, def, nodes);
  const counted = ex.listObjects; // a subtree that bubbles to null returns none of its items
  try {
    let args = ex.args.get(nodes[0]);
    if (!args) ex.args.set(nodes[0], (args = getArgumentValues(def, nodes[0], ex.vars)));
    const result = (def.resolve ?? fieldResolver)(source, args, ex.ctx, info);
    return complete(ex, def.type, nodes, info, path, result);
  } catch (raw) {
    const error = locatedError(raw, nodes, pathArray(path));
    if (planOf(def.type).kind === 'nonNull') throw error;
    ex.errors.push(error);
    ex.listObjects = counted;
    return 'null';
  }
}

// graphql-js type predicates are slow in development mode; classify each type once.
type Plan =
  | { kind: 'nonNull'; of: GraphQLOutputType }
  | { kind: 'list'; of: GraphQLOutputType }
  | { kind: 'leaf'; type: GraphQLLeafType; passString: boolean }
  | { kind: 'abstract'; type: GraphQLAbstractType }
  | { kind: 'object'; type: GraphQLObjectType };

const plans = new Map<GraphQLOutputType, Plan>();

function planOf(type: GraphQLOutputType): Plan {
  let plan = plans.get(type);
  if (!plan) {
    if (isNonNullType(type)) plan = { kind: 'nonNull', of: type.ofType };
    else if (isListType(type)) plan = { kind: 'list', of: type.ofType };
    else if (isLeafType(type)) plan = { kind: 'leaf', type, passString: isScalarType(type) && !['Int', 'Float', 'Boolean'].includes(type.name) };
    else if (isAbstractType(type)) plan = { kind: 'abstract', type };
    else plan = { kind: 'object', type: type as GraphQLObjectType };
    plans.set(type, plan);
  }
  return plan;
}

function complete(ex: Exec, type: GraphQLOutputType, nodes: FieldNode[], info: GraphQLResolveInfo, path: Path, result: unknown): string {
  if (result instanceof Error) throw result;
  const plan = planOf(type);
  if (plan.kind === 'nonNull') {
    const out = complete(ex, plan.of, nodes, info, path, result);
    if (out === 'null') throw new Error(`Cannot return null for non-nullable field ${info.parentType.name}.${info.fieldName}.`);
    return out;
  }
  if (result === null || result === undefined) return 'null';
  switch (plan.kind) {
    case 'leaf': {
      // String, ID and GitHub's custom scalars serialize strings unchanged.
      if (plan.passString && typeof result === 'string') return JSON.stringify(result);
      const value = plan.type.serialize(result);
      if (value === null || value === undefined) throw new Error(`Expected \`${plan.type.name}.serialize\` to return non-nullable value.`);
      return JSON.stringify(value);
    }
    case 'list': {
      const itemType = plan.of;
      const items = result as unknown[];
      let out = '[';
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out += ',';
        const itemPath: Path = { prev: path, key: i };
        const counted = ex.listObjects;
        try {
          const item = complete(ex, itemType, nodes, info, itemPath, items[i]);
          if (item.charCodeAt(0) === 123 /* { */ || item.charCodeAt(0) === 91 /* [ */) ex.listObjects++;
          out += item;
        } catch (raw) {
          const error = locatedError(raw, nodes, pathArray(itemPath));
          if (planOf(itemType).kind === 'nonNull') throw error;
          ex.errors.push(error);
          ex.listObjects = counted;
          out += 'null';
        }
      }
      return out + ']';
    }
    case 'abstract': {
      const name = typeResolver(result, ex.ctx, info, plan.type) as string;
      const t = ex.schema.getType(name);
      if (!isObjectType(t) || !ex.schema.isSubType(plan.type, t)) throw new Error(`Runtime Object type "${name}" is not a possible type for "${plan.type.name}".`);
      return execObject(ex, t, nodes, nodes.map((n) => n.selectionSet), result, path);
    }
    default:
      return execObject(ex, plan.type, nodes, nodes.map((n) => n.selectionSet), result, path);
  }
}

/** Executes a validated query operation; returns the JSON response text and the items under `data` (as returnedNodes counts them). */
export function fastExecute(schema: GraphQLSchema, op: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, vars: Record<string, unknown>, ctx: GqlContext): { text: string; nodes: number } {
  const ex: Exec = { schema, ctx, vars, fragments, errors: [], args: new Map(), collected: new Map(), infos: new Map(), listObjects: 0 };
  let data: string;
  try {
    data = execObject(ex, schema.getQueryType()!, op, [op.selectionSet], undefined, undefined);
  } catch (error) {
    ex.errors.push(error as GraphQLError);
    ex.listObjects = 0;
    data = 'null';
  }
  const text = ex.errors.length ? `{"data":${data},"errors":${JSON.stringify(ex.errors.map(formatError))}}` : `{"data":${data}}`;
  return { text, nodes: 1 + ex.listObjects };
}
