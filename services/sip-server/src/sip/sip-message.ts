/**
 * Base of {@link SipRequest} and {@link SipResponse}: an ordered header list
 * that keeps each header's original name and position, plus the body.
 *
 * Header lookups are case-insensitive and treat compact forms as their long
 * names (RFC 3261 §7.3.3). For comma-list headers (Via, Route, Contact, …;
 * see `isListHeader`) {@link SipMessage.get} returns the first *element* and
 * {@link SipMessage.getAll} every element across all lines; for other headers
 * they return whole line values.
 */
import { headerKey, isListHeader } from './compact-forms.js';
import type { SipHeader } from './sip-header.js';
import { splitHeaderValues } from './split-header-values.js';
import { type Via, parseVia } from './via.js';

const CRLF = '\r\n';
const EMPTY = Buffer.alloc(0);

export abstract class SipMessage {
  #headers: SipHeader[] = [];
  /** Canonical keys parallel to #headers (avoids lower-casing on every lookup). */
  #keys: string[] = [];
  /** Parsed top Via, dropped whenever a Via header changes (the parser, stack and dialog layer all need it). */
  #topVia?: Via;
  /** Message body (a view into the received buffer when parsed; not copied). */
  body: Buffer = EMPTY;
  /**
   * The exact bytes this message was parsed from, for byte-exact relay.
   * Not updated by header mutations; `undefined` for messages built locally.
   */
  raw?: Buffer;
  /** Protocol version token of the start line. @defaultValue 'SIP/2.0' */
  version = 'SIP/2.0';

  abstract readonly isRequest: boolean;

  /** The start line without CRLF. */
  abstract startLine(): string;

  /** Headers in wire order. Mutate through set/append/prepend/remove only. */
  get headers(): readonly SipHeader[] {
    return this.#headers;
  }

  /** Canonical keys (see `headerKey`) parallel to {@link SipMessage.headers}. */
  get headerKeys(): readonly string[] {
    return this.#keys;
  }

  /**
   * The parsed top Via element, parsed once and cached until a Via header is
   * changed through this object. Callers must not mutate the result.
   * Throws PBX_ERR_SIP_BAD_VALUE when absent or malformed.
   */
  topVia(): Via {
    if (this.#topVia === undefined) this.#topVia = parseVia(this.get('via') ?? '');
    return this.#topVia;
  }

  /** First value (first element for list headers) of `name`, or undefined. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    const i = this.#keys.indexOf(key);
    if (i < 0) return undefined;
    const value = this.#headers[i]!.value;
    if (!isListHeader(key) || value.indexOf(',') < 0) return value;
    return splitHeaderValues(value)[0];
  }

  /** All values of `name` in order; list headers are split into elements. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const list = isListHeader(key);
    const out: string[] = [];
    for (let i = 0; i < this.#keys.length; i++) {
      if (this.#keys[i] !== key) continue;
      const value = this.#headers[i]!.value;
      if (list && value.indexOf(',') >= 0) out.push(...splitHeaderValues(value));
      else out.push(value);
    }
    return out;
  }

  /** Whether at least one `name` header is present. */
  has(name: string): boolean {
    return this.#keys.includes(headerKey(name));
  }

  /**
   * Replaces the first `name` header in place (keeping its position and the
   * spelling of its name) and removes the others; appends when absent.
   */
  set(name: string, value: string): this {
    const key = headerKey(name);
    if (key === 'via') this.#topVia = undefined;
    const i = this.#keys.indexOf(key);
    if (i < 0) return this.append(name, value);
    this.#headers[i] = { name: this.#headers[i]!.name, value };
    for (let j = this.#keys.length - 1; j > i; j--) {
      if (this.#keys[j] === key) {
        this.#keys.splice(j, 1);
        this.#headers.splice(j, 1);
      }
    }
    return this;
  }

  /** Adds a header line at the end. */
  append(name: string, value: string): this {
    const key = headerKey(name);
    if (key === 'via') this.#topVia = undefined;
    this.#headers.push({ name, value });
    this.#keys.push(key);
    return this;
  }

  /** Adds a header line before every other header of the same name (or at the top if none), e.g. a new Via (RFC 3261 §16.6 step 8). */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    if (key === 'via') this.#topVia = undefined;
    let i = this.#keys.indexOf(key);
    if (i < 0) i = 0;
    this.#headers.splice(i, 0, { name, value });
    this.#keys.splice(i, 0, key);
    return this;
  }

