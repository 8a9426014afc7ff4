// V8 flags for every process that runs the core (Electron's utility process, the CLI launcher,
// the test harness). The core parses, flattens and drops a page of JSON at a time; V8 answers
// that allocation pattern by growing the young generation to its machine-dependent maximum
// (≈ 100 MB more on a large host) with no speed gain: measured with bench:sync, a 4 MB
// semi-space keeps the sync's peak RSS ≈ 100 MB lower at the same wall time.
// bin/repo-ops.js repeats this list (it is plain JS that runs before anything is built).
export const CORE_NODE_FLAGS = ['--max-semi-space-size=4'];
