/**
 * Which connections handle which new out-of-dialog request methods, and the
 * per-method round robin over them (docs/drachtio-protocol.md §2.2–§2.3). Verbs are stored
 * lower-case and de-duplicated per connection so a repeated `route` does not
 * skew fairness.
 */
export class RouteTable<C> {
  readonly #byVerb = new Map<string, { conns: C[]; next: number }>();

  add(verb: string, conn: C): void {
    const v = verb.toLowerCase();
    let e = this.#byVerb.get(v);
    if (!e) {
      e = { conns: [], next: 0 };
      this.#byVerb.set(v, e);
    }
    if (!e.conns.includes(conn)) e.conns.push(conn);
  }

  remove(verb: string, conn: C): void {
    const v = verb.toLowerCase();
    const e = this.#byVerb.get(v);
    if (!e) return;
    const i = e.conns.indexOf(conn);
    if (i < 0) return;
    e.conns.splice(i, 1);
    if (i < e.next) e.next--;
    if (e.conns.length === 0) this.#byVerb.delete(v);
    else if (e.next >= e.conns.length) e.next = 0;
  }

  /** Drops a connection from every verb (on disconnect). */
  removeConnection(conn: C): void {
    for (const v of [...this.#byVerb.keys()]) this.remove(v, conn);
  }

  /** Next connection for `verb` in registration order, wrapping; undefined when none routed it. */
  select(verb: string): C | undefined {
    const e = this.#byVerb.get(verb.toLowerCase());
    if (!e || e.conns.length === 0) return undefined;
    if (e.next >= e.conns.length) e.next = 0;
    const c = e.conns[e.next];
    e.next = (e.next + 1) % e.conns.length;
    return c;
  }

  /** Connections that routed `verb` (copy). */
  connections(verb: string): C[] {
    return [...(this.#byVerb.get(verb.toLowerCase())?.conns ?? [])];
  }
}
