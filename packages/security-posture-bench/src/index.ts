/**
 * Benchmarks of Security Posture for Backstage: a seeded synthetic estate
 * generator and the DESIGN §8 measurements behind `yarn bench`.
 *
 * @packageDocumentation
 */

export * from './estate/generate';
export * from './estate/random';
export { main } from './cli';
