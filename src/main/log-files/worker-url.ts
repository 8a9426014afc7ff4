// Where the index worker's entry lives: the .ts source when running from source (Node's
// type stripping, tests), the bundled log-index-worker.js next to the other out/main files.
export function indexWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./index-worker.ts', import.meta.url)
    : new URL('./log-index-worker.js', import.meta.url);
}
