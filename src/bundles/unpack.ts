import { constants, createReadStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';
import { type BundleLimits, BundleError, formatBytes, MB } from './limits.js';
import { BINARY_SAMPLE_BYTES, looksBinary } from '../text/binary.js';

/** One readable file of a bundle: its name inside the bundle and where it is on disk. */
export interface BundleFile {
  name: string;
  abs: string;
  size: number;
}

/** Receives a file's bytes as they are unpacked (to scan logs without reading them again). */
export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
  /** How much of the file must still be written to disk once the sink has it (a log scanned in flight needs only its head). */
  readonly keepBytes: number;
}

export interface UnpackProgress {
  /** Bytes of the input read so far, and its size. */
  read: number;
  total: number;
  files: number;
  unpacked: number;
}

export interface Unpacked {
  /** The name people know the bundle by (the upload's file name). */
  name: string;
  files: BundleFile[];
  /** Things skipped on purpose (links inside the bundle, empty entries). */
  notes: string[];
  inputBytes: number;
  unpackedBytes: number;
  /** Removes the temp folder. Always call it, success or not. */
  cleanup(): Promise<void>;
}

type Format = 'gzip' | 'zip' | 'tar' | 'text' | 'binary';

const ARCHIVE_NAME = /\.(tar|tgz|tar\.gz|gz|zip)$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Unpacked size below which a compression ratio is not judged (small files compress oddly). */
const RATIO_FLOOR = 8 * MB;

/** What a file is, from its first bytes rather than its name. */
export function sniffFormat(head: Buffer): Format {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  return looksBinary(head) ? 'binary' : 'text';
}

/** NUL bytes, or mostly non-text bytes, in the first block. */
/** The first `bytes` of a file. */
export async function readHead(path: string, bytes = BINARY_SAMPLE_BYTES): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Opens a bundle (an archive, a single log, or a folder) for reading. Archives are unpacked
 * only inside a fresh temp folder, under the limits, refusing anything that could write
 * outside it; a folder is read where it is.
 */
export async function unpackBundle(input: string, limits: BundleLimits, opts: { name?: string; onProgress?: (p: UnpackProgress) => void; sink?: (name: string) => EntrySink | null } = {}): Promise<Unpacked> {
  const name = opts.name ?? basename(input);
  let st;
  try {
    st = await lstat(input);
  } catch {
    throw new BundleError(`${name}: no such file or folder`, 'unreadable');
  }
  const root = await mkdtemp(join(tmpdir(), 'medic-bundle-'));
  const u = new Unpacker(root, limits, name, st.isDirectory() ? 0 : st.size, opts.onProgress, opts.sink);
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    if (st.isDirectory()) await u.walkFolder(resolve(input), '', 0);
    else if (st.isFile()) await u.openFile(input, name, root, '', true);
    else throw new BundleError(`${name}: not a regular file or folder`, 'refused');
    await u.expandNested();
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { name, files: u.files, notes: u.notes, inputBytes: st.isDirectory() ? u.unpacked : st.size, unpackedBytes: u.unpacked, cleanup };
}

class Unpacker {
  files: BundleFile[] = [];
  notes: string[] = [];
  unpacked = 0;
  private read = 0;
  private lastProgress = 0;

  constructor(
    private readonly root: string,
    private readonly limits: BundleLimits,
    private readonly label: string,
    private readonly total: number,
    private readonly onProgress?: (p: UnpackProgress) => void,
    private readonly sink?: (name: string) => EntrySink | null,
  ) {}

  private where(): string {
    return `after ${this.files.length} files, ${formatBytes(this.unpacked)} unpacked`;
  }

  private refuse(msg: string): never {
    throw new BundleError(`${this.label}: ${msg}`, 'refused');
  }

  private damaged(what: string, err: unknown): never {
    if (err instanceof BundleError) throw err;
    const detail = err instanceof Error ? err.message.replace(/^TAR_[A-Z_]+:\s*/, '') : String(err);
    throw new BundleError(`${this.label}: ${what} is truncated or corrupt (${detail}) ${this.where()}`, 'unreadable');
  }

  private progress(readDelta: number): void {
    this.read += readDelta;
    const now = Date.now();
    if (this.onProgress && now - this.lastProgress > 100) {
      this.lastProgress = now;
      this.onProgress({ read: this.read, total: this.total, files: this.files.length, unpacked: this.unpacked });
    }
  }

  private countFile(): void {
    if (this.files.length + 1 > this.limits.maxFiles) this.refuse(`more than ${this.limits.maxFiles} files (limit bundles.maxFiles)`);
  }

