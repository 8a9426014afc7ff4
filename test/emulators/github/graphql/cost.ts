// Static analysis GitHub runs before executing a query: pagination arguments
// on every connection, the 500,000-node limit, and the point cost
// (connection requests / 100, rounded, minimum 1).
import {
  getArgumentValues, getNamedType, getVariableValues, isInterfaceType, isObjectType, Kind,
} from 'graphql';
import type {
  DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLField, GraphQLNamedType, GraphQLSchema,
  OperationDefinitionNode, SelectionSetNode,
} from 'graphql';
import { formatError } from './errors.ts';
import type { GitHubErrorJson } from './errors.ts';

export interface CostAnalysis {
  requests: number; // connection requests assuming every page is full
  nodes: number; // maximum nodes the query could return
  cost: number; // rate-limit points
  dryRun: boolean; // rateLimit(dryRun: true) was requested
  errors: GitHubErrorJson[];
}

export const MAX_PAGE = 100;

function location(node: FieldNode): Array<{ line: number; column: number }> | undefined {
  const loc = node.loc;
  if (!loc) return undefined;
  const before = loc.source.body.slice(0, loc.start).split('\n');
  return [{ line: before.length, column: before[before.length - 1].length + 1 }];
}

export function findOperation(doc: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}

export function analyzeQuery(schema: GraphQLSchema, doc: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined, maxNodes: number): CostAnalysis {
  const result: CostAnalysis = { requests: 0, nodes: 0, cost: 1, dryRun: false, errors: [] };
  const op = findOperation(doc, operationName);
  if (!op) return result;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) {
    result.errors = coerced.errors.map(formatError);
    return result;
  }
  const vars = coerced.coerced;
  const root = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return result;

  const args = (def: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> => {
    try {
      return getArgumentValues(def, node, vars);
    } catch {
      return {}; // invalid arguments are reported by execution
    }
  };

  const visit = (set: SelectionSetNode | undefined, type: GraphQLNamedType, mult: number, path: string[]): void => {
    if (!set || !(isObjectType(type) || isInterfaceType(type))) return visitAbstract(set, type, mult, path);
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) visitField(sel, type.getFields()[sel.name.value], mult, path);
      else visitFragment(sel.kind === Kind.INLINE_FRAGMENT ? sel.typeCondition?.name.value : fragments.get(sel.name.value)?.typeCondition.name.value,
        sel.kind === Kind.INLINE_FRAGMENT ? sel.selectionSet : fragments.get(sel.name.value)?.selectionSet, type, mult, path);
    }
  };
  // Unions only allow fragments (and __typename).
  const visitAbstract = (set: SelectionSetNode | undefined, type: GraphQLNamedType, mult: number, path: string[]): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.INLINE_FRAGMENT) visitFragment(sel.typeCondition?.name.value, sel.selectionSet, type, mult, path);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        visitFragment(f?.typeCondition.name.value, f?.selectionSet, type, mult, path);
      }
    }
  };
  const visitFragment = (typeName: string | undefined, set: SelectionSetNode | undefined, parent: GraphQLNamedType, mult: number, path: string[]): void => {
    const t = typeName ? schema.getType(typeName) : parent;
    if (t) visit(set, t, mult, path);
  };
  const visitField = (node: FieldNode, def: GraphQLField<unknown, unknown> | undefined, mult: number, parentPath: string[]): void => {
    if (!def) return; // __typename and introspection
    const path = [...parentPath, node.alias?.value ?? node.name.value];
    const named = getNamedType(def.type);
    const a = args(def, node);
    if (def.name === 'rateLimit' && a.dryRun === true) result.dryRun = true;
    if (def.name === 'nodes' && Array.isArray(a.ids)) {
      if (a.ids.length > MAX_PAGE) {
        result.errors.push({ type: 'ARGUMENT_LIMIT', path, locations: location(node), message: `You may not provide more than ${MAX_PAGE} node ids; you provided ${a.ids.length}.` });
      }
      return visit(node.selectionSet, named, mult * Math.max(1, a.ids.length), path);
    }
    if (!named.name.endsWith('Connection') || !def.args.some((x) => x.name === 'first')) {
      return visit(node.selectionSet, named, mult, path);
    }
    const first = a.first as number | undefined;
    const last = a.last as number | undefined;
    const err = (type: string, message: string): void => void result.errors.push({ type, path, locations: location(node), message });
    const conn = def.name;
    if (first == null && last == null) {
      // GitHub demands boundaries only of connections that return items: a bare
      // `pullRequests { totalCount }` is accepted (and counted as one request).
      if (!selectsItems(node.selectionSet)) {
        result.requests += mult;
        return;
      }
      return err('MISSING_PAGINATION_BOUNDARIES', `You must provide a \`first\` or \`last\` value to properly paginate the \`${conn}\` connection.`);
    }
    if (first != null && last != null) return err('INVALID_PAGINATION', `Passing both \`first\` and \`last\` to paginate the \`${conn}\` connection is not supported.`);
    const n = (first ?? last)!;
    const which = first != null ? 'first' : 'last';
    if (n < 0) return err('INVALID_PAGINATION', `\`${which}\` on the \`${conn}\` connection cannot be less than zero.`);
    if (n > MAX_PAGE) return err('EXCESSIVE_PAGINATION', `Requesting ${n} records on the \`${conn}\` connection exceeds the \`${which}\` limit of ${MAX_PAGE} records.`);
    result.requests += mult;
    result.nodes += mult * n;
    visit(node.selectionSet, named, mult * n, path);
  };

  /** Whether a connection's selection reaches `nodes` or `edges` (through fragments too). */
  const selectsItems = (set: SelectionSetNode | undefined, seen = new Set<string>()): boolean => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value === 'nodes' || sel.name.value === 'edges') return true;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (selectsItems(sel.selectionSet, seen)) return true;
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        if (selectsItems(fragments.get(sel.name.value)?.selectionSet, seen)) return true;
      }
    }
    return false;
  };

  visit(op.selectionSet, root, 1, []);
  result.cost = Math.max(1, Math.round(result.requests / 100));
  if (result.errors.length === 0 && result.nodes > maxNodes) {
    result.errors.push({
      type: 'MAX_NODE_LIMIT_EXCEEDED',
      message: `This query requests up to ${result.nodes.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${maxNodes.toLocaleString('en-US')}.`,
    });
  }
  return result;
}
