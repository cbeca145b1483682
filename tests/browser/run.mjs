// Loads every generated HTML page from disk in headless Chromium (Debian's /usr/bin/chromium,
// never a downloaded browser) and checks what a person would: no console errors and no
// network request, a screenshot, search/filter really filter, tables render with
// JavaScript off, injected markup stays text, and axe-core finds no serious or critical
// accessibility violation.
//
//   node run.mjs --shots DIR [--docs-shot PAGE_SUFFIX=PNG] [--deep a.html,b.html] DIR_OR_HTML...
//
// Every page gets the load, console, request, screenshot and JavaScript-off checks; with
// --deep only the named pages also get the filter and axe-core checks (the large NIST
// pages take half a minute each under axe).
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const argv = process.argv.slice(2);
let shots = "screenshots";
let docsShot = null;
let deep = null;
const inputs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--shots") shots = argv[++i];
  else if (argv[i] === "--docs-shot") docsShot = argv[++i];
  else if (argv[i] === "--deep") deep = new Set(argv[++i].split(","));
  else inputs.push(argv[i]);
}
if (inputs.length === 0) {
  console.error("usage: node run.mjs --shots DIR [--docs-shot FILE] DIR_OR_HTML...");
  process.exit(2);
}
const pages = inputs.flatMap((p) =>
  fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter((f) => f.endsWith(".html")).sort().map((f) => path.join(p, f))
    : [p],
);
fs.mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.error(`FAIL ${what}`);
  }
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vigocli-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

