/**
 * Reliability and security tests of Security Posture for Backstage that span
 * packages; the harnesses (replicas, load) are exported for the long-running
 * scripts in `bin/`.
 *
 * @packageDocumentation
 */
export {};
