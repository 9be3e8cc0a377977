import { resolve, sep } from 'node:path';

/** An `http://` or `https://` media URL (downloaded, not read from `MEDIA_PATH`). */
export function isHttpMedia(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Why an announce URL cannot be played. */
export class MediaFileError extends Error {
  /** The `status` of the `playback:failed` event: 400 for a bad URL, 5xx/413/415 for a download. */
  readonly status: number;

  constructor(message: string, status = 400) {
    super(message);
    this.name = 'MediaFileError';
    this.status = status;
  }
}

/**
 * The file a `file:` announce `url` names (docs/contract.md §6 "Announce URL"): `file:/x.wav`
 * and `/x.wav` are both `MEDIA_PATH/x.wav`; nothing may leave `MEDIA_PATH`
 * (`..`, encoded or not). `http(s)://` URLs are `HttpMediaCache`'s.
 */
export function resolveMediaFile(url: string, mediaPath: string): string {
  if (isHttpMedia(url)) throw new MediaFileError('an http(s) URL is not a file');
  let path = url.startsWith('file:') ? url.slice('file:'.length).replace(/^\/\//, '/') : url;
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new MediaFileError('bad percent-encoding');
  }
  if (!path.startsWith('/') || path.includes('\0')) throw new MediaFileError('not a file:/ or absolute path');
  const base = resolve(mediaPath);
  const full = resolve(base, `.${sep}${path.replace(/^\/+/, '')}`);
  if (!full.startsWith(base + sep)) throw new MediaFileError('path leaves MEDIA_PATH');
  return full;
}
