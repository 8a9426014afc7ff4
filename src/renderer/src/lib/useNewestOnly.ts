import { useState } from 'react';
import { newestOnly } from './newest-only.ts';

/** `newestOnly()` kept for the component's life (newest-only.ts: why). */
export function useNewestOnly(): ReturnType<typeof newestOnly> {
  return useState(newestOnly)[0];
}
