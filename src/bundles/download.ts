import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BundleError, formatBytes, MB } from './limits.js';

/** The platforms' own file hosts: Medic downloads from nowhere else. */
const PLATFORM_HOSTS: Record<'discord' | 'slack', string[]> = {
  discord: ['cdn.discordapp.com', 'media.discordapp.net'],
  slack: ['files.slack.com'],
};

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
}

export interface DownloadOptions {
  maxMB: number;
  /** Where uploads go (shared by the bot and the workers). */
  dir: string;
  /** The Slack bot token, sent to Slack's file host only. */
  slackToken?: string;
  /** API bases configured for the platforms (a local fake in tests, an enterprise host): their hosts are the platform's too. */
  extraHosts?: Partial<Record<'discord' | 'slack', string | undefined>>;
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
  if (file.platform === 'console') throw new BundleError('the console names local files; nothing to download', 'refused');
  checkUploadSize(file, opts.maxMB);
  let url: URL;
  try {
    url = new URL(file.url);
  } catch {
    throw new BundleError(`${file.name}: not a file URL`, 'refused');
  }
  const extra = opts.extraHosts?.[file.platform];
  const allowed = [...PLATFORM_HOSTS[file.platform], ...(extra ? [new URL(extra).host] : [])];
  if (!allowed.includes(url.host) || !['https:', 'http:'].includes(url.protocol) || (url.protocol === 'http:' && !extra)) {
    throw new BundleError(`${file.name}: Medic downloads uploads only from ${file.platform}'s own file host`, 'refused');
  }
  const headers: Record<string, string> = file.platform === 'slack' && opts.slackToken ? { authorization: `Bearer ${opts.slackToken}` } : {};
  const res = await fetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout(10 * 60_000) }).catch((err: Error) => {
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
