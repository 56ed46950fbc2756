/**
 * The Security Posture engine: canonical resources, normalisers, checks, policies and
 * scoring as plain functions over plain data, shared by the backend, the CLI and the
 * benchmarks. No Backstage imports.
 *
 * @packageDocumentation
 */

export * from './model';
export * from './scorecard';
export * from './policy/pss';
export * from './kubernetes';
export * from './checks';
export * from './scan';
export * from './policy/cel';
export * from './policy/kyverno';
export * from './aws';
