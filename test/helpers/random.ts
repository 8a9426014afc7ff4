/** The project's seeded PRNG for test data and benchmarks; same seed → same stream. */
export { mulberry32 as rng } from '../../src/shared/random.ts';
