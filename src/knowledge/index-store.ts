import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { z } from 'zod';
import type { ProblemCard } from './card.js';
import type { MedicEmbedder } from './embedders/index.js';
import { parseGuide, parseRunbook } from './guide-parser.js';
import type { MedicConfig } from '../config.js';

/** Bump when parsing changes, so existing indexes rebuild. */
export const PARSER_VERSION = 9;

const ManifestSchema = z.object({
  format: z.literal(1),
  parser: z.number(),
  embedder: z.object({ id: z.string(), dimensions: z.number() }),
  guides: z.record(z.string(), z.object({ hash: z.string(), cards: z.number(), file: z.string() })),
  builtAt: z.string(),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A guide's vectors by card id, and the hash of the text each was embedded from (to reuse it when a guide changes). */
const VectorsSchema = z.object({ embedder: z.string(), hash: z.string(), vectors: z.record(z.string(), z.string()), texts: z.record(z.string(), z.string()).default({}) });

/** One Markdown file of knowledge: a guide, or a runbook from a `knowledge:` folder. */
export interface Guide {
  /** The system its cards belong to. */
  guide: string;
  /** Its name in the index (the guide's name; for a runbook, its system, folder and path). */
  key: string;
  file: string;
  /** Where citations point: `knowledge/lloom.md`, or the runbook's path. */
  source: string;
  /** A runbook's name within its system (its path without `.md`); absent for a guide. */
  runbook?: string;
  text: string;
  hash: string;
}

/** Where knowledge comes from: the guides folder, and the runbook folders of medic.yaml. */
export type KnowledgeSources = Pick<MedicConfig, 'knowledgeDir' | 'runbooks'>;

export interface BuildProgress {
  phase: 'parse' | 'embed' | 'write';
  done: number;
  total: number;
}

export interface BuildResult {
  manifest: Manifest;
  rebuilt: string[];
  reused: string[];
  removed: string[];
  cards: number;
  /** Sections embedded by this build (the others kept their vectors). */
  embedded: number;
}

export class IndexError extends Error {
  override name = 'IndexError';
}

const hashOf = (text: string): string => createHash('sha256').update(`${PARSER_VERSION}\n${text}`).digest('hex').slice(0, 20);

/** The guides in a knowledge folder; the guide id is the file name without `.md`. */
export function readGuides(dir: string): Guide[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  if (files.length === 0) throw new IndexError(`no guides (*.md) in ${dir}`);
  return files.map((f) => {
    const text = readFileSync(join(dir, f), 'utf8');
    const guide = basename(f, '.md');
    return { guide, key: guide, file: f, source: `knowledge/${f}`, text, hash: hashOf(text) };
  });
}

/** The guides, then every Markdown file under each runbook folder (sub-folders too), in a stable order. */
export function readSources(k: KnowledgeSources): Guide[] {
  const runbooks = k.runbooks.flatMap((folder) =>
    (readdirSync(folder.dir, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f): Guide => {
        const text = readFileSync(join(folder.dir, f), 'utf8');
        const name = f.replace(/\.md$/, '').split(sep).join('/');
        const slug = name.toLowerCase().replace(/[^\w/-]+/g, '-');
        const source = `${folder.path.replace(/\/+$/, '')}/${f.split(sep).join('/')}`;
        // The folder in the key too: two folders may hold files of the same name.
        const key = `${folder.system}~${createHash('sha256').update(folder.dir).digest('hex').slice(0, 8)}~${slug.replace(/\//g, '~')}`;
        return { guide: folder.system, key, file: f, source, runbook: slug, text, hash: hashOf(text) };
      }),
  );
  return [...readGuides(k.knowledgeDir), ...runbooks];
}

const MAX_ID = 100;

/** A source's cards: a guide's problems, or a runbook's sections, each citing its file. */
export function parseSource(g: Guide): ProblemCard[] {
  if (!g.runbook) return parseGuide(g.guide, g.text);
  // Ids travel in chat menus (Discord takes values of 100 characters at most): a deep path is shortened, stably.
  const short = (id: string) => (id.length <= MAX_ID ? id : `${id.slice(0, MAX_ID - 9)}~${createHash('sha256').update(id).digest('hex').slice(0, 8)}`);
  return parseRunbook(g.guide, g.runbook, g.text).map((c) => ({ ...c, id: short(c.id), source: g.source }));
}

/** What the dense index embeds for a card: what the problem looks like, not how to fix it. */
export function cardEmbeddingText(c: ProblemCard): string {
  // Not bareTitle: list numbers and quoted errors stay in what the dense model was measured on.
  const title = c.title.replace(/^(problem|issue)\s*:\s*/i, '');
  const what = [...c.errorLines, ...c.symptoms, ...c.causes];
  // Procedures describe the situation in their intro and step titles instead of symptoms.
  const context = what.length >= 2 ? [] : [...c.body, ...c.solutions.map((s) => s.text.split('\n')[0]!)].filter(Boolean);
  return [title, ...what, ...context].join('. ').slice(0, 600);
}

/** "5 guides", or "5 guides and 2 runbooks": what an index was built from. */
export function sourcesLine(m: Manifest): string {
  const keys = Object.keys(m.guides);
  const runbooks = keys.filter((k) => k.includes('~')).length;
  const guides = keys.length - runbooks;
  return `${guides} guide${guides === 1 ? '' : 's'}${runbooks ? ` and ${runbooks} runbook${runbooks === 1 ? '' : 's'}` : ''}`;
}

export function readManifest(indexDir: string): Manifest | null {
  const p = join(indexDir, 'manifest.json');
  if (!existsSync(p)) return null;
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(p, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** Why the index on disk does not match the guides and embedder; empty when it does. */
export function staleReasons(indexDir: string, guides: Guide[], embedderId: string): string[] {
  const m = readManifest(indexDir);
  if (!m) return ['no index yet'];
  const reasons: string[] = [];
  if (m.embedder.id !== embedderId) reasons.push(`embedder changed (${m.embedder.id} -> ${embedderId})`);
  for (const g of guides) {
    const e = m.guides[g.key];
    if (!e) reasons.push(`new ${g.runbook ? 'runbook' : 'guide'} ${g.runbook ? g.source : g.file}`);
    else if (e.hash !== g.hash) reasons.push(`${g.runbook ? g.source : g.file} changed`);
  }
  for (const name of Object.keys(m.guides)) if (!guides.some((g) => g.key === name)) reasons.push(`${name.includes('~') ? 'runbook' : 'guide'} ${m.guides[name]!.file} removed`);
  return reasons;
}

function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function encode(v: number[]): string {
  return Buffer.from(new Float32Array(v).buffer).toString('base64');
}

function decode(s: string): number[] {
  const b = Buffer.from(s, 'base64');
  return Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
}

/**
 * Builds the index under `indexDir`: cards per guide, vectors per guide, one HNSW index.
 * Only guides whose text changed are parsed and embedded again, unless `force` or the
 * embedder changed.
 */
export async function buildIndex(
  sources: KnowledgeSources,
  indexDir: string,
  embedder: MedicEmbedder,
  opts: { force?: boolean; onProgress?: (p: BuildProgress) => void } = {},
): Promise<BuildResult> {
  const guides = readSources(sources);
  const label = (g: Guide) => (g.runbook ? g.source : g.key);
  const previous = readManifest(indexDir);
  const sameEmbedder = previous?.embedder.id === embedder.id;
  mkdirSync(join(indexDir, 'guides'), { recursive: true });

  const rebuilt: Guide[] = [];
  const reused: string[] = [];
  const cardsByGuide = new Map<string, ProblemCard[]>();
  const vectorsByGuide = new Map<string, Record<string, string>>();
  const textsByGuide = new Map<string, Record<string, string>>();
  const toEmbed: Array<{ key: string; card: ProblemCard; text: string; textHash: string }> = [];

  for (const g of guides) {
    const cached = !opts.force && sameEmbedder && previous?.guides[g.key]?.hash === g.hash ? loadGuideFiles(indexDir, g) : null;
    if (cached) {
      cardsByGuide.set(g.key, cached.cards);
      vectorsByGuide.set(g.key, cached.vectors);
      textsByGuide.set(g.key, cached.texts);
      reused.push(label(g));
      continue;
    }
    const cards = parseSource(g);
    cardsByGuide.set(g.key, cards);
    // A changed guide keeps the vectors of the sections whose text did not change.
    const before = !opts.force && sameEmbedder ? earlierVectors(indexDir, g.key, embedder.id) : new Map<string, string>();
    const vectors: Record<string, string> = {};
    const texts: Record<string, string> = {};
    for (const card of cards) {
      const text = cardEmbeddingText(card);
      const textHash = createHash('sha256').update(text).digest('hex').slice(0, 16);
      texts[card.id] = textHash;
      const kept = before.get(textHash);
      if (kept) vectors[card.id] = kept;
      else toEmbed.push({ key: g.key, card, text, textHash });
    }
    vectorsByGuide.set(g.key, vectors);
    textsByGuide.set(g.key, texts);
    rebuilt.push(g);
  }
  opts.onProgress?.({ phase: 'parse', done: guides.length, total: guides.length });

  const BATCH = 16;
  let dimensions = sameEmbedder && previous ? previous.embedder.dimensions : 0;
  for (let i = 0; i < toEmbed.length; i += BATCH) {
    const batch = toEmbed.slice(i, i + BATCH);
    const vecs = await embedder.embedDocuments(batch.map((b) => b.text));
    batch.forEach((b, j) => {
      const v = vecs[j]!;
      dimensions = v.length;
      vectorsByGuide.get(b.key)![b.card.id] = encode(v);
    });
    opts.onProgress?.({ phase: 'embed', done: Math.min(i + BATCH, toEmbed.length), total: toEmbed.length });
  }
  if (dimensions === 0) dimensions = (await embedder.embedQuery('probe')).length;

  for (const g of rebuilt) {
    writeAtomic(join(indexDir, 'guides', `${g.key}.cards.json`), JSON.stringify(cardsByGuide.get(g.key)));
    writeAtomic(join(indexDir, 'guides', `${g.key}.vectors.json`), JSON.stringify({ embedder: embedder.id, hash: g.hash, vectors: vectorsByGuide.get(g.key), texts: textsByGuide.get(g.key) }));
  }
  const removed = previous ? Object.keys(previous.guides).filter((name) => !guides.some((g) => g.key === name)) : [];
  for (const name of removed) {
    rmSync(join(indexDir, 'guides', `${name}.cards.json`), { force: true });
    rmSync(join(indexDir, 'guides', `${name}.vectors.json`), { force: true });
  }

  // The HNSW graph is rebuilt from the stored vectors every time: cheap next to embedding.
  const all = guides.flatMap((g) => cardsByGuide.get(g.key)!.map((card) => ({ card, key: g.key })));
  // LangChain loads only when vectors are needed: bundle analysis and most CLI verbs never touch them.
  const [{ HNSWLib }, { Document }] = await Promise.all([import('@langchain/community/vectorstores/hnswlib'), import('@langchain/core/documents')]);
  const store = new HNSWLib(embedder, { space: 'cosine', numDimensions: dimensions });
  const vectors = all.map(({ card, key }) => decode(vectorsByGuide.get(key)![card.id]!));
  await store.addVectors(vectors, all.map(({ card }) => new Document({ pageContent: card.id, metadata: { id: card.id } })));
  rmSync(join(indexDir, 'hnsw'), { recursive: true, force: true });
  await store.save(join(indexDir, 'hnsw'));
  opts.onProgress?.({ phase: 'write', done: 1, total: 1 });

  const manifest: Manifest = {
    format: 1,
    parser: PARSER_VERSION,
    embedder: { id: embedder.id, dimensions },
    guides: Object.fromEntries(guides.map((g) => [g.key, { hash: g.hash, cards: cardsByGuide.get(g.key)!.length, file: g.runbook ? g.source : g.file }])),
    builtAt: new Date().toISOString(),
  };
  writeAtomic(join(indexDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { manifest, rebuilt: rebuilt.map(label), reused, removed: removed.map((k) => previous!.guides[k]!.file.replace(/\.md$/, '')), cards: all.length, embedded: toEmbed.length };
}

/** A guide's vectors as last built, by the hash of the text they were embedded from. */
function earlierVectors(indexDir: string, guide: string, embedderId: string): Map<string, string> {
  try {
    const vec = VectorsSchema.parse(JSON.parse(readFileSync(join(indexDir, 'guides', `${guide}.vectors.json`), 'utf8')));
    if (vec.embedder !== embedderId) return new Map();
    return new Map(Object.entries(vec.texts).flatMap(([id, h]) => (vec.vectors[id] ? [[h, vec.vectors[id]] as const] : [])));
  } catch {
    return new Map();
  }
}

function loadGuideFiles(indexDir: string, g: Guide): { cards: ProblemCard[]; vectors: Record<string, string>; texts: Record<string, string> } | null {
  try {
    const cards = JSON.parse(readFileSync(join(indexDir, 'guides', `${g.key}.cards.json`), 'utf8')) as ProblemCard[];
    const vec = VectorsSchema.parse(JSON.parse(readFileSync(join(indexDir, 'guides', `${g.key}.vectors.json`), 'utf8')));
    if (vec.hash !== g.hash || cards.some((c) => !vec.vectors[c.id])) return null;
    return { cards, vectors: vec.vectors, texts: vec.texts };
  } catch {
    return null;
  }
}

/** The manifest of the index in `indexDir`, or a clear error when there is none. */
export function requireManifest(indexDir: string): Manifest {
  const manifest = readManifest(indexDir);
  if (!manifest) throw new IndexError(`no index in ${indexDir}; run "medic index"`);
  return manifest;
}

/** The cards of an index, without its vectors, each with the file it is kept in. */
export function loadCards(indexDir: string): { manifest: Manifest; cards: ProblemCard[]; files: string[] } {
  const manifest = requireManifest(indexDir);
  const read = Object.keys(manifest.guides)
    .sort()
    .flatMap((g) => (JSON.parse(readFileSync(join(indexDir, 'guides', `${g}.cards.json`), 'utf8')) as ProblemCard[]).map((card) => ({ card, file: g })))
    // A system's guide and runbooks together (stable: each keeps its order).
    .sort((a, b) => (a.card.guide < b.card.guide ? -1 : a.card.guide > b.card.guide ? 1 : 0));
  return { manifest, cards: read.map((r) => r.card), files: read.map((r) => r.file) };
}

/** The dense index as stored. */
export async function loadDense(indexDir: string, embedder: MedicEmbedder): Promise<HNSWLib> {
  const { HNSWLib } = await import('@langchain/community/vectorstores/hnswlib');
  return HNSWLib.load(join(indexDir, 'hnsw'), embedder);
}
