/**
 * The `blob:` URLs one view made (thumbnails, downloads), revoked together when the view closes:
 * each one pins its Blob in memory until it is revoked.
 */
export class ObjectUrls {
  readonly #urls = new Set<string>();
  #closed = false;

  /** A `blob:` URL for `blob`, or null when the view has closed meanwhile (a late answer). */
  create(blob: Blob): string | null {
    if (this.#closed) return null;
    const url = URL.createObjectURL(blob);
    this.#urls.add(url);
    return url;
  }

  /** Revokes every URL made so far and refuses new ones. */
  revokeAll(): void {
    this.#closed = true;
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls.clear();
  }

  /** Saves `blob` as `fileName` the way a click on a download link does (`<a download>`). */
  download(blob: Blob, fileName: string): void {
    const url = this.create(blob);
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  }
}
