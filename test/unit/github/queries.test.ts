import { schema as githubSchema } from '@octokit/graphql-schema';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMIT_PAGE_QUERY, DEFAULT_NESTED, followUpQuery, issuePageQuery, ISSUE_SIZES_QUERY, LATEST_NUMBERS_QUERY, pullRequestPageQuery, pullRequestSizesQuery, RELEASE_PAGE_QUERY, REPOSITORY_TOTALS_QUERY, sampleItemsQuery, WINDOW_COUNTS_QUERY } from '../../../src/main/github/queries.ts';
import { parseRepoName } from '../../../src/main/github/repo-name.ts';

let schema: GraphQLSchema;
beforeAll(() => {
  // The published SDL currently repeats a field: build it without SDL validation.
  schema = buildSchema(githubSchema.idl, { assumeValidSDL: true });
});

const errorsOf = (q: string) => validate(schema, parse(q)).map((e) => e.message);

describe('the sync’s GraphQL documents', () => {
  it('validate against GitHub’s published schema', () => {
    expect(errorsOf(pullRequestPageQuery(DEFAULT_NESTED))).toEqual([]);
    expect(errorsOf(issuePageQuery(DEFAULT_NESTED))).toEqual([]);
    expect(errorsOf(REPOSITORY_TOTALS_QUERY)).toEqual([]);
    expect(errorsOf(WINDOW_COUNTS_QUERY)).toEqual([]);
    expect(errorsOf(COMMIT_PAGE_QUERY)).toEqual([]);
    expect(errorsOf(RELEASE_PAGE_QUERY)).toEqual([]);
    // The estimate's scans and sample.
    expect(errorsOf(pullRequestSizesQuery(DEFAULT_NESTED))).toEqual([]);
    expect(errorsOf(ISSUE_SIZES_QUERY)).toEqual([]);
    expect(errorsOf(LATEST_NUMBERS_QUERY)).toEqual([]);
    expect(errorsOf(sampleItemsQuery([1, 7, 12345], DEFAULT_NESTED))).toEqual([]);
    const kinds = ['pr.reviews', 'pr.comments', 'pr.files', 'pr.labels', 'issue.comments', 'issue.labels', 'review.comments'] as const;
    expect(errorsOf(followUpQuery(kinds.map((kind, i) => ({ kind, nodeId: `N${i}`, after: `c${i}` }))).query)).toEqual([]);
  });

  it('the validator really rejects a wrong field (the test can fail)', () => {
    expect(errorsOf('query { repository(owner: "a", name: "b") { pullRequests(first: 1) { nodes { noSuchField } } } }')).not.toEqual([]);
  });

  it('stay within GitHub’s node limit and first/last bounds', () => {
    const n = DEFAULT_NESTED;
    const nodes = 100 * (1 + n.labels + n.reviews * (1 + n.reviewComments) + n.comments + n.files);
    expect(nodes).toBeLessThan(500_000);
    for (const v of Object.values(n)) expect(v).toBeLessThanOrEqual(100);
  });
});

describe('repository names', () => {
  it('accepts owner/name and GitHub URLs', () => {
    expect(parseRepoName(' octo/widgets ')).toEqual({ owner: 'octo', name: 'widgets', fullName: 'octo/widgets' });
    expect(parseRepoName('https://github.com/bdougie/contributor.info').fullName).toBe('bdougie/contributor.info');
    expect(parseRepoName('github.com/a-b/c_d.git').fullName).toBe('a-b/c_d');
  });

  it.each([
    ['', 'is not a repository name'],
    ['octo', 'is not a repository name'],
    ['octo/widgets/extra', 'is not a repository name'],
    ['-octo/widgets', 'is not a valid GitHub owner'],
    ['oc--to/widgets', 'is not a valid GitHub owner'],
    ['o'.repeat(40) + '/x', 'is not a valid GitHub owner'],
    ['octo/wid gets', 'is not a valid repository name'],
    ['octo/..', 'is not a valid repository name'],
    ['octo/' + 'x'.repeat(101), 'is not a valid repository name'],
    ["octo/x'; DROP TABLE repositories;--", 'is not a valid repository name'],
  ])('rejects %j', (input, message) => {
    expect(() => parseRepoName(input)).toThrow(message);
  });
});
