import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import type { RecordStore, TeamNote } from '../store/records.js';
import { readPaste, UsageError, writeUserFile } from './input.js';

/** The record store for one notes command, closed after it. */
async function withStore<T>(what: string, run: (store: RecordStore) => Promise<T>): Promise<T> {
  const { openStore } = await import('../app.js');
  const store = await openStore(loadConfig(), what);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

async function noteById(store: RecordStore, id: string): Promise<TeamNote> {
  const note = (await store.listNotes()).find((n) => n.id === id);
  if (!note) throw new UsageError(`no team note "${id}"; \`medic notes list\` shows them`);
  return note;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function register(program: Command): void {
  const notes = program
    .command('notes')
    .description('team notes: fixes saved from resolved threads, answered from like guide sections')
    .addHelpText('after', '\nExamples:\n  $ medic notes list\n  $ medic notes export ./runbooks/team');

  notes
    .command('list')
    .description('every team note: id, title, system and where it was saved from')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await withStore('team notes from', (s) => s.listNotes());
      if (o.json) process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      else if (!all.length) process.stdout.write('no team notes yet: "Save this fix" in a thread, or `medic notes add`\n');
      else for (const n of all) process.stdout.write(`${n.id}  ${n.title}  ${n.system ?? '-'}  saved by ${n.savedBy} ${n.savedAt.slice(0, 10)}${n.link ? `  ${n.link}` : ''}\n`);
    });

  notes
    .command('show')
    .description('one note as Markdown, as it is indexed')
    .argument('<id>', 'a note id from `medic notes list`')
    .action(async (id: string) => {
      const { noteMarkdown } = await import('../knowledge/team-note.js');
      process.stdout.write(noteMarkdown(await withStore('team notes from', (s) => noteById(s, id))));
    });

  notes
    .command('add')
    .description('save a fix as a team note, from the error it fixes (redacted before it is kept)')
    .addHelpText('after', '\nExamples:\n  $ medic notes add --title "Executor disk full" --fix-file fix.md --file error.log --system lloom')
    .requiredOption('--title <text>', 'what the problem is, in a few words')
    .option('--fix <text>', 'the fix')
    .option('--fix-file <path>', 'the fix, from a Markdown file')
    .option('-f, --file <path>', 'the error it fixes (otherwise standard input)')
    .option('--system <id>', 'the system it belongs to')
    .option('--link <url>', 'where the fix was found (a thread)')
    .option('--by <name>', 'who saved it', 'cli')
    .option('--json', 'print the note as JSON')
    .action(async (o: { title: string; fix?: string; fixFile?: string; file?: string; system?: string; link?: string; by: string; json?: boolean }) => {
      const fix = o.fixFile ? readText(o.fixFile, 'fix file') : o.fix;
      if (!fix?.trim()) throw new UsageError('give the fix: --fix TEXT or --fix-file FILE');
      const paste = await readPaste(o.file, 'give the error it fixes: --file F, or pipe it in');
      const { newNote } = await import('../triage/team-notes.js');
      const note = newNote({ title: o.title, fix, paste, system: o.system ?? null, link: o.link ?? null, savedBy: o.by });
      await withStore('team note saved in', (s) => s.saveNote(note));
      process.stdout.write(o.json ? JSON.stringify(note, null, 2) + '\n' : `saved team note ${note.id}: ${note.title}\n`);
    });

  notes
    .command('export')
    .description('write every note as a Markdown file, ready to move into a runbook folder (knowledge: in medic.yaml)')
    .argument('<dir>', 'the folder to write into (made if missing)')
    .action(async (dir: string) => {
      const { noteMarkdown } = await import('../knowledge/team-note.js');
      const all = await withStore('team notes from', (s) => s.listNotes());
      try {
        mkdirSync(dir, { recursive: true });
      } catch (err) {
        throw new UsageError(`cannot make ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      for (const n of all) writeUserFile(join(dir, `${n.id}.md`), noteMarkdown(n));
      process.stdout.write(`wrote ${all.length} team note${all.length === 1 ? '' : 's'} to ${dir}\n`);
    });

  notes
    .command('delete')
    .description('delete a note: it stops being answered from at once, in every bot and worker')
    .argument('<id>', 'a note id from `medic notes list`')
    .action(async (id: string) => {
      const gone = await withStore('team notes in', (s) => s.deleteNote(id));
      if (!gone) throw new UsageError(`no team note "${id}"; \`medic notes list\` shows them`);
      process.stdout.write(`deleted team note ${id}\n`);
    });
}
