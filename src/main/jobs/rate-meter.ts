// The meter lives with the rest of the progress math (shared with the renderer).
export { RateMeter } from '../../shared/progress.ts';
