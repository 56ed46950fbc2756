import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  ChangedFinding,
  PostureChange,
  RegressionReason,
} from '@internal/backstage-plugin-security-posture-common';
import type { EntityScanEvent } from '../scan/Scanner';
import type { ResponseConfig } from './config';
import {
  toChangedFinding,
  type FindingOccurrence,
  type ResponseStore,
} from './ResponseStore';
import type { TeamSettingsResolver } from './teamSettings';

/** Topic of the events the plugin publishes on Backstage's events service. */
export const SECURITY_POSTURE_TOPIC = 'security-posture';

/** Most findings named in a change, a notification or an event. */
const MAX_LISTED = 50;
/** Most findings named in a notification's text. */
const MAX_IN_TEXT = 5;

/** App path of an entity's Security Posture tab. */
export function tabLink(entity: {
  kind: string;
  namespace: string;
  name: string;
}): string {
  return `/catalog/${encodeURIComponent(entity.namespace)}/${encodeURIComponent(
    entity.kind.toLowerCase(),
  )}/${encodeURIComponent(entity.name)}/security-posture`;
}

function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)}%`;
}

/**
 * Turns what each scan changed for an entity into a recorded diff (new failing
 * findings, fixed ones, score change), and a regression — a score drop of at
 * least the configured points, or a new critical finding — into one Backstage
 * notification to the owning group and an event on the `security-posture`
 * topic. Findings the owners were already notified of are never named again
 * (persisted per occurrence with a unique key), so a repeated scan stays silent.
 */
export class RegressionAlerter {
  constructor(
    private readonly options: {
      store: ResponseStore;
      notifications: NotificationService;
      events?: EventsService;
      logger: LoggerService;
      config: ResponseConfig;
      teamSettings: TeamSettingsResolver;
    },
  ) {}

  /** The scanner's listener: called after an entity was re-assessed. */
  readonly onEntityScanned = async (event: EntityScanEvent): Promise<void> => {
    const { store, config, logger } = this.options;
    if (!event.previous && !config.alerts.onFirstScan) {
      // The first result of an entity is its baseline, not a change.
      return;
    }
    const scoreKey =
      config.alerts.score === 'raw' ? 'percent' : 'adjustedPercent';
    const before = event.previous?.[scoreKey] ?? null;
    const after = event.current[scoreKey];
    const scoreChanged =
      (event.previous?.percent ?? null) !== event.current.percent ||
      (event.previous?.adjustedPercent ?? null) !==
        event.current.adjustedPercent;
    // Most re-assessments (the daily one) change nothing: no query for them.
    if (event.opened.length === 0 && event.resolved === 0 && !scoreChanged) {
      return;
    }
    const entity = await store.getEntity(event.entityRef);
    if (!entity) return;
    const at = event.at ?? new Date();
    const openedFingerprints = new Set(event.opened.map(f => f.fingerprint));
    const openedNow = (
      await store.findingsByFingerprint(entity.id, [...openedFingerprints])
    ).filter(o => openedFingerprints.has(o.fingerprint));
    const resolved =
      event.resolved > 0
        ? await store.resolvedInScan(entity.id, event.scanId, MAX_LISTED)
        : { items: [], total: 0 };

    const modelChanged = Boolean(
      event.previous &&
        event.modelVersions &&
        event.modelVersions.previous !== event.modelVersions.current,
    );
    const settings = await this.options.teamSettings.forOwner(entity.ownerRef);
    const reasons: RegressionReason[] = [];
    const drop = before !== null && after !== null ? before - after : 0;
    // A score change that comes with new rules is the rules', not the posture's.
    if (!modelChanged && drop >= settings.scoreDrop - 1e-9) {
      reasons.push('score-drop');
    }
    const criticals = openedNow.filter(f => f.severity === 'critical');
    if (settings.newCritical && criticals.length > 0) {
      reasons.push('new-critical');
    }
    const sorted = [...openedNow].sort(bySeverity);
    const { change, inserted } = await store.recordChange({
      entityRef: event.entityRef,
      scanId: event.scanId,
      at,
      ownerRef: entity.ownerRef ?? null,
      previousPercent: event.previous?.percent ?? null,
      currentPercent: event.current.percent,
      previousAdjustedPercent: event.previous?.adjustedPercent ?? null,
      currentAdjustedPercent: event.current.adjustedPercent,
      modelChanged,
      opened: sorted.slice(0, MAX_LISTED).map(toChangedFinding),
      openedCount: openedNow.length,
      resolved: resolved.items.map(toChangedFinding),
      resolvedCount: resolved.total,
      regression: reasons.length > 0,
      reasons,
    });
    if (!inserted) return; // this scan's change was handled already
    await this.publish({ type: 'posture.changed', change });
    if (reasons.length === 0) return;

    let notification: string;
    if (!config.alerts.enabled || !settings.enabled) {
      notification = 'opted-out';
    } else if (!entity.ownerRef) {
      notification = 'no-owner';
    } else {
      notification = await this.notify(
        change,
        entity,
        sorted,
        reasons,
        criticals,
      );
    }
    await store.setNotification(
      change.id,
      notification,
      notification === 'sent' ? new Date() : null,
    );
    await this.publish({
      type: 'posture.regression',
      change: { ...change, notification },
      ownerRef: entity.ownerRef ?? null,
      link: tabLink(entity),
    });
    logger.info(
      `Security posture regression of ${event.entityRef} (${reasons.join(
        ', ',
      )}): ${pct(before)} → ${pct(after)}, ${
        openedNow.length
      } new finding(s); notification ${notification}`,
    );
  };

  private async notify(
    change: PostureChange,
    entity: {
      ref: string;
      kind: string;
      namespace: string;
      name: string;
      title?: string;
      ownerRef?: string;
    },
    opened: FindingOccurrence[],
    reasons: RegressionReason[],
    criticals: FindingOccurrence[],
  ): Promise<string> {
    const { store, notifications, logger } = this.options;
    // Only occurrences nobody was told about yet; the claim is the unique key.
    const named = reasons.includes('score-drop') ? opened : criticals;
    const claimed = await store.claimNotified(
      entity.ref,
      named.map(f => ({ fingerprint: f.fingerprint, firstSeen: f.firstSeen })),
      change.id,
      new Date(),
    );
    const fresh = named.filter(f => claimed.has(f.fingerprint));
    if (named.length > 0 && fresh.length === 0) return 'already-notified';
    const newCriticals = fresh.filter(f => f.severity === 'critical').length;
    const raw = this.options.config.alerts.score === 'raw';
    const [from, to] = raw
      ? [change.previousPercent, change.currentPercent]
      : [change.previousAdjustedPercent, change.currentAdjustedPercent];
    const parts: string[] = [];
    if (reasons.includes('score-drop')) {
      parts.push(
        `The ${raw ? 'score' : 'score with exemptions'} of ${
          entity.ref
        } dropped from ${pct(from)} to ${pct(to)}.`,
      );
    }
    if (newCriticals > 0) {
      parts.push(
        `${newCriticals} new critical finding${newCriticals === 1 ? '' : 's'}.`,
      );
    }
    const listed = fresh.slice(0, MAX_IN_TEXT).map(toChangedFinding);
    if (listed.length > 0) {
      parts.push(
        `Now failing: ${listed.map(describe).join('; ')}${
          fresh.length > listed.length
            ? `; and ${fresh.length - listed.length} more`
            : ''
        }.`,
      );
    }
    if (change.resolvedCount > 0) {
      parts.push(`Fixed in the same scan: ${change.resolvedCount}.`);
    }
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: entity.ownerRef! },
        payload: {
          title: `Security posture regression: ${entity.title ?? entity.name}`,
          description: parts.join(' '),
          link: tabLink(entity),
          severity: newCriticals > 0 ? 'critical' : 'high',
          topic: SECURITY_POSTURE_TOPIC,
          scope: `security-posture:regression:${entity.ref}:${change.scanId}`,
        },
      });
      return 'sent';
    } catch (e) {
      await store.releaseNotified(entity.ref, change.id);
      logger.warn(
        `Could not notify ${
          entity.ownerRef
        } of the security posture regression of ${entity.ref}: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
      return 'failed';
    }
  }

  private async publish(payload: Record<string, unknown>) {
    const { events, logger } = this.options;
    if (!events) return;
    try {
      await events.publish({
        topic: SECURITY_POSTURE_TOPIC,
        eventPayload: payload,
      });
    } catch (e) {
      logger.warn(
        `Could not publish a ${SECURITY_POSTURE_TOPIC} event: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
    }
  }
}

function describe(f: ChangedFinding): string {
  return `[${f.severity}] ${f.title} (${f.resource})`;
}

const RANK = { critical: 0, high: 1, medium: 2, low: 3 };

function bySeverity(a: FindingOccurrence, b: FindingOccurrence): number {
  return RANK[a.severity] - RANK[b.severity] || a.title.localeCompare(b.title);
}
