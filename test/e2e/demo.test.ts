/**
 * The demo as a user meets it: `scripts/start.mjs` (what `npm start` runs after the build) on free
 * loopback ports starts the feeder simulator and Node-RED with the demo flow; headless Chromium
 * (Debian's, through playwright-core) opens the FlowFuse dashboard, injects a permanent fault on L7
 * from the page, confirms the FDIR plan, and reads from the single-line diagram's data-state
 * attributes that the faulted section is isolated and LP7 restored through the F1-F2 tie. Then
 * Ctrl-C (SIGINT to the process group, as a terminal sends it) must stop everything with exit code 0
 * and free both ports. Screenshots and the server log go to artifacts/e2e-demo/ (git-ignored).
 *
 * Every wait is a liveness bound, not a speed assertion: the simulator's breaker recloses twice
 * (0.5 s and 15 s dead times) before it locks out, so the plan appears after about 20 s.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const ROOT = path.join(__dirname, '..', '..');
const CHROMIUM = process.env.DMS_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'artifacts', 'e2e-demo');
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Polls `probe` until it returns a value; a probe that throws an Error whose message starts "npm start exited" ends the wait. */
async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs: number, log?: () => string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe().catch((err: Error) => {
      if (err.message.startsWith('npm start exited')) throw err;
      return null;
    });
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${log ? `\n${log()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `promise`, or `fallback` after `ms` (the timer is cleared either way, so mocha can exit). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<F>((resolve) => { timer = setTimeout(() => resolve(fallback), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** A PNG of the page through the DevTools protocol (page.screenshot can hang in some headless set-ups). */
async function screenshot(page: Page, name: string): Promise<void> {
  try {
    // From the top of the page (a click may have scrolled it).
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.querySelectorAll('*').forEach((el) => {
        if (el.scrollTop > 0) el.scrollTop = 0;
      });
    });
    const cdp = await page.context().newCDPSession(page);
    const shot = await within(cdp.send('Page.captureScreenshot', { format: 'png' }), 15000, null);
    if (!shot) throw new Error('Page.captureScreenshot did not answer within 15 s');
    writeFileSync(path.join(ARTIFACTS, `${name}.png`), Buffer.from(shot.data, 'base64'));
    await cdp.detach();
  } catch (err) {
    // An artifact is a convenience: its failure must not hide the test's result.
    console.warn(`      (screenshot ${name} not saved: ${(err as Error).message})`);
  }
}

const DIAGRAM_IDS = ['L7', 'DS-7', 'DS-10', 'CB-F1', 'NO-F1F2', 'LP1', 'LP5', 'LP7'];
const F3_IDS = ['L21', 'DS-21', 'DS-24', 'CB-F3', 'NO-F3F4', 'LP10', 'LP13', 'LP15'];

function diagramStates(page: Page, ids = DIAGRAM_IDS): Promise<Record<string, string | null>> {
  return page.evaluate((ids) => Object.fromEntries(ids.map((id) => [id, document.querySelector(`.dms-diagram-box [data-id="${id}"]`)?.getAttribute('data-state') ?? null])), ids);
}

function pageText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText.replace(/\s+/g, ' '));
}

describe('npm start demo in a browser', function () {
  this.timeout(300_000);
  let server: ChildProcess | null = null;
  let exited: Promise<number | null> | null = null;
  let serverLog = '';
  let browser: Browser | BrowserContext | null = null;
  let userDir = '';
  let profile = '';

  before(function () {
    if (!existsSync(CHROMIUM)) {
      // CI installs Chromium (.ci/run): there a missing browser is a failure, not a reason to skip.
      if (process.env.CI === 'true') throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser test (.ci/run installs Debian's chromium)`);
      console.log(`      skipped: no Chromium at ${CHROMIUM}. Install Debian's (sudo apt-get install chromium) or set DMS_CHROMIUM to a Chromium binary, then run npm test (or npm run build && npx mocha test/e2e/demo.test.ts).`);
      this.skip();
    }
    if (!existsSync(path.join(ROOT, 'dist', 'lib', 'sim', 'index.js'))) throw new Error('dist/ is missing: run npm run build first (npm test does)');
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null && server.signalCode === null) {
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (userDir) rmSync(userDir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('injects a permanent fault from the dashboard, confirms the plan, shows the fault isolated and LP7 restored; acts out crew steps on a manual feeder; stops on Ctrl-C', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    let simPort = await freePort();
    while (simPort === port) simPort = await freePort();
    userDir = mkdtempSync(path.join(os.tmpdir(), 'dms-demo-'));
    profile = mkdtempSync(path.join(os.tmpdir(), 'dms-chromium-'));

    // The demo, in its own process group so a group SIGINT is what a terminal's Ctrl-C does.
    const logFile = createWriteStream(path.join(ARTIFACTS, 'npm-start.log'));
    server = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), DMS_SIM_PORT: String(simPort), DMS_USER_DIR: userDir, DMS_DEMO_FLOW: '' },
    });
    const child = server;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (d: Buffer) => {
        serverLog += d.toString();
        logFile.write(d);
      });
    }
    const tail = () => serverLog.split('\n').slice(-25).join('\n');
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited with code ${child.exitCode}\n${tail()}`);
      return /Started flows/.test(serverLog) && (await fetch(`http://127.0.0.1:${port}/dashboard/`)).ok;
    }, 'Node-RED with the demo flow', 90_000, tail);
    assert.match(serverLog, new RegExp(`feeder simulator: .* on 127\\.0\\.0\\.1:${simPort}`));
    assert.match(serverLog, /flow file: demo flow \(written\)/);
    const deployed = JSON.parse(readFileSync(path.join(userDir, 'flows.json'), 'utf8')) as Array<{ type: string; tcpPort?: string }>;
    assert.equal(deployed.find((n) => n.type === 'modbus-client')?.tcpPort, String(simPort), 'the flow reads the simulator on its port');

    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
    browser = context;
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/dashboard/feeder`, { waitUntil: 'load' });
    await until(async () => (await diagramStates(page)).L7 === 'live', 'the live diagram in its normal state', 60_000);
    // Every IED read once (positions known to FDIR) before the fault.
    await until(async () => /every load point supplied/.test(await pageText(page)) && /substation \d+ kW/.test(await pageText(page)), 'the first polls', 30_000);
    const normal = await diagramStates(page);
    assert.deepEqual(normal, { L7: 'live', 'DS-7': 'closed', 'DS-10': 'closed', 'CB-F1': 'closed', 'NO-F1F2': 'open', LP1: 'live', LP5: 'live', LP7: 'live' });
    await screenshot(page, '1-normal');

    // Choose L7 in the fault list (a Vuetify select), a permanent fault, and inject it.
    await page.locator('.v-select', { hasText: 'Fault section' }).locator('.v-field').click();
    await page.getByRole('option', { name: 'L7 (main F1-N2 - F1-N3)' }).click();
    await until(async () => (await page.locator('.v-select', { hasText: 'Fault section' }).innerText()).includes('L7 (main'), 'L7 selected', 10_000);
    await page.getByRole('button', { name: 'Inject fault' }).click();

    // CB-F1 trips, recloses twice and locks out; FDIR locates the fault and waits for the operator.
    await until(async () => /awaiting confirmation/.test(await pageText(page)), 'the FDIR plan awaiting confirmation', 120_000, tail);
    const faulted = await diagramStates(page);
    assert.equal(faulted['CB-F1'], 'open', 'CB-F1 locked out');
    assert.equal(faulted.L7, 'faulted');
    assert.equal(faulted.LP7, 'dead');
    const text = await pageText(page);
    assert.match(text, /Fault in L7, L8, L9/);
    assert.match(text, /1 DS-7 open remote .*2 DS-10 open remote .*3 CB-F1 close remote .*4 NO-F1F2 close remote/);
    await screenshot(page, '2-fault-located');

    await page.getByRole('button', { name: 'Confirm plan' }).click();
    const restored = await until(async () => {
      const s = await diagramStates(page);
      return s['NO-F1F2'] === 'closed' && s.LP7 === 'restored' && s['CB-F1'] === 'closed' ? s : null;
    }, 'the isolation and the restoration through the tie on the diagram', 120_000, tail);
    // The faulted zone is isolated on both sides; upstream and downstream loads are back; the zone's own load waits for the repair.
    assert.deepEqual(restored, { L7: 'faulted', 'DS-7': 'open', 'DS-10': 'open', 'CB-F1': 'closed', 'NO-F1F2': 'closed', LP1: 'restored', LP5: 'dead', LP7: 'restored' });
    await until(async () => /plan-done/.test(await pageText(page)), 'plan-done in the event log', 30_000);
    assert.match(await pageText(page), /restored 641 of 652 customers, 11 out/);
    await screenshot(page, '3-restored');

    // Reset, then a fault on F3, whose disconnects are manual: FDIR gives crew steps, and the same
    // button has the simulator act each one out (control unit crewOpen/crewClose) before FDIR goes on.
    await page.getByRole('button', { name: 'Reset simulator' }).click();
    await until(async () => {
      const s = await diagramStates(page, [...DIAGRAM_IDS, ...F3_IDS]);
      return s['CB-F1'] === 'closed' && s['NO-F1F2'] === 'open' && s.L7 === 'live' && s.L21 === 'live' && /every load point supplied/.test(await pageText(page));
    }, 'the feeder back to normal after the reset', 60_000, tail);
    // FDIR handles one incident at a time: it closes the L7 incident once it reads the normal states.
    await until(async () => /incident \S+ closed: back to normal/.test(await pageText(page)), 'FDIR back to normal', 60_000, tail);
    await page.locator('.v-select', { hasText: 'Fault section' }).locator('.v-field').click();
    await page.getByRole('option', { name: 'L21 (main F3-N2 - F3-N3)' }).click();
    await until(async () => (await page.locator('.v-select', { hasText: 'Fault section' }).innerText()).includes('L21 (main'), 'L21 selected', 10_000);
    await page.getByRole('button', { name: 'Inject fault' }).click();
    // Only CB-F3 has an IED on F3: FDIR names the whole feeder and waits for the patrol's report.
    let seen = '';
    await until(async () => /Fault in L16, .*L21, .*L25: plan \S+, 0\/0 steps done/.test((seen = await pageText(page))), 'the F3 lockout located', 120_000, () => `${tail()}\npage: ${seen}`);
    await page.getByRole('button', { name: 'Patrol found the fault' }).click();
    await until(async () => /patrol found the fault on "L21"/.test((seen = await pageText(page))) && /awaiting confirmation/.test(seen), 'the crew plan awaiting confirmation', 30_000, () => `${tail()}\npage: ${seen}`);
    // The crew isolates L21; the breaker recloses remotely. The F3-F4 tie is closed by the crew only
    // when the power flow at the live loads allows it (F4 near its peak may not carry LP15 as well).
    const planText = await pageText(page);
    assert.match(planText, /1 DS-21 open crew planned 2 DS-24 open crew planned 3 CB-F3 close remote planned/);
    const viaTie = /4 NO-F3F4 close crew planned/.test(planText);
    await page.getByRole('button', { name: 'Confirm plan' }).click();
    const crewSteps: Array<[number, string, string]> = [[1, 'DS-21', 'open'], [2, 'DS-24', 'open'], ...(viaTie ? [[4, 'NO-F3F4', 'close'] as [number, string, string]] : [])];
    for (const [step, device, action] of crewSteps) {
      await until(async () => new RegExp(`${step} ${device} ${action} crew crew to confirm`).test(await pageText(page)), `crew step ${step} (${action} ${device}) awaited`, 60_000, tail);
      await page.getByRole('button', { name: 'crew step done' }).click();
    }
    const crewRestored = await until(async () => {
      const s = await diagramStates(page, F3_IDS);
      return s['CB-F3'] === 'closed' && s['DS-24'] === 'open' && s.LP10 === 'restored' && (!viaTie || s.LP15 === 'restored') ? s : null;
    }, 'the F3 fault isolated by the crew and F3 reclosed', 120_000, tail);
    assert.deepEqual(crewRestored, {
      L21: 'faulted', 'DS-21': 'open', 'DS-24': 'open', 'CB-F3': 'closed', 'NO-F3F4': viaTie ? 'closed' : 'open', LP10: 'restored', LP13: 'dead', LP15: viaTie ? 'restored' : 'dead',
    });
    // LP10-LP12 (620 customers) are back; LP13, LP14 (the isolated section's) and, without the tie, LP15 wait for the repair.
    const report = viaTie ? /restored 630 of 632 customers, 2 out/ : /restored 620 of 632 customers, 12 out/;
    await until(async () => report.test(await pageText(page)), 'the F3 restoration report', 30_000, tail);
    await screenshot(page, '3b-crew-restored');

    // The other pages render their results.
    await page.goto(`http://127.0.0.1:${port}/dashboard/reliability`, { waitUntil: 'load' });
    await until(async () => /optimal \d+ automated switch/.test(await pageText(page)) && /SAIDI/.test(await pageText(page)), 'the reliability page', 60_000);
    // The historical indices take the records FDIR wrote when LP1-LP4 and LP7 were restored.
    await until(async () => /records (\d+) accepted/.exec(await pageText(page)), 'the historical indices of the run', 30_000);
    const accepted = Number(/records (\d+) accepted/.exec(await pageText(page))![1]);
    assert.ok(accepted >= 2, `${accepted} interruption records in the historical indices`);
    await screenshot(page, '4-reliability');
    await page.goto(`http://127.0.0.1:${port}/dashboard/substation`, { waitUntil: 'load' });
    await until(async () => /in service \w+, best \w+/.test(await pageText(page)), 'the substation page', 60_000);
    await screenshot(page, '5-substation');
    assert.deepEqual(pageErrors, [], 'no script error on the dashboard pages');
    await context.close();
    browser = null;

    // Ctrl-C: SIGINT to the whole process group stops Node-RED and the simulator; both ports close.
    process.kill(-child.pid!, 'SIGINT');
    const code = await within(exited!, 30_000, 'still running after 30 s');
    assert.equal(code, 0, `npm start should exit 0 on Ctrl-C (got ${code})\n${tail()}`);
    assert.match(serverLog, /feeder simulator stopped/);
    assert.equal(await portOpen(port), false, 'Node-RED port closed');
    assert.equal(await portOpen(simPort), false, 'simulator port closed');
    logFile.end();
  });
});
