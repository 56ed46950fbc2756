/**
 * Security Posture for Backstage: scores, findings and history of every entity's
 * security posture.
 *
 * Exports for apps on the legacy frontend system; the new frontend system plugin is
 * the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export { securityPosturePlugin, EntitySecurityPostureContent } from './plugin';
