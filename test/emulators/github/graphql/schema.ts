// GitHub's real GraphQL schema (@octokit/graphql-schema), built once per
// process with the emulator's resolvers attached.
import { buildSchema, isObjectType } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { schema as github } from '@octokit/graphql-schema';
import { resolvers } from './resolvers.ts';

let cached: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (cached) return cached;
  // The published SDL repeats a field definition; skip SDL validation (GitHub's own schema is valid).
  const schema = buildSchema(github.idl, { assumeValidSDL: true });
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`Schema has no object type ${typeName}`);
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      if (!defs[fieldName]) throw new Error(`Schema has no field ${typeName}.${fieldName}`);
      defs[fieldName].resolve = resolve as never;
    }
  }
  cached = schema;
  return schema;
}

