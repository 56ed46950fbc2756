import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Security Posture plugin (backend). */
  securityPosture?: {
    scan?: {
      /**
       * When scans run (Backstage scheduler format: `frequency`, `timeout`, optional
       * `initialDelay` and `scope`). Default: every 6 hours, 1 hour timeout, 1 minute
       * initial delay, scope `global`. The next run time is kept in the database,
       * so restarting the backend does not start a new scan.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Number of shards: the catalog is split by a hash of the entity ref into
       * this many scheduled tasks, so several backend replicas share a scan.
       * Default 1.
       */
      shards?: number;
      /**
       * Entity kinds whose resources are assessed. Systems, Domains and Groups are
       * always rolled up from them. Default `[Component, Resource]`.
       */
      entityKinds?: string[];
      /** Entities whose providers are queried at the same time. Default 4. */
      concurrency?: number;
      /**
       * Results older than this are shown with status `stale`. Default 24 hours.
       */
      staleAfter?: HumanDuration;
      /**
       * A history point is written when the posture changes, and at least this
       * often while it does not. Default 24 hours.
       */
      snapshotHeartbeat?: HumanDuration;
      /**
       * How often the queue of requested scans (`POST /scans`) is polled, in case
       * the trigger did not reach a replica. Default 30 seconds.
       */
      requestPollInterval?: HumanDuration;
      /**
       * Rate limits of requested scans (`POST /scans`), counted in the database
       * (the `scan_runs` table), so they hold across all replicas. A request over a
       * limit is answered 429 with `Retry-After`; a request for a scope that is
       * already waiting in the queue reuses it and is not counted again.
       */
      requestLimits?: {
        /** Requests per scope (one entity, or the whole catalog). Default 5 every 10 minutes. */
        perEntity?: { max?: number; window?: HumanDuration };
        /** All requests together. Default 60 every 10 minutes. */
        global?: { max?: number; window?: HumanDuration };
      };
      /** Quarantine of provider results that suddenly shrink. */
      quarantine?: {
        /**
         * A result smaller than this share of the last accepted one (for an entity,
         * or for a provider's whole listing) is quarantined, not applied: the last
         * results stay, marked partial. Default 0.5.
         */
        minRatio?: number;
        /**
         * The smaller result is accepted when it is seen this many scans in a row.
         * Default 3.
         */
        releaseAfterScans?: number;
      };
      /**
       * With several shards, an inventory provider (a cluster, an account) is
       * listed once per scan interval: the first shard task lists it into the
       * database and the other shard tasks, on any replica, reuse that listing
       * when it started at most this long before them. Default: half the
       * schedule's frequency (30 minutes for a cron schedule). Requested scans
       * always list afresh.
       */
      listingMaxAge?: HumanDuration;
    };
    providers?: {
      /** The built-in manifests / IaC provider (annotation `security-posture.backstage.io/manifests`). */
      manifests?: {
        /** Default true. */
        enabled?: boolean;
        /**
         * Directories local files may be read from, for entities registered from
         * `file:` locations (development and the demo). Relative paths are resolved
         * against the backend's working directory. Paths (after resolving symbolic
         * links) outside every root are refused. Default: none (local reading off);
         * URL locations are read through the UrlReader and `backend.reading.allow`.
         */
        localRoots?: string[];
        /** Largest file read, in bytes. Default 5 MiB. */
        maxFileBytes?: number;
        /** Most files read for one entity. Default 200. */
        maxFiles?: number;
        /** Most bytes read for one entity. Default 50 MiB. */
        maxTotalBytes?: number;
        /**
         * How long one read through the UrlReader (a file, or a directory tree) may
         * take; a host that does not answer in time makes only that entity's result
         * incomplete instead of holding up the whole scan. Default 60 seconds.
         */
        readTimeout?: HumanDuration;
        /**
         * How many URL reads (a file or a tree: its etag and what was scanned) are
         * remembered, so an unchanged one is not downloaded and parsed again (the
         * read is still made, with the etag; the reader answers "not modified").
         * The least recently used is forgotten first; 0 turns this off. Default 1000.
         */
        readCacheEntries?: number;
      };
    };
    policies?: {
      /**
       * Folders of Kyverno `ClusterPolicy`/`Policy` files and CEL `CustomCheck`
       * files, reloaded before every scan. Relative to the backend's working
       * directory.
       */
      directories?: string[];
      /**
       * Where Kyverno policies' checks go in the scorecard. Entries here come
       * before the built-in defaults (which send Pod Security policies to
       * compute/pod_security_standards, RBAC policies to
       * identity_and_access/no_overprivileged_roles, and so on).
       */
      kyvernoMapping?: {
        /** By exact policy name. */
        policies?: {
          [policyName: string]: {
            category: 'identity_and_access' | 'network' | 'data' | 'compute';
            /** A scorecard control of that category. */
            control: string;
            weight?: number;
            /** Overrides the policy's `policies.kyverno.io/severity`. */
            severity?: 'critical' | 'high' | 'medium' | 'low';
          };
        };
        /** First match wins. */
        rules?: Array<{
          /** Case-insensitive regular expression over `policies.kyverno.io/category`. */
          categoryPattern?: string;
          /** Case-insensitive regular expression over the policy name and title. */
          match?: string;
          category: 'identity_and_access' | 'network' | 'data' | 'compute';
          control: string;
          weight?: number;
          severity?: 'critical' | 'high' | 'medium' | 'low';
        }>;
      };
    };
    exemptions?: {
      /**
       * Central exemption files (YAML or JSON `{ exemptions: [...] }`), read before
       * every scan. Unlike exemptions declared on an entity, these may name any
       * entity (or none: every entity).
       */
      files?: string[];
      /** Exemption debt: expiring exemptions and the notice their teams get. */
      expiry?: {
        /**
         * Exemptions that expire within this are `expiring` (API, UI), and the
         * teams owning the entities they cover are notified once. Default 14 days.
         */
        leadTime?: HumanDuration;
        /** Send the notice (teams can still opt out under `alerts.teams`). Default true. */
        notify?: boolean;
        /** When the notice task runs. Default hourly, 2 minutes after start-up, scope global. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
    /**
     * Regression alerts. After every scan, what changed for each re-assessed
     * entity is recorded (new failing findings, fixed ones, score change). A
     * regression — the score dropping by at least `scoreDrop` points, or a new
     * critical finding — sends the owning group a Backstage notification (through
     * the notifications backend) linking to the entity's Security Posture tab,
     * never twice for the same finding; the same changes are published on the
     * events service, topic `security-posture` (`posture.changed`,
     * `posture.regression`, `exemption.expiring`).
     */
    alerts?: {
      /** Send notifications at all. Default true. */
      enabled?: boolean;
      /** Percentage points the score must drop by in one scan. Default 5. */
      scoreDrop?: number;
      /** Alert on any new critical finding, whatever the score does. Default true. */
      newCritical?: boolean;
      /**
       * Alert on an entity's first scan too. Default false: the first result is
       * the baseline.
       */
      onFirstScan?: boolean;
      /** The score a drop is measured on. Default `adjusted` (with exemptions). */
      score?: 'adjusted' | 'raw';
      /**
       * Per-team settings. A team's entry applies to its sub-teams unless they
       * have their own (the nearest wins, field by field).
       */
      teams?: Array<{
        /** Group reference, e.g. `group:default/payments` (kind and namespace default to group and default). */
        team: string;
        /** false: the team gets no security posture notifications (opt-out). */
        enabled?: boolean;
        /** The team's own score-drop threshold, in points. */
        scoreDrop?: number;
        /** Whether a new critical finding alone alerts the team. */
        newCritical?: boolean;
        /** Whether the team is told before its exemptions expire. */
        exemptionExpiry?: boolean;
      }>;
    };
    /** Response metrics. */
    response?: {
      /** Default window of the time-to-remediate figures, in days (the API takes `windowDays`). Default 90. */
      windowDays?: number;
      /** Posture changes (and regressions) are kept this many days. Default 365. */
      changesRetentionDays?: number;
    };
    /**
     * Posture targets, in order: an entity (or team roll-up) gets the first
     * target whose `match` it meets. Entities and teams that miss their target
     * are flagged in the API and the UI, with the points to gain that would meet
     * it.
     */
    targets?: Array<{
      /** Shown in the UI; default made from the match. */
      name?: string;
      /**
       * Catalog fields and the values that select entities; every field must
       * match one of its values (case-insensitive). Fields: `kind`,
       * `metadata.namespace`, `metadata.name`, `spec.type`, `spec.lifecycle`,
       * `spec.owner`, `spec.system`. Example: `{ spec.lifecycle: production }`.
       */
      match?: { [field: string]: string | string[] };
      /** Least score in percent. */
      minPercent?: number;
      /** No open critical finding allowed. Default false. */
      noCritical?: boolean;
      /** Which score `minPercent` applies to. Default `adjusted` (with exemptions). */
      score?: 'adjusted' | 'raw';
    }>;
    /**
     * "Fix with template": Software Templates that fix the findings of a check,
     * opened in the scaffolder with the form prefilled from the finding.
     */
    fixTemplates?: {
      /** Where the app mounts the scaffolder. Default `/create`. */
      scaffolderPath?: string;
      templates?: Array<{
        /** Check id, or a glob over check ids (`k8s-privileged-*`). */
        check: string;
        /** Template reference, `template:<namespace>/<name>`. */
        template: string;
        /** Label of the action. Default "Fix with template". */
        title?: string;
        /**
         * The form's values. Strings may contain `{{ entity.ref }}`,
         * `{{ entity.kind }}`, `{{ entity.namespace }}`, `{{ entity.name }}`,
         * `{{ resource.<field> }}` (name, namespace, kind, type, uid, address,
         * source) and `{{ finding.<field> }}` (checkId, title, severity,
         * category, control); a value that is a single placeholder keeps its
         * type, one without a value is left out.
         */
        formData?: { [field: string]: any };
      }>;
    };
    /**
     * Scoring: control weights and modes, enabled checks, severity and remediation
     * overrides. Validated at start-up.
     */
    scoring?: {
      /** `strict` (default): a control earns its weight only if every result passes; `proportional`: weight × passed / evaluated. */
      mode?: 'strict' | 'proportional';
      /** Per control id: `weight`, `mode`, `title`, `description`, `enabled`; new controls need `category` and `weight`. */
      controls?: {
        [controlId: string]: {
          title?: string;
          category?: 'identity_and_access' | 'network' | 'data' | 'compute';
          weight?: number;
          mode?: 'strict' | 'proportional';
          description?: string;
          enabled?: boolean;
        };
      };
      /** Per check id: `enabled`, `severity`, `control`, `weight`, `remediationUrl`, `remediationText`. */
      checks?: {
        [checkId: string]: {
          enabled?: boolean;
          severity?: 'critical' | 'high' | 'medium' | 'low';
          control?: string;
          weight?: number;
          remediationUrl?: string;
          remediationText?: string;
        };
      };
    };
    /** How long history and bookkeeping are kept (deleted in batches by a daily task). */
    retention?: {
      /** Raw score snapshots. Default 90. */
      snapshotsDays?: number;
      /** Daily roll-ups (long-range history, trends). Default 730. */
      dailyRollupsDays?: number;
      /** Finished scan runs. Default 90. */
      scanRunsDays?: number;
      /** Findings resolved this long ago. Default 730. */
      resolvedFindingsDays?: number;
      /** Unowned-resource sightings not refreshed for this long. Default 30. */
      unownedDays?: number;
      /** Rows deleted per statement. Default 1000. */
      batchSize?: number;
      /** When the retention task runs. Default daily, 10 minutes after start-up. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    leaderboard?: {
      /**
       * Group `spec.type`s ranked on the team leaderboard (e.g. `[team]`). Default:
       * every group.
       */
      groupTypes?: string[];
    };
  };
}
