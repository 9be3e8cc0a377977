import type { HelperDelegate, HelperOptions } from 'handlebars';

/** `date` of a `file:` template (docs/contract.md §3.4): the current time in UTC. */
export interface TemplateDate {
  readonly day: number;
  /** 1–12. */
  readonly month: number;
  readonly year: number;
  /** English day name, `Monday`…`Sunday`. */
  readonly dayname: string;
  /** 0 = Sunday … 6 = Saturday. */
  readonly dayofweek: number;
  readonly hour: number;
  readonly minute: number;
  readonly seconds: number;
  /** `HH:MM`. */
  readonly time: string;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The `date` context of a template rendered at `now`, in UTC as the original computes it. */
export function templateDate(now: Date): TemplateDate {
  return Object.freeze({
    day: now.getUTCDate(),
    month: now.getUTCMonth() + 1,
    year: now.getUTCFullYear(),
    dayname: DAY_NAMES[now.getUTCDay()]!,
    dayofweek: now.getUTCDay(),
    hour: now.getUTCHours(),
    minute: now.getUTCMinutes(),
    seconds: now.getUTCSeconds(),
    time: `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}`,
  });
}

/** Weekday name and minutes since midnight at `now` in IANA zone `tz`; an unknown zone throws RangeError. */
export function zonedClock(now: Date, tz: string): { dayname: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { dayname: get('weekday'), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** `HH:MM` → minutes since midnight; NaN when malformed. */
function toMinutes(hhmm: unknown): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(hhmm));
  if (!m) return Number.NaN;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h <= 24 && min < 60 ? h * 60 + min : Number.NaN;
}

/** Splits a helper's arguments from Handlebars' trailing options object. */
function split(args: unknown[]): { values: unknown[]; options: HelperOptions | undefined } {
  const last = args[args.length - 1] as HelperOptions | undefined;
  const isOptions = last !== null && typeof last === 'object' && 'hash' in last && 'data' in last;
  return { values: isOptions ? args.slice(0, -1) : args, options: isOptions ? last : undefined };
}

/** As a block (`{{#isDay …}}…{{else}}…{{/isDay}}`) renders a branch; inline (`(isDay …)`) returns the boolean. */
function result(this: unknown, ok: boolean, options: HelperOptions | undefined): unknown {
  if (options?.fn !== undefined) return ok ? options.fn(this) : options.inverse(this);
  return ok;
}

/**
 * The helpers of docs/contract.md §3.4: `isDay tz "Monday" …` (today in `tz` is one
 * of the days), `inHours tz "09:00" "17:00"` (now in `tz` is in
 * [start, end), wrapping past midnight when end < start), comparisons `eq ne
 * lt gt lte gte` and `and`/`or` over any number of values. `now` is swappable for tests.
 */
export function templateHelpers(now: () => Date): Record<string, HelperDelegate> {
  const compare = (test: (a: unknown, b: unknown) => boolean): HelperDelegate =>
    function (this: unknown, ...args: unknown[]) {
      const { values, options } = split(args);
      return result.call(this, test(values[0], values[1]), options);
    };
  return {
    isDay(this: unknown, ...args: unknown[]) {
      const { values, options } = split(args);
      const [tz, ...days] = values;
      const { dayname } = zonedClock(now(), String(tz));
      return result.call(this, days.some((d) => String(d).toLowerCase() === dayname.toLowerCase()), options);
    },
    inHours(this: unknown, ...args: unknown[]) {
      const { values, options } = split(args);
      const [tz, from, to] = values;
      const { minutes } = zonedClock(now(), String(tz));
      const start = toMinutes(from);
      const end = toMinutes(to);
      let ok = false;
      if (!Number.isNaN(start) && !Number.isNaN(end)) ok = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
      return result.call(this, ok, options);
    },
    // biome-ignore lint/suspicious/noDoubleEquals: templates compare "1000" with 1000 like the original
    eq: compare((a, b) => a == b),
    // biome-ignore lint/suspicious/noDoubleEquals: as eq
    ne: compare((a, b) => a != b),
    lt: compare((a, b) => (a as number) < (b as number)),
    gt: compare((a, b) => (a as number) > (b as number)),
    lte: compare((a, b) => (a as number) <= (b as number)),
    gte: compare((a, b) => (a as number) >= (b as number)),
    and(this: unknown, ...args: unknown[]) {
      const { values, options } = split(args);
      return result.call(this, values.length > 0 && values.every(Boolean), options);
    },
    or(this: unknown, ...args: unknown[]) {
      const { values, options } = split(args);
      return result.call(this, values.some(Boolean), options);
    },
  };
}
