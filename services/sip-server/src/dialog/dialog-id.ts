/**
 * drachtio dialog id: `<Call-ID>;from-tag=<From tag of the dialog-forming
 * request>` — the remote tag for UAS dialogs, our own tag for UAC dialogs
 * (docs/drachtio-protocol.md §4.7). drachtio-srf hard-codes this shape.
 */
export function dialogId(callId: string, fromTag: string): string {
  return `${callId};from-tag=${fromTag}`;
}

/**
 * Key under which a dialog is found from a message: Call-ID plus our local
 * tag (the To-tag of incoming in-dialog requests, the From-tag of responses
 * to our requests). Unique because we generate local tags.
 */
export function localKey(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}
