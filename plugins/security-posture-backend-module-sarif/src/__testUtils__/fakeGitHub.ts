import { http, HttpResponse } from 'msw';
import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tar from 'tar';

/** A request the fake GitHub answered. */
export interface GitHubRequest {
  method: string;
  url: string;
  ifNoneMatch?: string;
  status: number;
}

/**
 * Just enough of the GitHub REST API for Backstage's GitHub URL reader: file
 * contents (raw, with ETags and `304 Not Modified` on `If-None-Match`), the commit
 * status of a branch (the tree's ETag is the commit SHA) and tarballs of a commit.
 */
export class FakeGitHub {
  private files = new Map<string, string>();
  private commit = 1;
  readonly requests: GitHubRequest[] = [];

  constructor(
    readonly owner: string,
    readonly repo: string,
    readonly token: string,
  ) {}

  /** Sets a file; every change is a new commit. */
  put(path: string, content: string): this {
    this.files.set(path, content);
    this.commit++;
    return this;
  }

  get sha(): string {
    return createHash('sha1').update(`commit-${this.commit}`).digest('hex');
  }

  private etagOf(content: string): string {
    return `"${createHash('sha1').update(content).digest('hex')}"`;
  }

  private tarball(): Buffer {
    const dir = mkdtempSync(join(tmpdir(), 'fake-github-'));
    const top = `${this.owner}-${this.repo}-${this.sha.slice(0, 7)}`;
    try {
      for (const [path, content] of this.files) {
        const file = join(dir, top, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
      mkdirSync(join(dir, top), { recursive: true });
      tar.create(
        {
          gzip: true,
          cwd: dir,
          sync: true,
          file: join(dir, 'out.tgz'),
          portable: true,
        },
        [top],
      );
      return readFileSync(join(dir, 'out.tgz'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  handlers() {
    const api = `https://api.github.com/repos/${this.owner}/${this.repo}`;
    const authorized = (request: Request) =>
      request.headers.get('authorization') === `token ${this.token}` ||
      request.headers.get('authorization') === `Bearer ${this.token}`;
    const record = (request: Request, status: number) => {
      this.requests.push({
        method: request.method,
        url: request.url,
        ifNoneMatch: request.headers.get('if-none-match') ?? undefined,
        status,
      });
    };
    return [
      http.get(`${api}/contents/*`, ({ request }) => {
        if (!authorized(request)) {
          record(request, 401);
          return HttpResponse.json(
            { message: 'Bad credentials' },
            { status: 401 },
          );
        }
        const url = new URL(request.url);
        const path = decodeURIComponent(url.pathname.split('/contents/')[1]);
        const content = this.files.get(path);
        if (content === undefined) {
          record(request, 404);
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        }
        const etag = this.etagOf(content);
        if (request.headers.get('if-none-match') === etag) {
          record(request, 304);
          return new HttpResponse(null, {
            status: 304,
            headers: { ETag: etag },
          });
        }
        record(request, 200);
        return new HttpResponse(content, {
          status: 200,
          headers: { ETag: etag, 'Content-Type': 'application/vnd.github.raw' },
        });
      }),
      http.get(`${api}/commits/:ref/status`, ({ request }) => {
        record(request, 200);
        return HttpResponse.json({
          state: 'success',
          sha: this.sha,
          total_count: 0,
          statuses: [],
          repository: {
            full_name: `${this.owner}/${this.repo}`,
            archive_url: `${api}/{archive_format}{/ref}`,
            trees_url: `${api}/git/trees{/sha}`,
          },
        });
      }),
      http.get(`${api}/tarball/:sha`, ({ request, params }) => {
        if (params.sha !== this.sha) {
          record(request, 404);
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        }
        record(request, 200);
        const body = this.tarball();
        return new HttpResponse(new Uint8Array(body), {
          status: 200,
          headers: { 'Content-Type': 'application/x-gzip' },
        });
      }),
    ];
  }
}
