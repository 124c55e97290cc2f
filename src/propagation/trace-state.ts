import type { TraceState } from '@opentelemetry/api';
import { warnOnce } from '../diagnostics/report.js';
import { COMMA, EQUALS, SPACE, TAB } from '../internal/char-codes.js';
import { detachString } from '../internal/detach-string.js';
import {
  MAX_TRACE_STATE_KEY_LENGTH,
  MAX_TRACE_STATE_MEMBERS,
  MAX_TRACE_STATE_VALUE_LENGTH,
  TRACE_STATE_DETACH_THRESHOLD,
} from './header-limits.js';
import {
  TRACE_STATE_CLASSES as CLASSES,
  TRACE_STATE_KEY_CHAR as KEY_CHAR,
  TRACE_STATE_KEY_START as KEY_START,
  TRACE_STATE_OWS as OWS,
  TRACE_STATE_VALUE_CHAR as VALUE_CHAR,
} from './header-char-classes.js';

/**
 * The W3C Trace Context Level 2 `tracestate` list (§3.3 "Tracestate Header"): an immutable, ordered list
 * of vendor `key=value` members, left-most most recent.
 *
 * Rules applied, all from the Level 2 text:
 * - key (§3.3.1.3.1): `( lcalpha / DIGIT ) 0*255( keychar )`, keychar = `a-z 0-9 _ - * / @`, so 1 to 256
 *   characters. Level 2 folds Level 1's separate `tenant@system` form into this one rule; every Level 1
 *   multi-tenant key is still accepted.
 * - value (§3.3.1.3.2): 1 to 256 characters in 0x20–0x7E except `,` and `=`, not ending in a space;
 *   leading spaces belong to the value, trailing spaces and tabs are optional whitespace.
 * - at most {@link MAX_TRACE_STATE_MEMBERS} members (§3.3.1 "list").
 */

export { MAX_TRACE_STATE_MEMBERS };

function classOf(code: number): number {
  return code < 128 ? CLASSES[code] : 0;
}

/** Whether `key` is a valid `tracestate` key (W3C Trace Context §3.3.1.3.1). */
export function isValidTraceStateKey(key: unknown): key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_TRACE_STATE_KEY_LENGTH) return false;
  if ((classOf(key.charCodeAt(0)) & KEY_START) === 0) return false;
  for (let i = 1; i < key.length; i++) {
    if ((classOf(key.charCodeAt(i)) & KEY_CHAR) === 0) return false;
  }
  return true;
}

/** Whether `value` is a valid `tracestate` value (W3C Trace Context §3.3.1.3.2). */
export function isValidTraceStateValue(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TRACE_STATE_VALUE_LENGTH) return false;
  if (value.charCodeAt(value.length - 1) === SPACE) return false;
  for (let i = 0; i < value.length; i++) {
    if ((classOf(value.charCodeAt(i)) & VALUE_CHAR) === 0) return false;
  }
  return true;
}

/**
 * An immutable `tracestate`. Holds its members as two parallel arrays (at most 32 entries, so a linear
 * search beats hashing) and caches its serialization.
 */
class W3CTraceState implements TraceState {
  readonly #keys: readonly string[];
  readonly #values: readonly string[];
  #serialized: string | undefined;

  constructor(keys: readonly string[], values: readonly string[], serialized?: string) {
    this.#keys = keys;
    this.#values = values;
    this.#serialized = serialized;
  }

  get(key: string): string | undefined {
    const index = this.#keys.indexOf(key);
    return index === -1 ? undefined : this.#values[index];
  }

