import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileHookRenderer, resolveFileHook } from '../src/routing/render-file-hook.js';
import { templateDate, zonedClock } from '../src/routing/template-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'call-router-files-'));
mkdirSync(join(root, 'ivr'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(join(root, name), text);
const body = { domain: 'd.test', from: '1000', to: '1001', callId: 'c', sourceAddress: '127.0.0.1', headers: {}, source: 'client', refer: false, count: 1 };
// Wednesday 2026-01-07 10:30:15 UTC (London: 10:30; New York: 05:30).
const at = new Date(Date.UTC(2026, 0, 7, 10, 30, 15));
const renderer = new FileHookRenderer(root, () => at);

describe('file: CallHook templates', () => {
  it('resolves file://x, file:/x and file:x under FILE_PATH, never outside it', () => {
    expect(resolveFileHook('file://a.json', root)).toBe(join(root, 'a.json'));
    expect(resolveFileHook('file:/ivr/a.json', root)).toBe(join(root, 'ivr', 'a.json'));
    expect(resolveFileHook('file:a.json', root)).toBe(join(root, 'a.json'));
    for (const bad of ['file:/../etc/passwd', 'file://../x', 'file:/ivr/../../x', 'file:/%2e%2e/x']) {
      expect(() => resolveFileHook(bad, root), bad).toThrow('leaves FILE_PATH');
    }
  });

  it('renders the CallHook body fields and date (UTC) into a JSON script', async () => {
    write('vars.json', '[{"verb":"response","code":486,"reason":"{{from}} to {{to}} #{{count}} {{date.dayname}} {{date.time}} {{date.year}}-{{date.month}}-{{date.day}} {{date.dayofweek}} {{date.hour}}:{{date.minute}}:{{date.seconds}}"}]');
    expect(await renderer.render('file:/vars.json', body)).toEqual([
      { verb: 'response', code: 486, reason: '1000 to 1001 #1 Wednesday 10:30 2026-1-7 3 10:30:15' },
    ]);
  });

  it('isDay / inHours (block and inline, with a time zone), comparisons and and/or', async () => {
    write(
      'hours.json',
      `[{"verb":"response","code":{{#isDay "Europe/London" "Monday" "Wednesday"}}{{#inHours "Europe/London" "09:00" "17:00"}}480{{else}}481{{/inHours}}{{else}}482{{/isDay}},
        "reason":"{{#if (inHours "America/New_York" "09:00" "17:00")}}ny-open{{else}}ny-closed{{/if}} {{#if (and (eq to "1001") (or (gt count 5) (lte count 1)))}}yes{{/if}} {{#if (ne from 1000)}}ne{{else}}loose-eq{{/if}} {{#if (isDay "Asia/Tokyo" "Wednesday")}}tokyo-wed{{/if}} {{#if (inHours "UTC" "22:00" "11:00")}}wrap{{/if}}"}]`,
    );
    expect(await renderer.render('file:/hours.json', body)).toEqual([{ verb: 'response', code: 480, reason: 'ny-closed yes loose-eq tokyo-wed wrap' }]);
  });

  it('escapes caller-controlled values so they cannot break out of a JSON string', async () => {
    write('inject.json', '[{"verb":"response","code":486,"reason":"{{from}}"}]');
    const evil = { ...body, from: '1000"},{"verb":"connect","dest":[{"type":"sip","address":"sip:x@evil"}]},{"x":"' };
    expect(await renderer.render('file:/inject.json', evil)).toEqual([{ verb: 'response', code: 486, reason: evil.from }]);
  });

  it('a missing file, a render error or non-JSON output throws PBX_ERR_CALLHOOK_TEMPLATE', async () => {
    write('broken.json', '[{"verb": {{#if}}');
    write('notjson.json', 'hello {{from}}');
    for (const url of ['file:/missing.json', 'file:/broken.json', 'file:/notjson.json']) {
      await expect(renderer.render(url, body), url).rejects.toMatchObject({ code: 'PBX_ERR_CALLHOOK_TEMPLATE' });
    }
  });

  it('date helpers: UTC fields and zoned clock', () => {
    expect(templateDate(at)).toMatchObject({ day: 7, month: 1, year: 2026, dayname: 'Wednesday', dayofweek: 3, time: '10:30' });
    expect(zonedClock(at, 'America/New_York')).toEqual({ dayname: 'Wednesday', minutes: 5 * 60 + 30 });
    expect(() => zonedClock(at, 'Not/AZone')).toThrow(RangeError);
  });
});
