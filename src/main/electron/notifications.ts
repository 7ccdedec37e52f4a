import type { HostEvent } from '../../shared/host-api.js';
import type { DeployResult, HistoryEntry } from '../../shared/release-api.js';
import { SLOT_TITLES } from '../../shared/slot-api.js';
import { menuBarStrings, type Language } from './menu-bar-strings.js';

/** A desktop notification's text. */
export interface NotificationText {
  title: string;
  body: string;
}

/**
 * The notification a host event deserves, or null: a deploy, promote or rollback that succeeded
 * or failed, and a slot that crashed or could not start. Progress, watcher updates, no-op deploys
 * and ordinary state changes pass silently. A failure of something the app itself started is
 * left out, because the app shows it in an error dialog already.
 */
export function notificationFor(event: HostEvent, language: Language): NotificationText | null {
  const t = menuBarStrings(language);
  switch (event.type) {
    case 'history':
      return historyNotification(event.data, language);
    case 'slot-state': {
      const { slot, state, error } = event.data;
      const title = SLOT_TITLES[slot];
      if (state === 'crashed') return { title: t.slotCrashed(title), body: error?.message ?? '' };
      if (state === 'failed') return { title: t.slotFailed(title), body: error?.message ?? '' };
      return null;
    }
    case 'eval': {
      const summary = event.data;
      if (summary.state === 'done') return { title: t.evalFinished(summary.setName), body: t.evalBody(summary.images, summary.agreement.rate === null ? '-' : `${(summary.agreement.rate * 100).toFixed(1)}%`) };
      return { title: t.evalFailed(summary.setName), body: summary.error ?? '' };
    }
    case 'progress':
    case 'watch':
    case 'eval-progress':
      return null;
  }
}

/**
 * What to tell the user after a "Deploy now" click that found nothing new (a deploy that did
 * something is told by its history event).
 */
export function deployResultNotification(result: DeployResult, language: Language): NotificationText | null {
  if (result.outcome !== 'up-to-date') return null;
  const t = menuBarStrings(language);
  return { title: t.upToDate, body: t.upToDateBody(result.run?.id) };
}

function historyNotification(entry: HistoryEntry, language: Language): NotificationText | null {
  const t = menuBarStrings(language);
  if (entry.outcome === 'noop') return null;
  if (entry.outcome === 'failed') {
    if (entry.trigger === 'app') return null;
    const body = entry.error ? (entry.error.step ? t.failedAt(t.step[entry.error.step], entry.error.message) : entry.error.message) : '';
    switch (entry.action) {
      case 'deploy': return { title: t.deployFailed, body };
      case 'promote': return { title: t.promoteFailed, body };
      case 'rollback': return { title: t.rollbackFailed(SLOT_TITLES[entry.slot]), body };
    }
  }
  const version = entry.to?.version ?? '?';
  switch (entry.action) {
    case 'deploy': return { title: t.deployed, body: t.deployedBody(version, entry.to?.runId) };
    case 'promote': return { title: t.promoted, body: t.promotedBody(version, entry.tag) };
    case 'rollback': return { title: t.rolledBack(SLOT_TITLES[entry.slot]), body: t.rolledBackBody(version, entry.from?.version) };
  }
}
