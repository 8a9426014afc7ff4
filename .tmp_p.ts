import { generateDataset } from './test/emulators/github/dataset.ts';
for (let i = 0; i < 2; i++) {
let t = performance.now();
generateDataset({ seed: 1, repos: [{ owner: 'acme', name: 'big', pullRequests: 5000, issues: 2000, avgReviews: 3, avgReviewComments: 8, avgIssueComments: 8, avgFiles: 12, heavyPullRequests: 5 }] });
console.log('gen ms', performance.now() - t);
}
