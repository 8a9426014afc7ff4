import { OpsError } from './errors.ts';

export interface RepoName {
  owner: string;
  name: string;
  fullName: string;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Accepts `owner/name`, or a GitHub URL of a repository, and validates both parts by
 * GitHub's own rules; the message says exactly what is wrong.
 */
export function parseRepoName(input: string): RepoName {
  let raw = input.trim();
  const url = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s?#]+)/i.exec(raw);
  if (url) raw = `${url[1]}/${url[2]!.replace(/\.git$/i, '')}`;
  const parts = raw.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new OpsError('invalid_input', `"${input}" is not a repository name: use owner/name, e.g. octocat/hello-world`);
  const [owner, name] = parts as [string, string];
  if (!OWNER.test(owner)) throw new OpsError('invalid_input', `"${owner}" is not a valid GitHub owner: 1–39 letters, digits or single hyphens, not starting or ending with a hyphen`);
  if (!NAME.test(name) || name === '.' || name === '..') throw new OpsError('invalid_input', `"${name}" is not a valid repository name: 1–100 letters, digits, ".", "-" or "_"`);
  return { owner, name, fullName: `${owner}/${name}` };
}

/** The message for a name that is not valid, or null: for forms that check as the operator types. */
export function repoNameProblem(input: string): string | null {
  if (!input.trim()) return null;
  try {
    parseRepoName(input);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
