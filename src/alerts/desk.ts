import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MedicConfig } from '../config.js';
import type { Dispatcher } from '../jobs/dispatcher.js';
import type { Reply } from '../reply/reply.js';
import type { RecordStore } from '../store/records.js';
import { keptPaste } from '../text/redact.js';
import { registeredNodes, type TriageEngine } from '../triage/engine.js';
import { applyAlert, groupKey, type AlertChange, type AlertGroup, type AlertThreadRef, type AlertTriage } from './group.js';
import type { AlertEvent } from './payloads.js';
import { alertAnswer, alertHead, alertLine } from './render.js';
import { routeAlert } from './route.js';

/** Where alert threads live: implemented by the bot's front doors (the core knows no platform). */
export interface AlertThreads {
  /** The platforms whose front door is up. */
  platforms(): Array<AlertThreadRef['platform']>;
  /** Posts the first message in `channel` (a name or id) and starts a thread on it. */
  open(platform: AlertThreadRef['platform'], channel: string, reply: Reply, answerId: string): Promise<Omit<AlertThreadRef, 'platform' | 'answerId'>>;
  edit(ref: AlertThreadRef, reply: Reply): Promise<void>;
  /** A new message in the thread. */
  post(ref: AlertThreadRef, reply: Reply): Promise<void>;
}

export interface AlertOutcome {
  key: string;
  change: AlertChange | 'redelivered';
}

/** How long "Silence for 1 h" silences. */
export const SILENCE_MS = 60 * 60 * 1000;

/**
 * Turns stored alert notifications into threads: the first firing of a group opens one per
 * platform with the triage of its text and starts the node's checks; later notifications edit
 * its first message and add a line. Runs in the bot, which holds the chat clients.
 */
export class AlertDesk {
  private threads: AlertThreads | null = null;

  constructor(
    private readonly d: {
      cfg: MedicConfig;
      store: RecordStore;
      engine: TriageEngine;
      jobs: Dispatcher;
      log: Logger;
    },
  ) {}

  /** The bot's front doors, once they are up. Without them groups are kept and triaged, and posted by the next notification. */
  attach(threads: AlertThreads): void {
    this.threads = threads;
  }

  /**
   * One notification. `eventId` makes a retry safe: a notification already applied to its group
   * is only delivered again (threads not yet opened are opened; first messages are drawn again).
   */
  async handle(a: AlertEvent, eventId: string, now = new Date()): Promise<AlertOutcome> {
    const { cfg, store } = this.d;
    const route = routeAlert(cfg, a);
    const prev = await store.getAlertGroup(groupKey(a, route));
    if (prev?.lastEvent === eventId) {
      await this.deliver(prev, null);
      return { key: prev.key, change: 'redelivered' };
    }
    const next = applyAlert(prev, a, route, now, cfg.alerts.lineEverySeconds);
    const g = { ...next.group, lastEvent: eventId, collectable: Boolean(cfg.nodes.find((n) => n.name === next.group.node)?.ssh) };
    if (next.change === 'ignored') {
      if (prev) await store.saveAlertGroup(g);
      return { key: g.key, change: 'ignored' };
    }
    if (next.change === 'opened') g.triage = await this.triage(g);
    await store.saveAlertGroup(g);
    await this.deliver(g, next.line);
    // Checks again on a new episode, but not for every flap: a folded change (rate-limited or silenced) runs none.
    if (g.node && (next.change === 'opened' || (next.change === 'refired' && next.line !== null))) await this.runChecks(g.key, g.node);
    return { key: g.key, change: next.change };
  }

  /** Starts the node's checks for a group; their results edit its first message. */
  async runChecks(key: string, node: string): Promise<void> {
    const done = await this.d.jobs.run('checks', { node, alert: key });
    // In process the job has run: draw the first message with its results.
    if (done) await this.refresh(key);
  }

