// The rules live in src/shared so the renderer validates step 1 of the wizard with the same code.
export { parseRepoName, type RepoName } from '../../shared/repo-name.ts';