  set(key: string, value: string): TraceState {
    if (!isValidTraceStateKey(key) || !isValidTraceStateValue(value)) {
      warnOnce('TraceState.set: invalid key or value; the trace state is unchanged.');
      return this;
    }
    const keys = [key];
    const values = [value];
    const oldKeys = this.#keys;
    for (let i = 0; i < oldKeys.length && keys.length < MAX_TRACE_STATE_MEMBERS; i++) {
      if (oldKeys[i] === key) continue;
      keys.push(oldKeys[i]);
      values.push(this.#values[i]);
    }
    return new W3CTraceState(keys, values);
  }

  unset(key: string): TraceState {
    const index = this.#keys.indexOf(key);
    if (index === -1) return this;
    const keys = this.#keys.slice();
    const values = this.#values.slice();
    keys.splice(index, 1);
    values.splice(index, 1);
    return new W3CTraceState(keys, values);
  }

  serialize(): string {
    if (this.#serialized === undefined) {
      let text = '';
      for (let i = 0; i < this.#keys.length; i++) {
        text += (i === 0 ? '' : ',') + this.#keys[i] + '=' + this.#values[i];
      }
      this.#serialized = text;
    }
    return this.#serialized;
  }
}

const EMPTY_TRACE_STATE: TraceState = /* @__PURE__ */ new W3CTraceState([], [], '');

/**
 * Parses a (combined) `tracestate` header value. Linear in the header's length, never throws.
 *
 * Returns `undefined` when the header holds no member or is not a valid list: a malformed member, a
 * 33rd member, a key or value out of bounds all discard the whole header (W3C Trace Context §3.3.1
 * ABNF, §4.2 step 3 "the vendor MAY discard the entire header"). Empty and whitespace-only members are
 * skipped and not counted (§3.3.1). For a duplicated key the first (left-most, most recent) member
 * is kept and later ones are dropped (§3.5 "Vendors MAY also discard duplicate keys").
 */
export function parseTraceState(header: string): TraceState | undefined {
  if (typeof header !== 'string') return undefined;
  const length = header.length;
  let keys: string[] | undefined;
  let values: string[] | undefined;
  let members = 0;
  let i = 0;
  while (i < length) {
    let code = header.charCodeAt(i);
    // Optional whitespace, then either an empty member or `key=value`.
    while (code === SPACE || code === TAB) {
      if (++i === length) break;
      code = header.charCodeAt(i);
    }
    if (i === length) break;
    if (code === COMMA) {
      i++;
      continue;
    }
    const keyStart = i;
    if ((classOf(code) & KEY_START) === 0) return undefined;
    i++;
    while (i < length && (classOf(header.charCodeAt(i)) & KEY_CHAR) !== 0) i++;
    if (i === length || header.charCodeAt(i) !== EQUALS || i - keyStart > MAX_TRACE_STATE_KEY_LENGTH) return undefined;
    const keyEnd = i++;
    const valueStart = i;
    let firstTab = -1;
    while (i < length) {
      code = header.charCodeAt(i);
      if (code === COMMA) break;
      if (code === TAB) {
        if (firstTab === -1) firstTab = i;
      } else if ((classOf(code) & VALUE_CHAR) === 0) return undefined;
      i++;
    }
    let valueEnd = i;
    while (valueEnd > valueStart && (classOf(header.charCodeAt(valueEnd - 1)) & OWS) !== 0) valueEnd--;
    if (valueEnd === valueStart || valueEnd - valueStart > MAX_TRACE_STATE_VALUE_LENGTH) return undefined;
    // A tab is only allowed in the trailing optional whitespace, never inside the value.
    if (firstTab !== -1 && firstTab < valueEnd) return undefined;
    if (++members > MAX_TRACE_STATE_MEMBERS) return undefined;
    const key = header.slice(keyStart, keyEnd);
    if (keys === undefined || values === undefined) {
      keys = [key];
      values = [header.slice(valueStart, valueEnd)];
    } else if (!keys.includes(key)) {
      keys.push(key);
      values.push(header.slice(valueStart, valueEnd));
    }
    i++; // the comma, or past the end
  }
  if (keys === undefined || values === undefined) return undefined;
  if (length > TRACE_STATE_DETACH_THRESHOLD) {
    for (let k = 0; k < keys.length; k++) {
      keys[k] = detachString(keys[k]);
      values[k] = detachString(values[k]);
    }
  }
  return new W3CTraceState(keys, values);
}

/**
 * Creates a {@link TraceState} from a `tracestate` header value, or an empty one. An invalid header
 * yields an empty trace state (see {@link parseTraceState} for the rules). Never throws.
 *
 * @example
 * ```ts
 * const state = createTraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE').set('ot', 'th:8');
 * state.serialize(); // 'ot=th:8,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'
 * ```
 */
export function createTraceState(header?: string): TraceState {
  if (header === undefined) return EMPTY_TRACE_STATE;
  return parseTraceState(header) ?? EMPTY_TRACE_STATE;
}
