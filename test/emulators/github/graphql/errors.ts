// Errors carrying GitHub's GraphQL `type` (NOT_FOUND, EXCESSIVE_PAGINATION, …),
// which GitHub puts at the top level of each entry in `errors`.
import type { GraphQLError } from 'graphql';

export class GitHubError extends Error {
  readonly type: string;
  constructor(message: string, type: string) {
    super(message);
    this.type = type;
  }
}

export function notFound(message: string): GitHubError {
  return new GitHubError(message, 'NOT_FOUND');
}

export interface GitHubErrorJson {
  type?: string;
  path?: ReadonlyArray<string | number>;
  locations?: ReadonlyArray<{ line: number; column: number }>;
  message: string;
  extensions?: Record<string, unknown>;
}

export function formatError(e: GraphQLError): GitHubErrorJson {
  const original = e.originalError;
  const out: Partial<GitHubErrorJson> = {};
  if (original instanceof GitHubError) out.type = original.type;
  if (e.path) out.path = e.path;
  if (e.locations) out.locations = e.locations;
  out.message = e.message;
  if (e.extensions && Object.keys(e.extensions).length > 0) out.extensions = e.extensions;
  return out as GitHubErrorJson;
}
