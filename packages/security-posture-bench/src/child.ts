import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Figure } from './report';

/** Prefix of the lines a child benchmark prints its figures on. */
export const RESULT_PREFIX = '@@figure ';

/** The benchmark command (`bin/security-posture-bench` of this package). */
export function benchBin(): string {
  return path.join(
    path.dirname(
      require.resolve('@internal/security-posture-bench/package.json'),
    ),
    'bin',
    'security-posture-bench',
  );
}

/** Runs a benchmark in a child process (clean heap and RSS) and collects its figures. */
export function runChild(
  args: string[],
  onLine: (line: string) => void,
): Promise<Figure[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', benchBin(), ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, SP_BENCH_CHILD: '1' },
      },
    );
    const figures: Figure[] = [];
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) {
          figures.push(JSON.parse(line.slice(RESULT_PREFIX.length)));
        } else {
          onLine(line);
        }
        nl = buffer.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', code => {
      if (buffer) onLine(buffer);
      if (code === 0) resolve(figures);
      else reject(new Error(`benchmark ${args.join(' ')} exited with ${code}`));
    });
  });
}