  private countBytes(n: number, fileSoFar: number, name: string): void {
    this.unpacked += n;
    if (this.unpacked > this.limits.maxUnpackedMB * MB) this.refuse(`unpacks to more than ${this.limits.maxUnpackedMB} MB (limit bundles.maxUnpackedMB)`);
    if (fileSoFar > this.limits.maxFileMB * MB) this.refuse(`${name} is larger than ${this.limits.maxFileMB} MB (limit bundles.maxFileMB)`);
  }

  private checkRatio(out: number, inBytes: number, name: string): void {
    if (out > RATIO_FLOOR && inBytes > 0 && out / inBytes > this.limits.maxRatio) {
      this.refuse(`${name} expands more than ${this.limits.maxRatio} times (a compression bomb?; limit bundles.maxRatio)`);
    }
  }

  /** The entry's path made safe, or a refusal: no absolute paths, `..`, control characters or excess depth. */
  safePath(raw: string): string | null {
    if (CONTROL.test(raw)) this.refuse(`entry ${JSON.stringify(raw)} has control characters in its name`);
    if (raw.startsWith('/') || raw.startsWith('\\') || /^[a-zA-Z]:/.test(raw)) this.refuse(`entry "${raw}" has an absolute path`);
    const parts = raw.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) this.refuse(`entry "${raw}" climbs out of the bundle with ".."`);
    if (parts.length > this.limits.maxDepth) this.refuse(`entry "${raw}" is nested deeper than ${this.limits.maxDepth} folders (limit bundles.maxDepth)`);
    return parts.length ? parts.join('/') : null;
  }

  /** Where a link points, resolved inside the bundle; a refusal if it points outside. */
  private checkLink(entryPath: string, target: string, hard: boolean): void {
    if (CONTROL.test(target)) this.refuse(`link "${entryPath}" has control characters in its target`);
    if (target.startsWith('/') || /^[a-zA-Z]:/.test(target)) this.refuse(`link "${entryPath}" points outside the bundle (${target})`);
    const from = hard ? '' : posix.dirname(entryPath);
    const joined = posix.normalize(posix.join(from, target.replace(/\\/g, '/')));
    if (joined === '..' || joined.startsWith('../')) this.refuse(`link "${entryPath}" points outside the bundle (${target})`);
    this.notes.push(`${entryPath}: a link inside the bundle, not followed`);
  }

  private destination(dir: string, rel: string): string {
    const abs = resolve(dir, rel);
    if (abs !== this.root && !abs.startsWith(this.root + sep)) this.refuse(`entry "${rel}" would be written outside the temp folder`);
    return abs;
  }

  /** Writes one stream to a new file in the temp folder, counting against the limits. */
  private async writeEntry(source: Readable, abs: string, name: string, declared: number | null, guard?: (size: number) => void, abort?: { stop?: (err: unknown) => void }): Promise<void> {
    this.countFile();
    if (declared !== null && declared > this.limits.maxFileMB * MB) this.refuse(`${name} is larger than ${this.limits.maxFileMB} MB (limit bundles.maxFileMB)`);
    await mkdir(dirname(abs), { recursive: true });
    // O_NOFOLLOW: nothing in the temp folder is a link, and nothing written may follow one.
    const out = (await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600)).createWriteStream();
    let size = 0;
    const tap = this.sink?.(name) ?? null;
    await new Promise<void>((done, fail) => {
      let failed = false;
      const stop = (err: unknown) => {
        if (failed) return;
        failed = true;
        source.destroy();
        out.destroy();
        fail(err);
      };
      source.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        try {
          this.countBytes(chunk.length, size, name);
          guard?.(size);
        } catch (err) {
          stop(err);
          return;
        }
        tap?.write(chunk);
        if (tap && size - chunk.length >= tap.keepBytes) return;
        if (!out.write(chunk)) {
          source.pause();
          out.once('drain', () => source.resume());
        }
      });
      source.once('end', () => {
        tap?.end();
        out.end();
      });
      source.once('error', stop);
      out.once('error', stop);
      out.once('finish', () => done());
      if (abort) abort.stop = stop;
      // An error that came while the file was being created.
      if (source.errored) stop(source.errored);
    });
    this.files.push({ name, abs, size });
  }

  /** A file given as the bundle (`top`), or an archive found inside one. */
  async openFile(path: string, name: string, dir: string, prefix: string, top: boolean): Promise<void> {
    const head = await readHead(path);
    const format = sniffFormat(head);
    if (format === 'gzip') return this.gunzip(path, name, dir, prefix, top);
    if (format === 'zip') return this.unzip(path, name, dir, prefix);
    if (format === 'tar') return this.untar(createReadStream(path, { highWaterMark: MB }), name, dir, prefix, top ? (n) => this.progress(n) : undefined);
    if (ARCHIVE_NAME.test(name)) {
      const expected = /\.zip$/i.test(name) ? 'a zip archive' : /\.tar$/i.test(name) ? 'a tar archive' : 'a gzip archive';
      throw new BundleError(`${this.label}: ${name} is not ${expected} (its first bytes are ${head.subarray(0, 4).toString('hex') || 'empty'})`, 'unreadable');
    }
    if (format === 'binary') throw new BundleError(`${this.label}: not a bundle (a binary file; expected .tar.gz, .zip, .gz or a text log)`, 'unreadable');
    // A plain log is read where it is: nothing to unpack.
    const size = (await lstat(path)).size;
    this.countFile();
    this.countBytes(size, size, name);
    this.files.push({ name, abs: path, size });
    this.progress(size);
  }

  private async gunzip(path: string, name: string, dir: string, prefix: string, top: boolean): Promise<void> {
    const input = createReadStream(path, { highWaterMark: MB });
    let compressed = 0;
    input.on('data', (c: Buffer | string) => {
      compressed += c.length;
      if (top) this.progress(c.length);
    });
    const gz = createGunzip({ chunkSize: 256 * 1024 });
    input.on('error', (e) => gz.destroy(e));
    // Whoever reads the stream reports its errors; this keeps a late one from going unheard.
    gz.on('error', () => {});
    input.pipe(gz);
    // The first block says whether this is a tarball or one compressed file.
    const first = await new Promise<Buffer | null>((done, fail) => {
      const onReadable = () => {
        const chunk = gz.read() as Buffer | null;
        if (chunk === null) return;
        gz.off('end', onEnd);
        gz.off('error', onError);
        gz.off('readable', onReadable);
        done(chunk);
      };
      const onEnd = () => done(null);
      const onError = (e: Error) => fail(e);
      gz.on('readable', onReadable);
      gz.once('end', onEnd);
      gz.once('error', onError);
    }).catch((err) => this.damaged(name, gzipError(err)));
    if (first === null) {
      this.notes.push(`${name}: empty`);
      return;
    }
    gz.unshift(first);
    if (first.length >= 262 && first.toString('latin1', 257, 262) === 'ustar') {
      let out = 0;
      const guard = (n: number) => {
        out += n;
        this.checkRatio(out, compressed, name);
      };
      return this.untar(gz, name, dir, prefix, guard, gzipError);
    }
    const stripped = basename(name).replace(/\.gz$/i, '');
    const inner = this.safePath(stripped === basename(name) ? `${stripped}.out` : stripped)!;
    try {
      await this.writeEntry(gz, this.destination(dir, inner), prefix + inner, null, (size) => this.checkRatio(size, compressed, name));
    } catch (err) {
      this.damaged(name, gzipError(err));
    }
  }

  private async untar(source: Readable, name: string, dir: string, prefix: string, onChunk?: (n: number) => void, explain: (e: unknown) => unknown = (e) => e): Promise<void> {
    const parser = new Parser({ strict: true });
    const writes: Promise<void>[] = [];
    const active = new Set<{ stop?: (err: unknown) => void }>();
    let failure: unknown = null;
    const fail = (err: unknown) => {
      failure ??= err;
      source.destroy();
      // Entries cut short never end by themselves.
      for (const a of active) a.stop?.(err);
      active.clear();
    };
    parser.on('entry', (entry: ReadEntry) => {
      if (failure) return entry.resume();
      try {
        const rel = this.safePath(entry.path);
        const type = entry.type;
        if (type === 'SymbolicLink' || type === 'Link') {
          this.checkLink(rel ?? entry.path, entry.linkpath ?? '', type === 'Link');
          return entry.resume();
        }
        if (type === 'CharacterDevice' || type === 'BlockDevice' || type === 'FIFO') this.refuse(`entry "${entry.path}" is a device file`);
        if (!rel || (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile')) return entry.resume();
        const abort: { stop?: (err: unknown) => void } = {};
        active.add(abort);
        const written = this.writeEntry(entry as unknown as Readable, this.destination(dir, rel), prefix + rel, entry.size, undefined, abort);
        writes.push(
          written.then(
            () => void active.delete(abort),
            (err) => {
              active.delete(abort);
              entry.resume();
              fail(err);
            },
          ),
        );
      } catch (err) {
        fail(err);
        entry.resume();
      }
    });
    parser.on('error', fail);
    try {
      for await (const chunk of source) {
        if (failure) break;
        onChunk?.((chunk as Buffer).length);
        if (!parser.write(chunk as Buffer)) await new Promise((r) => parser.once('drain', r));
      }
    } catch (err) {
      fail(explain(err));
    }
    if (!failure) {
      await new Promise<void>((done) => {
        parser.once('end', done);
        parser.once('close', done);
        parser.once('error', () => done());
        parser.end();
      });
    }
    await Promise.allSettled(writes);
    if (failure) this.damaged(name, failure);
  }

  private async unzip(path: string, name: string, dir: string, prefix: string): Promise<void> {
    const zip = await new Promise<yauzl.ZipFile>((done, fail) =>
      yauzl.open(path, { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? fail(err) : done(z))),
    ).catch((err) => this.damaged(name, err));
    await new Promise<void>((done, fail) => {
      let settled = false;
      const stop = (err: unknown) => {
        if (settled) return;
        settled = true;
        zip.close();
        fail(err);
      };
      zip.on('error', stop);
      zip.on('end', () => {
        if (!settled) {
          settled = true;
          done();
        }
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        if (settled) return;
        void (async () => {
          const bytes = entry.fileName as unknown as Buffer;
          const raw = entry.generalPurposeBitFlag & 0x800 ? bytes.toString('utf8') : bytes.toString('latin1');
          const rel = this.safePath(raw);
          const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
          if (mode === 0o120000) {
            this.checkLink(rel ?? raw, await readZipEntry(zip, entry, 4096), false);
          } else if (mode === 0o020000 || mode === 0o060000 || mode === 0o010000) {
            this.refuse(`entry "${raw}" is a device file`);
          } else if (rel && !raw.endsWith('/')) {
            const ratio = (size: number) => this.checkRatio(size, entry.compressedSize, prefix + rel);
            ratio(entry.uncompressedSize);
            if (this.unpacked + entry.uncompressedSize > this.limits.maxUnpackedMB * MB) this.refuse(`unpacks to more than ${this.limits.maxUnpackedMB} MB (limit bundles.maxUnpackedMB)`);
            const stream = await new Promise<Readable>((ok, ko) => zip.openReadStream(entry, (e, s) => (e ? ko(e) : ok(s))));
            await this.writeEntry(stream, this.destination(dir, rel), prefix + rel, entry.uncompressedSize, ratio);
          }
          this.progress(entry.compressedSize);
          zip.readEntry();
        })().catch(stop);
      });
      zip.readEntry();
    }).catch((err) => this.damaged(name, err));
  }

  /** A folder given on the command line: read in place, links not followed. */
  async walkFolder(abs: string, rel: string, depth: number): Promise<void> {
    if (depth > this.limits.maxDepth) this.refuse(`folder "${rel}" is nested deeper than ${this.limits.maxDepth} (limit bundles.maxDepth)`);
    const entries = await readdir(abs, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const childAbs = join(abs, e.name);
      if (e.isSymbolicLink()) this.notes.push(`${childRel}: a link, not followed`);
      else if (e.isDirectory()) await this.walkFolder(childAbs, childRel, depth + 1);
      else if (e.isFile()) {
        const size = (await lstat(childAbs)).size;
        this.countFile();
        this.countBytes(size, size, childRel);
        this.files.push({ name: childRel, abs: childAbs, size });
      }
    }
  }

  /** Opens archives found inside the bundle (rotated `.gz` logs, nested tarballs), up to maxNesting deep. */
  async expandNested(): Promise<void> {
    const levels = new Map<string, number>();
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i]!;
      if (!ARCHIVE_NAME.test(f.name)) continue;
      const format = sniffFormat(await readHead(f.abs, 512));
      if (format !== 'gzip' && format !== 'zip' && format !== 'tar') continue;
      const level = (levels.get(f.name) ?? 0) + 1;
      if (level > this.limits.maxNesting) this.refuse(`archives nested more than ${this.limits.maxNesting} deep (at ${f.name}; limit bundles.maxNesting)`);
      // Its contents replace it in the list.
      this.files.splice(i, 1);
      i--;
      const before = this.files.length;
      const single = format === 'gzip' && !/\.(tgz|tar\.gz)$/i.test(f.name);
      const folder = posix.dirname(f.name) === '.' ? '' : `${posix.dirname(f.name)}/`;
      // A rotated log unpacks beside itself; an archive into a folder named after it.
      const into = this.destination(this.root, single ? `${folder}.` : `${f.name}.d`);
      await mkdir(into, { recursive: true });
      await this.openFile(f.abs, f.name, into, single ? folder : `${f.name}/`, false);
      if (f.abs.startsWith(this.root + sep)) await rm(f.abs, { force: true });
      for (const added of this.files.slice(before)) levels.set(added.name, level);
    }
  }
}

function gzipError(err: unknown): unknown {
  if (err instanceof BundleError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e?.message ?? '')) return new Error('unexpected end of the gzip stream');
  if (e?.code === 'Z_DATA_ERROR') return new Error(`bad gzip data: ${e.message}`);
  return err;
}

async function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<string> {
  const stream = await new Promise<Readable>((ok, ko) => zip.openReadStream(entry, (e, s) => (e ? ko(e) : ok(s))));
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    n += (c as Buffer).length;
    if (n > max) break;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
