/**
 * The `security-posture` command line: scan manifests, Terraform plans/states and
 * AWS Config items, print a score with findings (table, JSON, SARIF), gate CI.
 *
 * @packageDocumentation
 */

export { main, processIo } from './main';
export type { CliIo } from './io';
export { buildJsonReport, toJsonFinding } from './report/json';
export type { JsonReport, JsonFinding } from './report/json';
export { buildSarif } from './report/sarif';
export { evaluateGate } from './commands/scan';