try {
  for (const file of pages) {
    const name = path.relative(process.cwd(), file);
    const started = Date.now();
    const failedBefore = failed;
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", (d) => {
      problems.push(`a dialog opened (injected script ran?): ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    const url = pathToFileURL(path.resolve(file)).href;
    page.on("request", (r) => {
      if (r.url() !== url) problems.push(`request: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: "load" });

    const base = path.basename(file, ".html");
    const dir = path.basename(path.dirname(path.resolve(file)));
    await page.screenshot({ path: path.join(shots, `${dir}-${base}.png`) });
    if (docsShot && file.endsWith(docsShot.split("=")[0])) {
      await page.screenshot({ path: docsShot.split("=")[1] });
    }

    // Exactly one script, ours: user text never becomes markup.
    check((await page.locator("script").count()) === 1, `${name}: exactly one <script> element`);

    // User text that looks like markup is shown as text.
    if (fs.readFileSync(file, "utf8").includes("&lt;script&gt;")) {
      check((await page.locator("body").innerText()).includes("<script>"), `${name}: <script> in user text is shown as text`);
    }

    const isDeep = deep === null || deep.has(path.basename(file));
    // Search and status filter.
    const forms = isDeep ? await page.locator("form.filter").count() : 0;
    for (let i = 0; i < forms; i++) {
      const form = page.locator("form.filter").nth(i);
      check(await form.isVisible(), `${name}: filter form ${i} is shown when JavaScript runs`);
      const table = page.locator(`#${await form.getAttribute("data-table")}`);
      const rows = table.locator("tbody > tr");
      const total = await rows.count();
      const visible = () => table.locator("tbody > tr:not([hidden])");
      check((await visible().count()) === total, `${name}: every row shown before filtering`);
      if (total === 0) continue;
      // Search for the first row's header text: it stays, and every row left contains it.
      const needle = (await rows.first().locator("th").first().textContent()).trim().split(/\s+/)[0].toLowerCase();
      await form.locator("input[type=search]").fill(needle);
      const shown = await visible().allInnerTexts();
      check(shown.length >= 1 && shown.length <= total, `${name}: search "${needle}" keeps its row`);
      check(shown.every((t) => t.toLowerCase().includes(needle)), `${name}: search "${needle}" hides rows without it`);
      // Controls grouped by category: a search unfolds exactly the groups with a match.
      const groups = table.locator("details.group");
      if ((await groups.count()) > 0) {
        const states = await groups.evaluateAll((gs) => gs.map((g) => [g.open, g.hidden, g.querySelector("tbody > tr:not([hidden])") !== null]));
        check(states.every(([open, hidden, any]) => open === any && hidden === !any), `${name}: search unfolds the category groups with a match, hides the others`);
      }
      await form.locator("input[type=search]").fill("no-such-thing-§§");
      check((await visible().count()) === 0, `${name}: a search that matches nothing hides every row`);
      check((await form.locator("output").innerText()) === `0 of ${total} shown`, `${name}: the count says 0 shown`);
      await form.locator("input[type=search]").fill("");
      if ((await form.locator("select").count()) === 1) {
        // Every status the filter offers (attested only on pages with evidence records).
        const offered = await form.locator("select option").evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
        check(["covered", "waived", "partial", "uncovered"].every((s) => offered.includes(s)), `${name}: the filter offers every status`);
        for (const status of offered) {
          await form.locator("select").selectOption(status);
          const expected = await table.locator(`tbody > tr[data-status="${status}"]`).count();
          const statuses = await visible().evaluateAll((rs) => rs.map((r) => r.dataset.status));
          check(statuses.length === expected && statuses.every((s) => s === status), `${name}: status filter ${status}`);
          // The summary count of this status agrees with the rows the filter leaves.
          const summary = await page.locator(`table.counts tr:has(.s-${status}) td.num`).innerText();
          check(Number(summary) === expected, `${name}: ${status} count ${summary} = ${expected} rows`);
        }
        await form.locator("select").selectOption("");
      }
      check((await visible().count()) === total, `${name}: clearing the filter shows every row again`);
      const folded = await table.locator("details.group").evaluateAll((gs) => gs.every((g) => !g.hidden && g.open === (g.dataset.open === "true")));
      check(folded, `${name}: clearing the filter folds the category groups as the page opened`);
    }

    // Trend charts: every day drawn at the numbers its table row prints, each day a link to
    // a row that exists (on this page or the framework page) and lists what got worse.
    const charts = await page.locator("figure.trend").count();
    for (let i = 0; i < charts; i++) {
      const fig = page.locator("figure.trend").nth(i);
      const id = await fig.getAttribute("data-trend");
      const drawn = await fig.locator("a.day").evaluateAll((days) =>
        days.map((a) => {
          const hit = a.querySelector("rect.hit");
          const top = Number(hit.getAttribute("y"));
          const bottom = top + Number(hit.getAttribute("height"));
          const at = (cls) => {
            const cy = Number(a.querySelector(`circle.${cls}`).getAttribute("cy"));
            return (100 * (bottom - cy)) / (bottom - top);
          };
          return {
            href: a.getAttribute("href"),
            label: a.getAttribute("aria-label"),
            x: Number(a.querySelector("circle.pt-coverage").getAttribute("cx")),
            worse: a.querySelector("circle.pt-worse") !== null,
            values: [at("pt-coverage"), at("pt-assured"), at("pt-covered")],
          };
        }),
      );
      const rows = await page.locator(`table.trend-table[data-trend="${id}"] tbody > tr`).evaluateAll((trs) =>
        trs.map((tr) => ({
          date: tr.querySelector("th").textContent.trim(),
          values: Array.from(tr.querySelectorAll("td")).slice(0, 3).map((td) => parseFloat(td.textContent)),
          worse: tr.querySelectorAll("td")[3].textContent,
        })),
      );
      check(drawn.length > 0 && drawn.length === rows.length, `${name}: chart ${id} has a day per table row (${drawn.length} = ${rows.length})`);
      const same = drawn.every((d, k) =>
        rows[k] && d.values.every((v, j) => Math.abs(v - rows[k].values[j]) <= 0.01) &&
        d.label.startsWith(`${rows[k].date}:`) &&
        rows[k].values.every((v) => d.label.includes(`${v.toFixed(2)} %`)));
      check(same, `${name}: chart ${id} draws each day at the numbers of its table row`);
      check(drawn.every((d, k) => k === 0 || d.x > drawn[k - 1].x), `${name}: chart ${id} runs left to right by date`);
      const worseDays = drawn.filter((d) => d.worse);
      check(worseDays.every((d) => rows.find((r) => d.label.startsWith(`${r.date}:`))?.worse.includes("→")), `${name}: chart ${id} marks the days whose row lists what got worse`);
      for (const d of worseDays.slice(0, 2)) {
        const [target, hash] = d.href.split("#");
        if (target === "") {
          await fig.locator(`a.day[href="${d.href}"]`).click();
          const row = page.locator(`#${hash}`);
          const ok = (await page.evaluate(() => location.hash)) === `#${hash}` && (await row.isVisible()) && (await row.innerText()).includes("→");
          check(ok, `${name}: clicking ${hash} on chart ${id} shows its row with what got worse`);
        } else {
          const other = path.join(path.dirname(file), target);
          const ok = fs.existsSync(other) && fs.readFileSync(other, "utf8").includes(`id="${hash}"`);
          check(ok, `${name}: chart ${id} links ${d.href} to a row of ${target}`);
        }
      }
    }

    // Print stylesheet: the filter and navigation are not printed.
    await page.emulateMedia({ media: "print" });
    const printed = await page.locator("form.filter, header nav").evaluateAll((es) =>
      es.every((e) => getComputedStyle(e).display === "none"),
    );
    check(printed, `${name}: the print stylesheet hides the controls`);
    await page.emulateMedia({ media: "screen" });

    // Accessibility: axe-core, injected through the DevTools protocol (not a script tag: the
    // page's Content-Security-Policy allows no script but its own).
    let result = { violations: [] };
    if (isDeep) {
      await page.evaluate(axeSource);
      result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ["violations"] }),
      );
    }
    const minor = result.violations.filter((v) => v.impact !== "serious" && v.impact !== "critical");
    for (const v of minor) console.log(`  note ${name}: axe ${v.impact} ${v.id} (${v.nodes.length} nodes)`);
    const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    for (const v of bad) {
      problems.push(`axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target})`);
    }
    for (const p of problems) console.error(`  ${name}: ${p}`);
    check(problems.length === 0, `${name}: no console error, request, dialog or serious accessibility violation`);
    await page.close();

    // JavaScript off: the same page is complete, the filter form stays hidden.
    const off = await context.newPage();
    const cdp = await context.newCDPSession(off);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await off.goto(url, { waitUntil: "load" });
    const hiddenForms = await off.locator("form.filter").evaluateAll((fs) => fs.every((f) => f.hidden));
    check(hiddenForms, `${name}: without JavaScript the filter form is hidden`);
    const tables = await off.locator("table tbody > tr:not([hidden])").count();
    const all = await off.locator("table tbody > tr").count();
    const hasTables = (await off.locator("table").count()) > 0;
    const items = hasTables ? all : await off.locator("li.card").count();
    check(tables === all && items > 0, `${name}: without JavaScript every table row or card renders (${items})`);
    await off.close();
    console.log(`${failed === failedBefore ? "ok" : "not ok"} ${name}${isDeep ? " (deep)" : ""} (${Date.now() - started} ms)`);
  }
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