  /** Draws a group's first messages again from what is stored (after a silence, or checks run here). */
  async refresh(key: string): Promise<AlertGroup | null> {
    const g = await this.d.store.getAlertGroup(key);
    if (g) await this.deliver(g, null);
    return g;
  }

  /** Silences a group's new lines and re-checks for an hour. */
  async silence(key: string, now = new Date()): Promise<AlertGroup | null> {
    const g = await this.d.store.getAlertGroup(key);
    if (!g) return null;
    const silenced = { ...g, silencedUntil: new Date(now.getTime() + SILENCE_MS).toISOString() };
    await this.d.store.saveAlertGroup(silenced);
    await this.deliver(silenced, null);
    return silenced;
  }

  private async triage(g: AlertGroup): Promise<AlertTriage> {
    const text = [g.name, g.summary, g.description].filter(Boolean).join('\n');
    const context = { nodes: registeredNodes(this.d.cfg), ...(g.system ? { system: { guide: g.system, source: `alert ${g.how}` } } : {}) };
    const r = await this.d.engine.triage(text, { top: 3, context, feedbackFor: (fp) => this.d.store.getFeedback(fp) });
    return {
      abstain: r.abstain,
      title: r.reply.title,
      summary: r.reply.summary,
      sections: r.reply.sections,
      citations: r.reply.citations,
      cardId: r.abstain ? null : (r.matches[0]?.id ?? null),
      fingerprint: r.fingerprint,
      confidence: r.confidence,
    };
  }

  /** Opens the threads a group lacks, draws its first messages, and posts its line. A platform that fails is logged; the others go on. */
  private async deliver(g: AlertGroup, line: string | null): Promise<void> {
    const threads = this.threads;
    if (!threads) return;
    const checks = await this.d.store.getAlertChecks(g.key);
    const head = alertHead(g, checks);
    let opened = false;
    const failed: unknown[] = [];
    for (const platform of threads.platforms()) {
      const ref = g.threads.find((t) => t.platform === platform);
      try {
        if (!ref) {
          const answerId = randomBytes(6).toString('base64url');
          const at = await threads.open(platform, this.d.cfg.alerts.channels[platform] ?? this.d.cfg.alerts.channel, head, answerId);
          const made: AlertThreadRef = { platform, answerId, ...at };
          g.threads = [...g.threads, made];
          opened = true;
          await this.saveAnswer(g, made);
          if (g.triage && !g.triage.abstain) await threads.post(made, alertAnswer(g.triage));
          if (line) await threads.post(made, alertLine(line));
        } else {
          await threads.edit(ref, head);
          if (line) await threads.post(ref, alertLine(line));
        }
      } catch (err) {
        failed.push(err);
        this.d.log.error({ err, alert: g.key, platform }, 'alert thread delivery failed');
      }
    }
    if (opened) {
      // Merged into what is stored now: a worker may have saved the group meanwhile.
      const now = (await this.d.store.getAlertGroup(g.key)) ?? g;
      const refs = [...now.threads, ...g.threads.filter((t) => !now.threads.some((x) => x.platform === t.platform))];
      await this.d.store.saveAlertGroup({ ...now, threads: refs });
    }
    // Every platform failing is worth a retry (the queue backs off); one of two is logged.
    if (failed.length && failed.length === threads.platforms().length) throw failed[0];
  }

  /** The record behind the first message's buttons: Escalate reads the alert's text from it. */
  private async saveAnswer(g: AlertGroup, ref: AlertThreadRef): Promise<void> {
    const t = g.triage;
    await this.d.store.saveAnswer({
      id: ref.answerId,
      fingerprint: t?.fingerprint ?? g.key,
      cardId: t?.cardId ?? null,
      alternatives: [],
      platform: ref.platform,
      channelId: ref.channelId,
      threadId: ref.threadId,
      userId: 'alert',
      createdAt: new Date().toISOString(),
      paste: keptPaste([g.name, g.summary, g.description].filter(Boolean).join('\n')),
      system: g.system,
      ...(t ? { confidence: t.confidence } : {}),
      alert: g.key,
    });
  }
}
