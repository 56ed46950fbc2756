#!/usr/bin/env node
// Browser tests of the Security Posture plugin: starts the demo as `npm start` does,
// signs in as guest in Debian's Chromium (Playwright), checks what the tab, the
// overview card, the team view and the posture page show against what the REST API
// says, and writes a screenshot of each view to test-results/e2e/.
//
// Environment:
//   E2E_REUSE_DEMO=1     use a demo that is already running instead of starting one
//   E2E_COMPONENT=name   the demo component to open (default: the scored one with
//                        the most open findings)
//   CHROMIUM=/path       browser executable (default /usr/bin/chromium)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { portInUse, startDemo, tail, waitFor } from './demo.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../..');
const OUT = path.join(ROOT, 'test-results', 'e2e');
const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const API = `${BACKEND}/api/security-posture`;
const REQUESTED_COMPONENT = process.env.E2E_COMPONENT;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const REUSE = process.env.E2E_REUSE_DEMO === '1';

const percent = p => (p === null || p === undefined ? '–' : `${p.toFixed(1)}%`);
const log = (...args) => console.log('[e2e]', ...args);

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** A guest token from the backend, as the sign-in page gets it. */
async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh?env=development`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

async function getJson(url, token) {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok)
    throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`,
    );
  }

  let demo;
  if (!REUSE) {
    for (const port of [3000, 7007]) {
      if (await portInUse(port)) {
        throw new Error(
          `port ${port} is in use: stop the running demo, or set E2E_REUSE_DEMO=1 to test it`,
        );
      }
    }
    log(
      'starting the demo (backstage-cli repo start) on a temporary SQLite folder',
    );
    demo = startDemo({ root: ROOT, logFile: path.join(OUT, 'demo.log') });
    // Interrupted: stop the demo too, it runs in its own process group.
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        log(`${signal}: stopping the demo`);
        demo.stop().finally(() => process.exit(130));
      });
    }
  }

  const results = [];
  let browser;
  try {
    await waitFor(
      'the backend',
      async () => (await fetch(`${API}/health`)).ok,
      { timeoutMs: 8 * 60_000, demo },
    );
    log('backend is up');
    await waitFor('the app', async () => (await fetch(APP)).ok, {
      timeoutMs: 8 * 60_000,
      demo,
    });
    log('app is up');

    const token = await waitFor('guest sign-in', guestToken, {
      timeoutMs: 3 * 60_000,
      demo,
    });
    // Wait for the startup scan; ask for one if it has not come after 30 s.
    let asked = false;
    const started = Date.now();
    const COMPONENT = await waitFor(
      'scored demo components',
      async () => {
        const board = await getJson(`${API}/leaderboard?limit=100`, token);
        const components = board.entities.filter(
          e => e.kind.toLowerCase() === 'component' && e.score.possible > 0,
        );
        if (REQUESTED_COMPONENT) {
          if (
            components.some(e =>
              e.entityRef.endsWith(`/${REQUESTED_COMPONENT}`),
            )
          ) {
            return REQUESTED_COMPONENT;
          }
        } else if (components.length > 0) {
          // the component with the most open findings, so there are links to follow
          const open = e => Object.values(e.counts).reduce((a, b) => a + b, 0);
          const worst = [...components].sort((a, b) => open(b) - open(a))[0];
          if (open(worst) > 0) return worst.entityRef.split('/').pop();
        }
        if (!asked && Date.now() - started > 30_000) {
          asked = true;
          await fetch(`${API}/scans`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
            },
            body: '{}',
          });
        }
        return undefined;
      },
      { timeoutMs: 5 * 60_000, demo, intervalMs: 3000 },
    );
    const entityUrl = `${API}/entities/component/default/${COMPONENT}`;
    const posture = await getJson(entityUrl, token);
    const findings = await getJson(`${entityUrl}/findings?limit=25`, token);
    const catalogEntity = await getJson(
      `${BACKEND}/api/catalog/entities/by-name/component/default/${COMPONENT}`,
      token,
    );
    const owner = String(catalogEntity.spec.owner).replace(/^group:/, '');
    const [teamNamespace, teamName] = owner.includes('/')
      ? owner.split('/')
      : ['default', owner];
    const team = await getJson(
      `${API}/teams/${teamNamespace}/${teamName}`,
      token,
    );
    const leaderboard = await getJson(`${API}/leaderboard?limit=100`, token);
    log(
      `API: ${COMPONENT} ${percent(posture.score.percent)} with ${
        findings.totalCount
      } findings; ` +
        `team ${teamName} ${percent(team.score.percent)}; ${
          leaderboard.teams.length
        } teams ranked`,
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    // Remediation guides live on the internet; answer them locally so following a
    // link needs no network and proves where it leads.
    await context.route(
      url => !url.href.startsWith(APP) && !url.href.startsWith(BACKEND),
      route =>
        route.fulfill({
          contentType: 'text/html',
          body: `<html><body><h1>Remediation guide (stubbed)</h1><p>${route
            .request()
            .url()}</p></body></html>`,
        }),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);

    async function step(name, screenshot, fn) {
      const t0 = Date.now();
      try {
        await fn();
        results.push({ name, ok: true });
        log(`ok   ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        results.push({ name, ok: false, error: e });
        log(`FAIL ${name}: ${e.message}`);
      } finally {
        if (screenshot) {
          await page
            .screenshot({ path: path.join(OUT, screenshot), fullPage: true })
            .catch(() => {});
        }
      }
    }

    await step('signs in as guest', '01-signed-in.png', async () => {
      await page.goto(APP);
      await page.getByRole('button', { name: 'Enter' }).click();
      await page
        .getByRole('link', { name: 'Security Posture' })
        .first()
        .waitFor();
    });

    await step(
      `the ${COMPONENT} tab shows its real score and findings`,
      '02-component-tab.png',
      async () => {
        await page.goto(
          `${APP}/catalog/default/component/${COMPONENT}/security-posture`,
        );
        const score = page.getByTestId('posture-score');
        await score.waitFor();
        assert(
          (await score.textContent()).trim() === percent(posture.score.percent),
          `score shows ${await score.textContent()}, the API says ${percent(
            posture.score.percent,
          )}`,
        );
        for (const c of posture.categories.filter(x => x.possible > 0)) {
          const bar = page.getByTestId(`category-${c.id}`);
          const text = await bar.textContent();
          assert(
            text.includes(`${c.earned}/${c.possible}`),
            `category ${c.id} shows "${text}", expected ${c.earned}/${c.possible}`,
          );
        }
        await page.getByText(`Findings (${findings.totalCount})`).waitFor();
        if (findings.items.length > 0) {
          await page.getByText(findings.items[0].title).first().waitFor();
        }
        await page.getByText(/Last \d+ days: /).waitFor();
      },
    );

    await step(
      'a remediation link leads to its guide',
      '03-remediation-link.png',
      async () => {
        assert(
          findings.items.length > 0,
          `${COMPONENT} has no findings to follow`,
        );
        const link = page
          .getByRole('link', { name: /^Remediation guide for/ })
          .first();
        const href = await link.getAttribute('href');
        assert(
          findings.items.some(f => f.remediation.url === href),
          `link ${href} is none of the findings' remediation URLs`,
        );
        const [popup] = await Promise.all([
          context.waitForEvent('page'),
          link.click(),
        ]);
        await popup.waitForLoadState();
        assert(
          popup.url() === href,
          `the link opened ${popup.url()}, expected ${href}`,
        );
        await popup.screenshot({
          path: path.join(OUT, '03-remediation-guide-opened.png'),
        });
        await popup.close();
      },
    );

    await step(
      'Rescan shows progress until the new result has arrived',
      '03b-rescan.png',
      async () => {
        const button = page.getByRole('button', { name: 'Rescan' });
        await button.click();
        await page
          .getByRole('progressbar', { name: 'Scan progress' })
          .waitFor();
        // scan requests are picked up by a scheduled task every 30 s
        await page
          .getByText(/^Scan finished: \d+ resources, \d+ findings\.$/)
          .waitFor({ timeout: 3 * 60_000 });
        await page.getByRole('button', { name: 'Rescan' }).waitFor();
        await page.getByTestId('posture-score').waitFor();
      },
    );

    await step(
      'findings sort on the server from a column header',
      '03c-findings-sorted.png',
      async () => {
        const sorted = await getJson(
          `${entityUrl}/findings?limit=25&sort=resource`,
          token,
        );
        assert(sorted.items.length > 0, `${COMPONENT} has no findings`);
        const table = page
          .locator('div[class*="MuiPaper"]', {
            has: page.getByText(`Findings (${sorted.totalCount})`),
          })
          .last();
        await table.getByRole('button', { name: 'Resource' }).click();
        const r = sorted.items[0].resource;
        const label = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${
          r.name
        }`;
        await page
          .getByRole('button', { name: /^Sort by/ })
          .filter({ hasText: 'Resource, A–Z' })
          .waitFor();
        const firstRow = table.locator('tbody tr').first();
        await firstRow.filter({ hasText: label }).waitFor();
        await firstRow.filter({ hasText: sorted.items[0].title }).waitFor();
      },
    );

    await step(
      `the ${COMPONENT} overview card shows the score`,
      '04-overview-card.png',
      async () => {
        await page.goto(`${APP}/catalog/default/component/${COMPONENT}`);
        const card = page.getByTestId('posture-card-score');
        await card.waitFor();
        const text = (await card.textContent()).trim();
        assert(
          text.startsWith(percent(posture.score.percent)),
          `card shows ${text}`,
        );
        await card.scrollIntoViewIfNeeded();
      },
    );

    await step(
      `the team tab of ${teamName} shows the team view`,
      '05-team-tab.png',
      async () => {
        await page.goto(
          `${APP}/catalog/${teamNamespace}/group/${teamName}/security-posture`,
        );
        await page.getByText(/^Security posture of /).waitFor();
        const score = page.getByTestId('posture-score');
        assert(
          (await score.textContent()).trim() === percent(team.score.percent),
          `team score shows ${await score.textContent()}, the API says ${percent(
            team.score.percent,
          )}`,
        );
        await page.getByText(/^Entities \(\d+\), worst first$/).waitFor();
        // The team's score history, from the roll-up's own history rows.
        await page.getByText('Score history').waitFor();
        await page.getByText(/^Last 30 days: /).waitFor();
        // Framework compliance as the server computed it for the team.
        const evaluated = (team.frameworks ?? []).find(f => f.evaluated > 0);
        assert(evaluated, `the API has no evaluated framework for ${teamName}`);
        const row = page
          .locator('tr', { hasText: evaluated.title })
          .filter({ hasText: `${evaluated.passing}/${evaluated.evaluated}` });
        await row.first().scrollIntoViewIfNeeded();
        await row.first().waitFor();
      },
    );

    await step(
      'the posture page opens from the navigation and ranks the teams',
      '06-leaderboard.png',
      async () => {
        await page
          .getByRole('link', { name: 'Security Posture' })
          .first()
          .click();
        await page.waitForURL(/\/security-posture$/);
        await page.getByText('Team leaderboard').waitFor();
        if (leaderboard.teams.length > 0) {
          const first = leaderboard.teams[0];
          const row = page
            .locator('tr', {
              hasText: first.title ?? first.entityRef.split('/').pop(),
            })
            .first();
          await row.waitFor();
          const text = await row.textContent();
          assert(
            text.includes(percent(first.score.percent)),
            `first team's row shows "${text}"`,
          );
        }
      },
    );

    await step(
      'the ownership report shows unowned resources',
      '07-ownership.png',
      async () => {
        await page.getByRole('tab', { name: 'Ownership' }).click();
        await page.getByText(/^Unowned resources \(\d+\)$/).waitFor();
      },
    );

    await step(
      'the framework view shows compliance per framework',
      '08-frameworks.png',
      async () => {
        const report = await getJson(`${API}/frameworks?limit=50`, token);
        await page.getByRole('tab', { name: 'Frameworks' }).click();
        await page.getByText('Passing framework controls per team').waitFor();
        const first = report.teams.items.find(t =>
          t.frameworks.some(f => f.evaluated > 0),
        );
        assert(first, 'the API reports no team with an evaluated framework');
        const f = first.frameworks.find(x => x.evaluated > 0);
        const name = first.title ?? first.entityRef.split('/').pop();
        const row = page.locator('tr', {
          has: page.getByRole('button', {
            name: `Failing controls of ${name}`,
          }),
        });
        const text = await row.textContent();
        assert(
          text.includes(`${f.passing}/${f.evaluated}`),
          `${name}'s row shows "${text}", the API says ${f.title} ${f.passing}/${f.evaluated}`,
        );
        await row
          .getByRole('button', { name: `Failing controls of ${name}` })
          .click();
        await page.getByText(`Framework controls of ${name}`).waitFor();
      },
    );
  } catch (e) {
    results.push({ name: 'demo setup', ok: false, error: e });
    log(`FAIL demo setup: ${e.message}`);
    if (demo) console.log(tail(demo.logFile));
  } finally {
    await browser?.close().catch(() => {});
    if (demo) {
      log('stopping the demo');
      await demo.stop();
    }
  }

  const failed = results.filter(r => !r.ok);
  log(`screenshots in ${path.relative(ROOT, OUT)}/`);
  console.log(
    `${results.length - failed.length} passed, ${failed.length} failed`,
  );
  process.exitCode = failed.length ? 1 : 0;
}

main().catch(e => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
