import type { HostStatus, SettingsUpdate } from '../shared/host-api.js';
import type { Settings } from '../shared/settings.js';
import type { ShadowSample, ShadowStats } from '../shared/slot-api.js';
import { errorText } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatClock, formatPercent } from './format.js';
import { t, type MessageKey } from './i18n.js';
import { topAnswer } from './top-answer.js';

type ShadowSettings = Pick<Settings, 'shadowPercent' | 'shadowKeepImages'>;

/** What the shadow panel drives: the two shadow settings (applied by the host at once) and the kept images. */
export interface ShadowControl {
  settings(): Promise<Settings>;
  save(change: ShadowSettings): Promise<SettingsUpdate>;
  /** A kept image (a sample's `imageFile`), fetched with the token. */
  image(imageFile: string): Promise<Blob>;
  /** Called after a save, so the status (and with it the figures) is fetched again. */
  saved(): void;
}

/**
 * The shadow panel. Like the evaluations panel it outlives the page's re-renders: `mount` draws it
 * into a new container, `show` gives it each new host status, `unmount` revokes its images' URLs.
 */
export interface ShadowPanel {
  mount(container: HTMLElement): void;
  show(status: HostStatus | null): void;
  unmount(): void;
}

/**
 * Shadow mode as AS-IS counts it (on or off, the share, whether TO-BE can receive, the outcomes,
 * the live agreement and the recent disagreements with their kept images), and its two settings.
 */
export function createShadowPanel(control: ShadowControl): ShadowPanel {
  const images = new SampleImages(control.image);
  let status: HostStatus | null = null;
  let figures: HTMLElement | null = null;

  const draw = (): void => {
    if (!figures) return;
    const asis = status?.slots.find((slot) => slot.slot === 'asis');
    const shadow = asis?.shadow ?? null;
    if (!shadow) {
      images.keepOnly(new Set());
      replaceChildren(figures, h('p', { class: 'muted', 'data-testid': 'shadow-state' }, status ? t('shadowAsisDown') : '-'));
      return;
    }
    const rows = samplesTable(shadow.samples, images);
    images.keepOnly(new Set(shadow.samples.flatMap((sample) => (sample.imageFile ? [sample.imageFile] : []))));
    replaceChildren(figures, counts(shadow), h('h3', {}, t('shadowSamples')), rows);
  };

  const panel: ShadowPanel = {
    mount(container) {
      panel.unmount();
      // Not a live region: it is redrawn at every status poll.
      figures = h('div', {});
      replaceChildren(container, h('h2', {}, t('shadow')), figures, settingsForm(control));
      draw();
    },
    show(next) {
      status = next;
      draw();
    },
    unmount() {
      figures = null;
      images.keepOnly(new Set());
    },
  };
  return panel;
}

function counts(shadow: ShadowStats): HTMLElement {
  const row = (label: MessageKey, value: string, testId: string): HTMLElement => h('div', { class: 'row' }, h('dt', {}, t(label)), h('dd', { 'data-testid': testId }, value));
  const compared = shadow.agreed + shadow.disagreed;
  return h('dl', { class: 'shadow-counts' },
    row('shadowMirroring', shadow.percent > 0 ? t('shadowOnShare').replace('{percent}', `${shadow.percent}%`) : t('shadowOff'), 'shadow-state'),
    row('shadowTarget', shadow.targetReady ? t('shadowTargetReady') : t('shadowTargetDown'), 'shadow-target'),
    row('shadowMirrored', String(shadow.mirrored), 'shadow-mirrored'),
    row('shadowAgreed', String(shadow.agreed), 'shadow-agreed'),
    row('shadowDisagreed', String(shadow.disagreed), 'shadow-disagreed'),
    row('shadowFailed', String(shadow.failed), 'shadow-failed'),
    row('shadowDropped', String(shadow.dropped), 'shadow-dropped'),
    row('shadowPaused', t('shadowPausedTimes').replace('{count}', String(shadow.targetPauses.pauses)).replace('{seconds}', (shadow.targetPauses.pausedMs / 1000).toFixed(1)), 'shadow-paused'),
    row('agreement', `${formatPercent(shadow.agreementRate)} (${shadow.agreed}/${compared})`, 'shadow-agreement'),
  );
}

