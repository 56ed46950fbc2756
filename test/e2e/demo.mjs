// Starts and stops the demo the way `npm start` does (`backstage-cli repo start`),
// on a throw-away SQLite folder so the tests never touch the user's .data/.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Whether something listens on a local port. */
export function portInUse(port) {
  return new Promise(resolve => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function yarnRelease(root) {
  const rc = fs.readFileSync(path.join(root, '.yarnrc.yml'), 'utf8');
  const match = /^yarnPath:\s*["']?([^"'\n]+)["']?\s*$/m.exec(rc);
  if (!match) throw new Error('no yarnPath in .yarnrc.yml');
  return path.join(root, match[1].trim());
}

/**
 * Starts app (:3000) and backend (:7007) with `backstage-cli repo start`.
 * Returns a handle with `log` (path of the combined output) and `stop()`.
 */
export function startDemo({ root, logFile }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-sqlite-'));
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [yarnRelease(root), 'backstage-cli', 'repo', 'start'],
    {
      cwd: root,
      detached: true, // own process group, so stop() ends the app and the backend
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        BROWSER: 'none',
        APP_CONFIG_backend_database_connection_directory: dataDir,
      },
    },
  );
  let exited = null;
  child.once('exit', code => {
    exited = code ?? 'signal';
  });
  return {
    dataDir,
    logFile,
    get exited() {
      return exited;
    },
    async stop() {
      const kill = signal => {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      };
      kill('SIGTERM');
      // the whole group is gone once both ports are free and yarn has exited
      for (let i = 0; i < 100; i++) {
        const busy = (await portInUse(3000)) || (await portInUse(7007));
        if (exited !== null && !busy) break;
        await sleep(200);
      }
      kill('SIGKILL');
      await sleep(500);
      fs.closeSync(log);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a truthy value or the time is up. */
export async function waitFor(
  what,
  probe,
  { timeoutMs, intervalMs = 2000, demo },
) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (demo && demo.exited !== null) {
      throw new Error(
        `the demo exited (${demo.exited}) while waiting for ${what}`,
      );
    }
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${
      last ? `: ${last.message}` : ''
    }`,
  );
}

/** The last lines of a log file. */
export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
