import type { KeyboardEvent } from 'react';

/** Arrow/j/k/Page/Home/End movement shared by every keyboard-driven list. */
export function listMoveFor(e: KeyboardEvent, count: number): number | null {
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return 1;
    case 'ArrowUp':
    case 'k':
      return -1;
    case 'PageDown':
      return 40;
    case 'PageUp':
      return -40;
    case 'Home':
      return -count;
    case 'End':
      return count;
    default:
      return null;
  }
}