function samplesTable(samples: ShadowSample[], images: SampleImages): HTMLElement {
  if (samples.length === 0) return h('p', { class: 'muted' }, t('shadowNoSamples'));
  return h('table', { class: 'shadow-samples', 'data-testid': 'shadow-samples' },
    h('thead', {}, h('tr', {}, ...[t('shadowTime'), t('image'), 'AS-IS', 'TO-BE'].map((heading) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, ...samples.map((sample) => h('tr', { 'data-sha256': sample.imageSha256 },
      h('td', {}, formatClock(sample.at)),
      h('td', {},
        sample.imageFile ? images.element(sample.imageFile, sample.imageSha256) : null,
        h('span', { class: 'mono hash', title: sample.imageSha256 }, sample.imageSha256.slice(0, 12))),
      h('td', {}, topAnswer(sample.asis)),
      h('td', {}, topAnswer(sample.tobe)),
    ))),
  );
}

/** The share to mirror and the keep-images opt-in, saved through the host (validated there). */
function settingsForm(control: ShadowControl): HTMLElement {
  const percent = h('input', { id: 'shadow-percent', type: 'number', min: 0, max: 100, step: 'any', required: true, disabled: true, 'aria-describedby': 'shadow-hint', 'data-testid': 'shadow-percent' });
  const keepImages = h('input', { id: 'shadow-keep-images', type: 'checkbox', disabled: true, 'aria-describedby': 'shadow-keep-hint', 'data-testid': 'shadow-keep-images' });
  const apply = h('button', { type: 'submit', disabled: true, 'data-action': 'save-shadow' }, t('shadowApply'));
  const note = h('p', { role: 'status', 'data-testid': 'shadow-message' });
  const fill = (settings: ShadowSettings): void => {
    percent.value = String(settings.shadowPercent);
    keepImages.checked = settings.shadowKeepImages;
    for (const input of [percent, keepImages, apply]) input.disabled = false;
  };
  const fail = (error: Error): void => {
    note.className = 'error';
    note.textContent = errorText(error);
  };
  control.settings().then(fill, fail);
  return h('form', { class: 'shadow-form', onsubmit: (event) => {
    event.preventDefault();
    control.save({ shadowPercent: Number(percent.value), shadowKeepImages: keepImages.checked }).then((update) => {
      fill(update.settings);
      note.className = 'ok';
      note.textContent = t('saved');
      control.saved();
    }, fail);
  } },
  h('div', { class: 'field' }, h('label', { for: 'shadow-percent' }, t('shadowPercent')), percent),
  h('p', { id: 'shadow-hint', class: 'muted hint' }, t('shadowHint')),
  h('label', { class: 'toggle' }, keepImages, ` ${t('shadowKeepImages')}`),
  h('p', { id: 'shadow-keep-hint', class: 'hint warning' }, t('shadowKeepImagesHint')),
  h('div', { class: 'buttons' }, apply),
  note);
}

/**
 * The kept images on show, one element each (so a status refresh moves it instead of fetching it
 * again); a `blob:` URL pins its Blob in memory, so it is revoked when its sample leaves the list.
 */
class SampleImages {
  readonly #shown = new Map<string, HTMLImageElement>();
  readonly #load: (imageFile: string) => Promise<Blob>;

  constructor(load: (imageFile: string) => Promise<Blob>) {
    this.#load = load;
  }

  /** The image element for `imageFile`, loading it the first time it is asked for. */
  element(imageFile: string, sha256: string): HTMLImageElement {
    const shown = this.#shown.get(imageFile);
    if (shown) return shown;
    const image = h('img', { class: 'thumb', alt: sha256.slice(0, 12), width: 64, height: 64, 'data-image-file': imageFile });
    this.#shown.set(imageFile, image);
    void this.#load(imageFile).then(
      (blob) => {
        // Its sample may have left the list (or the panel closed) meanwhile.
        if (this.#shown.get(imageFile) === image) image.src = URL.createObjectURL(blob);
      },
      () => (image.hidden = true),
    );
    return image;
  }

  /** Forgets every image but those in `imageFiles`, revoking their URLs. */
  keepOnly(imageFiles: Set<string>): void {
    for (const [imageFile, image] of this.#shown) {
      if (imageFiles.has(imageFile)) continue;
      if (image.src.startsWith('blob:')) URL.revokeObjectURL(image.src);
      this.#shown.delete(imageFile);
    }
  }
}
