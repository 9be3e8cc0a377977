import type { AdminConnection } from '../drachtio/admin-connection.js';
import type { Dialog } from './dialog.js';
import { DialogState } from './dialog-state.js';
import { localKey } from './dialog-id.js';

/** All dialogs, by drachtio id and by (Call-ID, local tag). */
export class DialogStore {
  readonly #byId = new Map<string, Dialog>();
  readonly #byKey = new Map<string, Dialog>();

  add(d: Dialog): void {
    this.#byId.set(d.id, d);
    this.#byKey.set(d.key, d);
  }

  get(id: string): Dialog | undefined {
    return this.#byId.get(id);
  }

  /** Finds the dialog a message belongs to from its Call-ID and our tag. */
  find(callId: string, localTag: string | undefined): Dialog | undefined {
    if (localTag === undefined) return undefined;
    return this.#byKey.get(localKey(callId, localTag));
  }

  /** Removes the dialog and clears its timers. */
  remove(d: Dialog): void {
    d.state = DialogState.Terminated;
    d.clearTimers();
    if (this.#byId.get(d.id) === d) this.#byId.delete(d.id);
    if (this.#byKey.get(d.key) === d) this.#byKey.delete(d.key);
  }

  /** Dialogs owned by a connection. */
  ownedBy(conn: AdminConnection): Dialog[] {
    return [...this.#byId.values()].filter((d) => d.owner === conn);
  }

  get size(): number {
    return this.#byId.size;
  }

  all(): IterableIterator<Dialog> {
    return this.#byId.values();
  }
}
