import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { SlotStatus } from '../../shared/host-api.js';
import type { ModelSummary } from '../../shared/model-manifest.js';
import type { HistoryEntry, VersionRef } from '../../shared/release-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import { previousVersion } from '../release/release-lineage.js';
import { menuBarStrings, type Language, type MenuBarStrings } from './menu-bar-strings.js';

const CONFIRM = 0;
const CANCEL = 1;

/**
 * Asks before TO-BE's model becomes the production model, naming both versions. Cancel is the
 * default button: pressing Return must not change production.
 */
export function promoteConfirmation(slots: { asis: SlotStatus | undefined; tobe: SlotStatus | undefined }, language: Language): MessageBoxOptions {
  const t = menuBarStrings(language);
  return confirmation(t, {
    title: t.promoteTitle,
    message: t.promoteQuestion,
    detail: t.promoteDetail(describeModel('TO-BE', slots.tobe?.model ?? null, t), describeModel('AS-IS', slots.asis?.model ?? null, t)),
    button: t.promoteButton,
  });
}

/** Asks before TO-BE goes back to `target`, naming the model it serves now and the one it gets back. */
export function rollbackConfirmation(tobe: SlotStatus | undefined, target: VersionRef, language: Language): MessageBoxOptions {
  const t = menuBarStrings(language);
  return confirmation(t, {
    title: t.rollbackTitle,
    message: t.rollbackQuestion,
    detail: t.rollbackDetail(describeModel('TO-BE', tobe?.model ?? null, t), describeVersion(target)),
    button: t.rollbackButton,
  });
}

/** Says that there is nothing to roll back to. */
export function nothingToRollBackNotice(language: Language): MessageBoxOptions {
  const t = menuBarStrings(language);
  return { type: 'info', title: t.rollbackTitle, message: t.nothingToRollBack, buttons: ['OK'], noLink: true };
}

/** Whether the user chose the confirming button of a dialog made here. */
export function confirmed(result: Pick<MessageBoxReturnValue, 'response'>): boolean {
  return result.response === CONFIRM;
}

/**
 * The version a plain rollback of `slot` returns to, replayed from history (newest first, as the
 * host lists it) by the rule the release manager applies: the top of the slot's lineage when the
 * slot serves something else (a manual install), else the one below it.
 */
export function rollbackTarget(historyNewestFirst: readonly HistoryEntry[], slot: SlotId, current: ModelSummary | null): VersionRef | undefined {
  return previousVersion([...historyNewestFirst].reverse(), slot, (version) => version.sha256 === current?.sha256);
}

function confirmation(t: MenuBarStrings, text: { title: string; message: string; detail: string; button: string }): MessageBoxOptions {
  const buttons: string[] = [];
  buttons[CONFIRM] = text.button;
  buttons[CANCEL] = t.cancel;
  return { type: 'question', title: text.title, message: text.message, detail: text.detail, buttons, defaultId: CANCEL, cancelId: CANCEL, noLink: true };
}

function describeModel(slotTitle: string, model: ModelSummary | null, t: MenuBarStrings): string {
  return model ? `${slotTitle}: ${model.name} ${model.version} (sha256 ${model.sha256.slice(0, 12)}…)` : `${slotTitle}: ${t.noModel}`;
}

function describeVersion(ref: VersionRef): string {
  return `${ref.version} (sha256 ${ref.sha256.slice(0, 12)}…)`;
}
