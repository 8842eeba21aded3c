/**
 * The console end to end, as a user sees it: the built `ebb serve` serves it, headless Chromium
 * (Debian's /usr/bin/chromium, driven by playwright-core) signs in with the token, watches an
 * app scale from zero on the app page while traffic goes through the gateway (replicas 0 -> 1,
 * the ColdStart event with its phases), checks that the metrics history and `/metrics` count
 * exactly the requests sent, changes the scaling through the dialog, and saves the screenshots
 * used in docs/console.md. Fails (never skips) when Chromium is missing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { repoRoot, startBuiltEbb, traffic, until, type BuiltEbb } from "./harness.js";

const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const app = "console-e2e";
/** A second app that only sits at zero, so the list shows both states. */
const idle = "idle-e2e";
const waitMs = 20_000;

test("the console shows an app scaling from zero, its cold start and its traffic", { timeout: 90_000 }, async () => {
  assert.ok(existsSync(chromiumPath), `Chromium is missing at ${chromiumPath}: install Debian's chromium package (apt-get install chromium)`);
  const ebb = await startBuiltEbb();
  let browser: Browser | undefined;
  try {
    const spec = (name: string, scaledownAfter: number) => ({ name, command: [process.execPath, "server.mjs"], workdir: ebb.appDir, requiresAuth: false, scaling: { replicas: [0, 1], scaledownAfter } });
    await ebb.client.deploy([spec(app, 2), spec(idle, 1)]);
    await waitForEvent(ebb, "ScaledToZero");
    assert.equal((await ebb.client.getApp(app)).status.replicas.ready, 0);

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    await signIn(page, ebb);

    await page.locator(`tr[data-app="${app}"] a.app-name`).click();
    const ready = page.getByTestId("replicas-ready");
    await ready.filter({ hasText: /^0$/ }).waitFor({ timeout: waitMs });

    // Traffic in three phases (light, heavy, light) so the charts have a shape; the first request wakes the app.
    const seenOne = ready.filter({ hasText: /^1$/ }).waitFor({ timeout: 30_000 }).then(() => null, (err: Error) => err);
    const sent = [
      await traffic(ebb.gatewayPort, app, 40, 2, 150),
      await traffic(ebb.gatewayPort, app, 240, 8, 130),
      await traffic(ebb.gatewayPort, app, 40, 2, 100),
    ];
    const total = sent.reduce((n, m) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
    const ok = sent.reduce((n, m) => n + (m.get(200) ?? 0), 0);
    assert.equal(ok, total, `every request answered 200: ${JSON.stringify(sent.map((m) => [...m]))}`);
    const notSeen = await seenOne;
    if (notSeen) throw notSeen;
    await page.locator('[data-event-type="ColdStart"]').first().waitFor({ timeout: waitMs });
    await page.locator('[data-event-type="ColdStart"] [data-testid="cold-start-bar"]').first().waitFor({ timeout: waitMs });
    await page.locator('[data-event-type="ScaledUp"] .decision').first().waitFor({ timeout: waitMs });

    // The history counts exactly the requests sent (it is written once per second).
    let counted = -1;
    await until(
      async () => {
        counted = await historyRequests(ebb);
        return counted === total;
      },
      waitMs,
      `the metrics history to count ${total} requests`,
    ).catch((err: Error) => assert.fail(`${err.message}; it counts ${counted}`));
    assert.equal(prometheusRequests(await ebb.client.metrics()), total, "GET /metrics counts every request sent");

    await page.locator('[data-chart="rate"][data-has-data="true"]').waitFor({ timeout: waitMs });
    await page.locator('[data-chart="latency"][data-has-data="true"]').waitFor({ timeout: waitMs });
    await page.getByTestId("metrics-note").filter({ hasText: `${total} requests` }).waitFor({ timeout: waitMs });
    // Screenshots go to tests/artifacts/ (not tracked); EBB_UPDATE_SCREENSHOTS=1 refreshes the
    // ones in docs/img/ that the README shows.
    const img = join(repoRoot(), ...(process.env.EBB_UPDATE_SCREENSHOTS === "1" ? ["docs", "img"] : ["tests", "artifacts"]));
    mkdirSync(img, { recursive: true });
    await page.screenshot({ path: join(img, "console-app.png"), fullPage: true });

    await changeScaling(page);
    await until(async () => (await ebb.client.getApp(app)).spec.scaling.replicas[1] === 3, waitMs, "max replicas 3 applied");
    assert.equal((await ebb.client.getApp(app)).spec.scaling.scaledownAfter, 90);
    // Some traffic after the change, so the list shows the app serving (it now stays up 90 s).
    assert.equal((await traffic(ebb.gatewayPort, app, 20, 2, 50)).get(200), 20);

    await page.getByRole("navigation").getByRole("link", { name: "Apps" }).click();
    const row = page.locator(`tr[data-app="${app}"]`);
    await row.locator("td", { hasText: "0–3" }).waitFor({ timeout: waitMs });
    await row.getByTestId("replicas").filter({ hasText: /^1\/1$/ }).waitFor({ timeout: waitMs });
    await page.locator(`tr[data-app="${idle}"]`).getByText("Active · scaled to zero").waitFor({ timeout: waitMs });
    const table = await page.getByTestId("apps-table").boundingBox();
    assert.ok(table, "the apps table is on screen");
    await page.screenshot({ path: join(img, "console-apps.png"), clip: { x: 0, y: 0, width: 1280, height: Math.ceil(table.y + table.height + 32) } });

    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assert.equal(overflow, 0, "no sideways scrolling on a phone-sized screen");
  } catch (err) {
    (err as Error).message += `\n--- ebb serve log ---\n${ebb.log().slice(-4000)}`;
    throw err;
  } finally {
    await browser?.close();
    await ebb.close();
  }
});

async function signIn(page: Page, ebb: BuiltEbb): Promise<void> {
  await page.goto(`${ebb.apiUrl}/`);
  await page.locator("#token").fill("not-the-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "not this server's" }).waitFor({ timeout: waitMs });
  await page.locator("#token").fill(ebb.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(`tr[data-app="${app}"]`).waitFor({ timeout: waitMs });
  assert.ok(!page.url().includes(ebb.token), "the token never goes into the URL");
  assert.equal(await page.evaluate("localStorage.getItem('ebb.console.token')"), ebb.token);
}

async function changeScaling(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Scaling…" }).click();
  const dialog = page.getByTestId("confirm-dialog");
  await dialog.locator('input[name="max"]').fill("0");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await dialog.getByText("max must be a whole number, 1 or more").waitFor({ timeout: waitMs });
  await dialog.locator('input[name="max"]').fill("3");
  await dialog.locator('input[name="scaledownAfter"]').fill("90s");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await dialog.waitFor({ state: "detached", timeout: waitMs });
}

async function waitForEvent(ebb: BuiltEbb, type: string): Promise<void> {
  for await (const e of ebb.client.streamEvents({ app, after: 0 }, AbortSignal.timeout(waitMs))) if (e.type === type) return;
  assert.fail(`no ${type} event for ${app} within ${waitMs} ms`);
}

async function historyRequests(ebb: BuiltEbb): Promise<number> {
  const now = Date.now();
  const res = await fetch(`${ebb.apiUrl}/api/v1/apps/${app}/metrics?from=${now - 15 * 60_000}&to=${now + 60_000}&step=1000`, {
    headers: { authorization: `Bearer ${ebb.token}` },
  });
  assert.equal(res.status, 200, `GET /api/v1/apps/${app}/metrics answered ${res.status}`);
  const { samples } = (await res.json()) as { samples: Array<{ requests: number }> };
  return samples.reduce((n, s) => n + s.requests, 0);
}

/** The sum of `ebb_requests_total{app="<app>",...}` over status codes in Prometheus text. */
function prometheusRequests(text: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const m = /^ebb_requests_total\{([^}]*)\} (\S+)$/.exec(line);
    if (m && m[1]!.split(",").includes(`app="${app}"`)) sum += Number(m[2]);
  }
  return sum;
}
