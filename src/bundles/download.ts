import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BundleError, formatBytes, MB } from './limits.js';

/**
 * A file someone uploaded, as the platform describes it. Medic downloads it only from the
 * platform's own file host; the console names a local path instead.
 */
export interface Upload {
  platform: 'discord' | 'slack' | 'console';
  name: string;
  /** Bytes, as the platform reports them (checked again while downloading). */
  size: number;
  /** Discord attachment URL, Slack `url_private`, or a local path (console). */
  url: string;
  /**
   * Fetches the bytes. The front door that received the file supplies it: it alone knows its
   * platform's file host and credentials, and it refuses any other host.
   */
  fetch?: (signal: AbortSignal) => Promise<Response>;
}

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/**
 * Fetches a file only from the given hosts (a platform's own file host), with no redirect. Plain
 * HTTP is allowed only for a host configured by hand (a local API base in tests).
 */
export async function fetchFromHost(file: Pick<Upload, 'name' | 'url' | 'platform'>, hosts: { known: string[]; configured?: string | undefined }, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  let url: URL;
  try {
    url = new URL(file.url);
  } catch {
    throw new BundleError(`${file.name}: not a file URL`, 'refused');
  }
  const configured = hosts.configured ? new URL(hosts.configured).host : null;
  const allowed = [...hosts.known, ...(configured ? [configured] : [])];
  if (!allowed.includes(url.host) || !['https:', 'http:'].includes(url.protocol) || (url.protocol === 'http:' && url.host !== configured)) {
    throw new BundleError(`${file.name}: Medic downloads uploads only from ${file.platform}'s own file host`, 'refused');
  }
  return fetch(url, { headers, redirect: 'error', signal });
}

export interface DownloadOptions {
  maxMB: number;
  /** Where uploads go (shared by the bot and the workers). */
  dir: string;
  onProgress?: (bytes: number, total: number) => void;
}

/** Refuses what is over the limit before anything is fetched. */
export function checkUploadSize(file: Upload, maxMB: number): void {
  if (file.size > maxMB * MB) throw new BundleError(`${file.name} is ${formatBytes(file.size)}, over the ${maxMB} MB limit for uploads (bundles.maxDownloadMB); trim it or analyze it with "medic analyze" on the host`, 'refused');
}

/** A file name safe to write: its last path part, with odd characters replaced. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'bundle';
  return base.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 120) || 'bundle';
}

/**
 * Downloads an uploaded bundle from its platform's file host into `dir/<id>/<name>`, with the
 * size checked before and counted during the download. Returns the upload's relative path.
 */
export async function downloadUpload(file: Upload, opts: DownloadOptions): Promise<string> {
  if (!file.fetch) throw new BundleError(`${file.name}: nothing to download (a local file is analyzed where it is)`, 'refused');
  checkUploadSize(file, opts.maxMB);
  const res = await file.fetch(AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)).catch((err: Error) => {
    if (err instanceof BundleError) throw err;
    throw new BundleError(`${file.name}: the download failed (${err.message})`, 'unreadable');
  });
  if (!res.ok || !res.body) throw new BundleError(`${file.name}: the download failed (HTTP ${res.status})`, 'unreadable');
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > opts.maxMB * MB) throw new BundleError(`${file.name} is ${formatBytes(declared)}, over the ${opts.maxMB} MB limit for uploads (bundles.maxDownloadMB)`, 'refused');
  const id = randomBytes(8).toString('hex');
  const name = safeName(file.name);
  const folder = join(opts.dir, id);
  await mkdir(folder, { recursive: true });
  let bytes = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (c: Buffer) => {
    bytes += c.length;
    if (bytes > opts.maxMB * MB) body.destroy(new BundleError(`${file.name} is over the ${opts.maxMB} MB limit for uploads (bundles.maxDownloadMB)`, 'refused'));
    else opts.onProgress?.(bytes, declared || file.size);
  });
  try {
    await pipeline(body, createWriteStream(join(folder, name), { flags: 'wx' }));
  } catch (err) {
    await rm(folder, { recursive: true, force: true });
    if (err instanceof BundleError) throw err;
    throw new BundleError(`${file.name}: the download failed (${(err as Error).message})`, 'unreadable');
  }
  return `${id}/${name}`;
}
