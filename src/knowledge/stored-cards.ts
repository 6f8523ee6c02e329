import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProblemCard, Step } from './card.js';

/** What the engine reads of a card to rank it; the text it answers with waits in the card's file. */
export type CardStub = Pick<ProblemCard, 'id' | 'guide' | 'title' | 'path' | 'kind' | 'lines'> & Partial<Pick<ProblemCard, 'source' | 'system'>> & { file: string };

export function cardStub(c: ProblemCard, file: string): CardStub {
  return { id: c.id, guide: c.guide, title: c.title, path: c.path, kind: c.kind, lines: c.lines, ...(c.source ? { source: c.source } : {}), ...(c.system ? { system: c.system } : {}), file };
}

/** A card whose text is read from its guide's file when first asked for: a start reads only the stubs. */
class StoredCard implements ProblemCard {
  readonly id: string;
  readonly guide: string;
  readonly title: string;
  readonly path: string[];
  readonly kind: ProblemCard['kind'];
  readonly lines: { start: number; end: number };
  readonly source?: string;
  readonly system?: string;

  constructor(
    stub: CardStub,
    private readonly text: () => ProblemCard,
  ) {
    this.id = stub.id;
    this.guide = stub.guide;
    this.title = stub.title;
    this.path = stub.path;
    this.kind = stub.kind;
    this.lines = stub.lines;
    if (stub.source) this.source = stub.source;
    if (stub.system) this.system = stub.system;
  }

  get symptoms(): string[] {
    return this.text().symptoms;
  }
  get errorLines(): string[] {
    return this.text().errorLines;
  }
  get causes(): string[] {
    return this.text().causes;
  }
  get diagnosis(): { text: string[]; commands: string[] } {
    return this.text().diagnosis;
  }
  get solutions(): Step[] {
    return this.text().solutions;
  }
  get commands(): string[] {
    return this.text().commands;
  }
  get body(): string[] {
    return this.text().body;
  }

  toJSON(): ProblemCard {
    return this.text();
  }
}

/**
 * Cards from their stubs; each guide's file is parsed once, the first time one of its cards is
 * read. `warm()` reads every file: a long-running process calls it soon after its start, so its
 * cards stay the ones its index was built with when `medic index` rewrites the files later.
 */
export function storedCards(indexDir: string, stubs: CardStub[]): { cards: ProblemCard[]; warm: () => void } {
  const files = new Map<string, Map<string, ProblemCard>>();
  const read = (file: string, id: string): ProblemCard => {
    let cards = files.get(file);
    if (!cards) {
      const parsed = JSON.parse(readFileSync(join(indexDir, 'guides', `${file}.cards.json`), 'utf8')) as ProblemCard[];
      files.set(file, (cards = new Map(parsed.map((c) => [c.id, c]))));
    }
    const c = cards.get(id);
    if (!c) throw new Error(`card ${id} is missing from ${file}.cards.json: run "medic index --force"`);
    return c;
  };
  const cards = stubs.map((s) => new StoredCard(s, () => read(s.file, s.id)));
  return { cards, warm: () => stubs.forEach((s) => read(s.file, s.id)) };
}
