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
      };
    };
    policies?: {
      /**
       * Folders of Kyverno `ClusterPolicy`/`Policy` files and CEL `CustomCheck`
       * files, reloaded before every scan. Relative to the backend's working
       * directory.
       */
      directories?: string[];
    };
    exemptions?: {
      /**
       * Central exemption files (YAML or JSON `{ exemptions: [...] }`), read before
       * every scan. Unlike exemptions declared on an entity, these may name any
       * entity (or none: every entity).
       */
      files?: string[];
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
