/** Wrong arguments: exit code 2 and the command's usage. */
export class UsageError extends Error {}
