// Opens the HTML incident report in Debian's headless Chromium (driven by
// playwright-core) and checks what a reader sees: the timeline drawn with one
// mark per exposure window, actor, logging gap and deadline, the tables with
// the expected numbers, no request leaving the page. Keeps a screenshot.
//
// usage: node browser_test.mjs REPORT.html EXPECTED.json SCREENSHOT.png
import { chromium } from 'playwright-core';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [html, expectedPath, shot] = process.argv.slice(2);
const want = JSON.parse(readFileSync(expectedPath, 'utf8'));
const fails = [];
const check = (cond, what) => { if (!cond) { fails.push(what); console.log('FAIL:', what); } };

const profile = mkdtempSync(join(tmpdir(), 'cw-chromium-'));
// a fresh, empty profile directory (playwright passes it as --user-data-dir)
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  check(errors.length === 0, `script errors: ${errors.join('; ')}`);
  check(requests.every((u) => u.startsWith('file:')), `requests left the page: ${requests.filter((u) => !u.startsWith('file:'))}`);
  check(await page.getAttribute('#timeline', 'data-ready') === '1', 'the inline script did not run');
  const count = (sel) => page.locator(sel).count();
  check(await count('#timeline .tl-exposure') === want.windows, `exposure bars: ${await count('#timeline .tl-exposure')}, want ${want.windows}`);
  check(await count('#timeline g.tl-access') === want.actors, `actor marks: ${await count('#timeline g.tl-access')}, want ${want.actors}`);
  check(await count('#timeline .tl-gap') === want.gaps, `gap bars: ${await count('#timeline .tl-gap')}, want ${want.gaps}`);
  check(await count('#timeline .tl-discovery') === 1, 'no discovery line');
  check(await count('#timeline .tl-deadline') === want.deadlines, `deadline marks: ${await count('#timeline .tl-deadline')}, want ${want.deadlines}`);
  // drawn, not just present: every mark has a size on screen
  const boxes = await page.$$eval('#timeline .tl-exposure, #timeline g.tl-access, #timeline .tl-gap',
    (els) => els.map((e) => { const b = e.getBoundingClientRect(); return [b.width, b.height]; }));
  check(boxes.every(([w, h]) => w > 0 && h > 0), `a timeline mark has no size: ${JSON.stringify(boxes)}`);
  const svg = await page.locator('#timeline').boundingBox();
  check(svg && svg.width > 600 && svg.height > 100, `timeline box ${JSON.stringify(svg)}`);
  // tables
  const rows = (id) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  const actors = await rows('actors');
  check(actors.length === want.actors, `actor rows ${actors.length}, want ${want.actors}`);
  for (const a of want.actor_rows) {
    const r = actors.find((x) => x[0] === a.id);
    check(r, `actor ${a.id} missing`);
    if (r) {
      check(r[1] === a.kind, `${a.id} kind ${r[1]}`);
      check(r[5] === String(a.objects_read), `${a.id} objects read ${r[5]}, want ${a.objects_read}`);
      check(r[6] === String(a.full_copies), `${a.id} full copies ${r[6]}, want ${a.full_copies}`);
      check(r[7] === String(a.bytes_sent), `${a.id} bytes ${r[7]}, want ${a.bytes_sent}`);
    }
  }
  const countries = await rows('countries');
  for (const [code, values] of Object.entries(want.countries)) {
    const r = countries.find((x) => x[1] === code);
    check(r && r[2] === String(values), `country ${code}: ${r && r[2]}, want ${values}`);
  }
  const cats = await rows('categories');
  for (const [name, occ] of Object.entries(want.categories)) {
    const r = cats.find((x) => x[0] === name);
    check(r && r[1] === String(occ), `category ${name}: ${r && r[1]}, want ${occ}`);
  }
  const obl = await page.$$eval('#obligations tbody tr', (trs) => trs.map((tr) => [tr.dataset.jurisdiction, tr.cells[3].textContent]));
  for (const [code, due] of Object.entries(want.due)) {
    check(obl.some(([c, d]) => c === code && d.includes(due)), `${code}: no step due ${due}`);
  }
  check((await page.textContent('#legal-notice')).includes('not legal advice'), 'no legal notice');
  check((await page.textContent('#verdict')).trim() === want.verdict, `verdict ${await page.textContent('#verdict')}`);
  await page.screenshot({ path: shot.replace(/\.png$/, '-top.png') });
  await page.locator('#timeline').screenshot({ path: shot.replace(/\.png$/, '-timeline.png') });
  // sorting works: click "bytes sent" twice and the first row becomes the largest
  await page.click('#actors th:nth-child(8)');
  await page.click('#actors th:nth-child(8)');
  const sorted = (await rows('actors')).map((r) => Number(r[7]));
  check(sorted[0] === Math.max(...sorted), `sorting by bytes: ${sorted}`);
  await page.screenshot({ path: shot, fullPage: true });
  const body = await page.content();
  for (const v of want.forbidden) check(!body.includes(v), `personal value in the rendered page: ${v}`);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${fails.length ? 0 : 1} passed, ${fails.length ? 1 : 0} failed`);
process.exit(fails.length ? 1 : 0);
