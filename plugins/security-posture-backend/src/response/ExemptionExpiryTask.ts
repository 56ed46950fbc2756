import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { parseEntityRef } from '@backstage/catalog-model';
import type { ResponseConfig } from './config';
import type { ExemptionDebtService, ScopedExemption } from './exemptionDebt';
import { SECURITY_POSTURE_TOPIC, tabLink } from './RegressionAlerter';
import type { ResponseStore } from './ResponseStore';
import type { HierarchyCache, TeamSettingsResolver } from './teamSettings';

/** Id of the scheduled task. */
export const EXEMPTION_EXPIRY_TASK_ID = 'security-posture-exemption-expiry';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Most exemptions named in a notification's text. */
const MAX_IN_TEXT = 5;

/**
 * Tells each owning team, once, that some of its exemptions expire within the
 * configured lead time (`securityPosture.exemptions.expiry.leadTime`), through a
 * Backstage notification and an event on the `security-posture` topic. Also
 * deletes posture changes past their retention.
 */
export class ExemptionExpiryTask {
  constructor(
    private readonly options: {
      debt: ExemptionDebtService;
      store: ResponseStore;
      hierarchy: HierarchyCache;
      teamSettings: TeamSettingsResolver;
      notifications: NotificationService;
      events?: EventsService;
      auth: AuthService;
      logger: LoggerService;
      config: ResponseConfig;
    },
  ) {}

  /** Schedules the task (scope `global`: one replica runs it per interval). */
  async schedule(scheduler: SchedulerService): Promise<void> {
    const { schedule } = this.options.config.exemptionExpiry;
    await scheduler.scheduleTask({
      id: EXEMPTION_EXPIRY_TASK_ID,
      frequency: schedule.frequency,
      timeout: schedule.timeout,
      initialDelay: schedule.initialDelay,
      scope: schedule.scope ?? 'global',
      fn: async signal => {
        await this.run(new Date(), signal);
      },
    });
  }

  /** One run: returns the notices sent per team. */
  async run(
    now: Date = new Date(),
    signal?: AbortSignal,
  ): Promise<Map<string, number>> {
    const { debt, store, hierarchy, auth, logger, config } = this.options;
    const sent = new Map<string, number>();
    const credentials = await auth.getOwnServiceCredentials();
    const declared = await debt.collect(credentials);
    const h = await hierarchy.get(true);
    const scope = [...h.all()].map(e => e.ref);
    const expiring = debt
      .inScope(declared, scope, now)
      .filter(s => s.item.state === 'expiring');

    // Group by the owners of the entities each exemption covers.
    const byTeam = new Map<string, ScopedExemption[]>();
    for (const s of expiring) {
      const owners = new Set(
        s.entityRefs
          .map(ref => h.get(ref)?.ownerRef)
          .filter((o): o is string => Boolean(o)),
      );
      for (const owner of owners) {
        const list = byTeam.get(owner) ?? [];
        list.push(s);
        byTeam.set(owner, list);
      }
    }

    for (const [team, items] of byTeam) {
      if (signal?.aborted) break;
      const settings = await this.options.teamSettings.forOwner(team);
      if (!settings.enabled || !settings.exemptionExpiry) continue;
      const fresh: ScopedExemption[] = [];
      for (const s of items) {
        if (
          await store.claimExemptionNotice(
            team,
            s.declared.key,
            s.item.expires,
            now,
          )
        ) {
          fresh.push(s);
        }
      }
      if (fresh.length === 0) continue;
      const ok = await this.notify(team, fresh, h.get(team)?.title, now);
      if (ok) {
        sent.set(team, fresh.length);
      } else {
        await store.releaseExemptionNotices(
          team,
          fresh.map(s => s.declared.key),
        );
      }
    }

    const before = new Date(
      now.getTime() - config.response.changesRetentionDays * DAY_MS,
    );
    const deleted = await store.deleteBefore(before, 1000);
    if (deleted > 0) {
      logger.info(
        `Security posture: deleted ${deleted} posture changes and notices older than ${config.response.changesRetentionDays} days`,
      );
    }
    return sent;
  }

  private async notify(
    team: string,
    items: ScopedExemption[],
    title: string | undefined,
    now: Date,
  ): Promise<boolean> {
    const { notifications, events, logger } = this.options;
    const n = items.length;
    const lines = items.slice(0, MAX_IN_TEXT).map(s => {
      const e = s.item;
      const what =
        e.entityCount === 1 ? e.entityRefs[0] : `${e.entityCount} entities`;
      return `${e.checkId} on ${what} expires ${e.expires} (${e.daysLeft} day${
        e.daysLeft === 1 ? '' : 's'
      } left; approved by ${e.approver}: ${e.reason})`;
    });
    const parsed = parseEntityRef(team);
    const link =
      parsed.kind.toLowerCase() === 'group'
        ? tabLink(parsed)
        : tabLink(parseEntityRef(items[0].entityRefs[0]));
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: team },
        payload: {
          title: `${n} security posture exemption${n === 1 ? '' : 's'} of ${
            title ?? parsed.name
          } expire${n === 1 ? 's' : ''} soon`,
          description: `${lines.join('; ')}${
            n > lines.length ? `; and ${n - lines.length} more` : ''
          }. Renew them with a new expiry and approval, or fix the findings.`,
          link,
          severity: 'normal',
          topic: SECURITY_POSTURE_TOPIC,
          scope: `security-posture:exemption-expiry:${team}:${now
            .toISOString()
            .slice(0, 10)}`,
        },
      });
    } catch (e) {
      logger.warn(
        `Could not notify ${team} of expiring security posture exemptions: ${
          e instanceof Error ? e.message : String(e)
        }`,
      );
      return false;
    }
    if (events) {
      try {
        await events.publish({
          topic: SECURITY_POSTURE_TOPIC,
          eventPayload: {
            type: 'exemption.expiring',
            teamRef: team,
            exemptions: items.map(s => s.item),
          },
        });
      } catch (e) {
        logger.warn(
          `Could not publish a ${SECURITY_POSTURE_TOPIC} event: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    }
    return true;
  }
}
