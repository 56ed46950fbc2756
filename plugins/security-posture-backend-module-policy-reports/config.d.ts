export interface Config {
  securityPosture?: {
    providers?: {
      /**
       * Findings of other scanners imported from Kubernetes PolicyReports and
       * ClusterPolicyReports (wgpolicyk8s.io/v1alpha2) by the
       * security-posture-backend-module-policy-reports module. The clusters, their
       * credentials, TLS and timeouts are those of
       * securityPosture.providers.kubernetes.clusters.
       */
      policyReports?: {
        /** Set to false to import nothing. Default true (when clusters are configured). */
        enabled?: boolean;
        /** Names of the clusters to import from. Default: every configured cluster. */
        clusters?: string[];
        /**
         * What a `warn` result counts as: `skip` (default; Kyverno writes warn for
         * policies annotated `policies.kyverno.io/scored: "false"`) or `fail`.
         */
        warnAs?: 'fail' | 'skip';
        /** Apply the built-in mapping after your rules. Default true. */
        useDefaultMapping?: boolean;
        /**
         * Your mapping rules, tried in order before the defaults; the first rule
         * whose `match` fits a result decides where it goes.
         */
        mapping?: Array<{
          /**
           * Fields of the result to match: each a pattern or a list of patterns
           * (`*` matches anything, case is ignored). `id` matches the policy or
           * the rule.
           */
          match: {
            source?: string | string[];
            policy?: string | string[];
            rule?: string | string[];
            category?: string | string[];
            severity?: string | string[];
            id?: string | string[];
          };
          /** Scorecard control the results feed (e.g. pod_security_standards). */
          control?: string;
          /** Without a control: the category whose default control the results feed. */
          category?: 'identity_and_access' | 'network' | 'data' | 'compute';
          /** Severity of the findings. Default: the result's own (info counts as low). */
          severity?: 'critical' | 'high' | 'medium' | 'low';
          /** Weight of the generated check inside its control. Default by severity. */
          weight?: number;
          /** One finding per object for all results this rule matches (vulnerability scans). */
          aggregate?: boolean;
          /** What a warn result counts as for this rule. */
          warnAs?: 'fail' | 'skip';
          /** Drop the results this rule matches. */
          ignore?: boolean;
        }>;
      };
    };
  };
}
