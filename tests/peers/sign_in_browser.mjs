// Opens an agreement page in headless Chromium as a signed-in party, signs
// it with the page's own form, and reports what the page shows afterwards.
//
//   CHROMIUM=/usr/bin/chromium node tests/peers/sign_in_browser.mjs \
//     <agreement page URL> <session secret> <signatory> <screenshot.png>
//
// Prints one JSON line: {"before": <h1>, "after": <parties table text>,
// "url": <the page's URL after the form was sent>}. Exits non-zero (with
// the reason on stderr) when a step fails.
import { chromium } from "playwright-core";

const [link, session, signatory, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error("usage: sign_in_browser.mjs <url> <session> <signatory> <screenshot>");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // As root in a sandbox with a closed network: no sandbox, no GPU, no
  // background connections to Google's hosts.
  args: [
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
  const context = await browser.newContext({ locale: "ro-RO" });
  await context.addCookies([{ name: "pactum_session", value: session, url: new URL(link).origin }]);
  const page = await context.newPage();
  const opened = await page.goto(link);
  if (!opened || opened.status() !== 200) {
    throw new Error(`${link} answered ${opened && opened.status()}`);
  }
  const before = (await page.locator("h1").textContent()).trim();
  await page.getByLabel("Numele și funcția celui care semnează", { exact: false }).first().fill(signatory);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: "Semnați acordul" }).first().click(),
  ]);
  const after = (await page.locator("table").first().textContent()).replace(/\s+/g, " ").trim();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ before, after, url: page.url() }));
} finally {
  await browser.close();
}
