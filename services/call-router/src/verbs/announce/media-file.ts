import { resolve, sep } from 'node:path';

/** Why an announce URL cannot be played. */
export class MediaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaFileError';
  }
}

/**
 * The file an announce `url` names (docs/contract.md §6 "Announce URL"): `file:/x.wav`
 * and `/x.wav` are both `MEDIA_PATH/x.wav`; nothing may leave `MEDIA_PATH`
 * (`..`, encoded or not). `http(s)://` downloads are not built yet.
 */
export function resolveMediaFile(url: string, mediaPath: string): string {
  if (/^https?:\/\//i.test(url)) throw new MediaFileError('http(s) announcements are not supported yet');
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
