export interface Config {
  securityPosture?: {
    providers?: {
      /**
       * SARIF findings import (module
       * `@internal/backstage-plugin-security-posture-backend-module-sarif`): results of
       * tfsec, Trivy, Checkov and other SARIF 2.1.0 producers, read from the files of
       * the entities' `security-posture.backstage.io/sarif` annotation.
       */
      sarif?: {
        /** `false` registers neither the provider nor its checks (default true). */
        enabled?: boolean;
        /**
         * Directories SARIF files of entities registered from local `file:`
         * locations may be read from (default: the manifests provider's
         * `localRoots`; reading local files is off when both are empty).
         */
        localRoots?: string[];
        /** Largest SARIF file read, in bytes (default 20 MiB). */
        maxFileBytes?: number;
        /** Most SARIF files read for one entity (default 50). */
        maxFiles?: number;
        /** Most bytes read for one entity (default 100 MiB). */
        maxTotalBytes?: number;
        /**
         * Rules mapping results onto scorecard controls, tried in order before the
         * built-in defaults; the first match wins. Every condition given must hold.
         */
        mapping?: Array<{
          /**
           * Which results the rule applies to; each field a pattern or a list of
           * patterns (any matches), `*` wildcard, case ignored. Absent fields match
           * everything.
           */
          match: {
            /** `tool.driver.name`: `tfsec`, `Trivy`, `Checkov` … */
            tool?: string | string[];
            /** The rule id: `AVD-AWS-*`, `CKV_K8S_*` … */
            ruleId?: string | string[];
            /** One of the rule's or result's `properties.tags`: `vulnerability`, `CWE-311` … */
            tag?: string | string[];
            /** SARIF level: error, warning, note, none. */
            level?: string | string[];
            /** Regular expressions (case-insensitive) on the rule's id, name and descriptions. */
            text?: string | string[];
          };
          /** Scorecard control the results feed (default controls or `securityPosture.scoring` extra controls). */
          control?: string;
          /** Without `control`: the category's default control. */
          category?: 'identity_and_access' | 'network' | 'data' | 'compute';
          /** Severity of the findings (default: from `security-severity`, severity tags, then the level). */
          severity?: 'critical' | 'high' | 'medium' | 'low';
          /** Weight of the generated check inside its control (informational for strict controls). */
          weight?: number;
          /** One finding per tool, control and file for the results this rule matches. */
          aggregate?: boolean;
          /** Drop the matching results. */
          ignore?: boolean;
        }>;
        /** `false` switches the built-in mapping off: only `mapping` rules apply (default true). */
        useDefaultMapping?: boolean;
        /** Guidance URL of the generated `sarif-*` checks. */
        remediationUrl?: string;
      };
    };
  };
}
