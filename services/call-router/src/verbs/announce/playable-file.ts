import type { VerbServices } from '../verb-context.js';
import { isHttpMedia, resolveMediaFile } from './media-file.js';

/**
 * The local file RTPEngine plays for a media URL: a `file:` URL under
 * `MEDIA_PATH`, or an `http(s)://` one downloaded and converted once. Rejects
 * with `MediaFileError` (its `status` goes in `playback:failed`).
 */
export async function playableFile(url: string, services: Pick<VerbServices, 'mediaPath' | 'mediaCache'>): Promise<string> {
  return isHttpMedia(url) ? services.mediaCache.fetch(url) : resolveMediaFile(url, services.mediaPath);
}
