export interface Config {
  /** Configuration of the Security Posture plugin. */
  securityPosture?: {};
}