  /**
   * Replaces the first element of `name` (the whole first line for non-list
   * headers), keeping the header's name spelling and the other elements;
   * appends when absent. Used to stamp received/rport on the top Via.
   */
  setFirst(name: string, value: string): this {
    const key = headerKey(name);
    if (key === 'via') this.#topVia = undefined;
    const i = this.#keys.indexOf(key);
    if (i < 0) return this.append(name, value);
    const h = this.#headers[i]!;
    if (isListHeader(key) && h.value.indexOf(',') >= 0) {
      const parts = splitHeaderValues(h.value);
      if (parts.length > 1) {
        parts[0] = value;
        this.#headers[i] = { name: h.name, value: parts.join(', ') };
        return this;
      }
    }
    this.#headers[i] = { name: h.name, value };
    return this;
  }

  /** Removes every `name` header; returns how many lines were removed. */
  remove(name: string): number {
    const key = headerKey(name);
    if (key === 'via') this.#topVia = undefined;
    let n = 0;
    for (let j = this.#keys.length - 1; j >= 0; j--) {
      if (this.#keys[j] === key) {
        this.#keys.splice(j, 1);
        this.#headers.splice(j, 1);
        n++;
      }
    }
    return n;
  }

  /**
   * Removes and returns the first element of `name` (e.g. pop the top Via or
   * Route); when a line holds several comma-separated elements only the first
   * is removed.
   */
  removeFirst(name: string): string | undefined {
    const key = headerKey(name);
    if (key === 'via') this.#topVia = undefined;
    const i = this.#keys.indexOf(key);
    if (i < 0) return undefined;
    const h = this.#headers[i]!;
    if (isListHeader(key) && h.value.indexOf(',') >= 0) {
      const parts = splitHeaderValues(h.value);
      if (parts.length > 1) {
        this.#headers[i] = { name: h.name, value: parts.slice(1).join(', ') };
        return parts[0];
      }
    }
    this.#keys.splice(i, 1);
    this.#headers.splice(i, 1);
    return h.value;
  }

  /** Call-ID value (compact `i` honoured). */
  get callId(): string | undefined {
    return this.get('call-id');
  }

  /**
   * Serialises the message. Content-Length is recomputed from `body`: an
   * existing Content-Length header keeps its position and name spelling, else
   * one is appended. Header lines are written as `Name: value`.
   */
  toBuffer(): Buffer {
    let head = this.startLine() + CRLF;
    let hasLength = false;
    for (let i = 0; i < this.#headers.length; i++) {
      const h = this.#headers[i]!;
      if (this.#keys[i] === 'content-length') {
        if (hasLength) continue;
        hasLength = true;
        head += `${h.name}: ${this.body.length}${CRLF}`;
      } else head += `${h.name}: ${safeValue(h.value)}${CRLF}`;
    }
    if (!hasLength) head += `Content-Length: ${this.body.length}${CRLF}`;
    head += CRLF;
    const headLen = Buffer.byteLength(head, 'utf8');
    // Not from the shared 8 KiB pool: transactions keep these bytes for 64×T1
    // for retransmissions, and one kept slice would pin a whole pool slab.
    const out = Buffer.allocUnsafeSlow(headLen + this.body.length);
    out.write(head, 0, 'utf8');
    this.body.copy(out, headLen);
    return out;
  }

  /** The message as text (UTF-8); for logs and tests. */
  toString(): string {
    return this.toBuffer().toString('utf8');
  }
}

/** A CR or LF inside a value would inject header lines; fold it to a space (RFC 3261 §7.3.1 LWS). */
function safeValue(value: string): string {
  return value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 ? value.replace(/[\r\n]+[ \t]*/g, ' ') : value;
}
