import { slug as githubSlug } from 'github-slugger';
import type { CodeBlock, ProblemCard, Step } from './card.js';
import { extractCommands, isShell } from './commands.js';
import { type Block, type ListItem, parseBlocks, plainInline } from './markdown.js';
import { isLogSample } from '../text/log-level.js';

type Field = 'body' | 'symptoms' | 'causes' | 'diagnosis' | 'solutions';

interface Section {
  level: number;
  title: string;
  slug: string;
  line: number;
  endLine: number;
  blocks: Block[];
  children: Section[];
  parent: Section | null;
}

/**
 * Parses one guide into leaf problem cards. Layout-agnostic: a card is a heading section
 * whose children are only field headings (Symptoms, Causes, Solutions, Diagnosis) or that has
 * no child headings; fields are recognised from headings, bold labels and labelled list items.
 * Tables become one card per row.
 */
export function parseGuide(guide: string, source: string): ProblemCard[] {
  const totalLines = source.split('\n').length;
  const root = buildSections(parseBlocks(source), totalLines);
  const cards: ProblemCard[] = [];
  const visit = (s: Section): void => {
    if (s.level > 0 && isMeta(s)) return;
    const fieldKids = s.children.filter((c) => classifyLabel(c.title) !== null);
    const mergesFields =
      s.children.length > 0 &&
      fieldKids.length === s.children.length &&
      fieldKids.some((c) => classifyLabel(c.title) !== 'diagnosis');
    if (s.level > 0) {
      const card = mergesFields ? cardFrom(guide, s, true) : cardFrom(guide, s, false);
      if (card) cards.push(card);
      cards.push(...rowCards(guide, s, mergesFields));
    }
    if (!mergesFields) s.children.forEach(visit);
  };
  visit(root);
  return cards;
}

/** A file written like a guide: "Problem:" or "Issue:" headings, or Symptoms labelled as a heading or in bold. */
const GUIDE_LIKE = /^#{1,6}\s*(?:\d+\.\s*)?(?:problem|issue)\s*:|^#{1,6}\s*symptoms?\b|\*\*symptoms?\s*:?\s*\*\*/im;

/**
 * A team's runbook: any Markdown file. Written like a guide (Problem or Symptoms labels), it
 * is read as one. Otherwise each top section is one card holding everything under it: its intro
 * states the situation (quoted errors in it are error lines), its sub-sections the checks and
 * steps. Every section can be cited, and none is a mere reference: a runbook is there to be followed.
 * Card ids carry the file's `name` (`lloom#disk-full/executor-disk-full`), so they never meet a guide's.
 */
export function parseRunbook(guide: string, name: string, source: string): ProblemCard[] {
  const rename = (c: ProblemCard): ProblemCard => ({ ...c, id: `${guide}#${name}/${c.id.slice(guide.length + 1)}` });
  if (GUIDE_LIKE.test(source)) return parseGuide(guide, source).map(rename);
  const root = buildSections(parseBlocks(source), source.split('\n').length);
  // One top heading is the document's title: its sections are the cards.
  const only = root.children.length === 1 ? root.children[0]! : null;
  const tops = only && only.children.length ? only.children : root.children.length ? root.children : [root];
  return tops.flatMap((sec) => {
    const cb = new CardBuilder();
    const intro: string[] = [];
    const walk = (x: Section): void => {
      for (const b of x.blocks) {
        if (b.type === 'table') continue;
        if (x === sec && b.type === 'paragraph' && cb.field === 'body') intro.push(b.text);
        cb.addBlock(b);
      }
      for (const child of x.children) {
        cb.addBlock({ type: 'heading', level: child.level, text: child.title, line: child.line });
        walk(child);
      }
    };
    walk(sec);
    const title = sec.title || name;
    // A quoted fragment in the intro is an error when it names trouble (`lloom-cli token rotate` is a command).
    const quoted = intro.flatMap(quotedErrors).filter((q) => TROUBLE_WORDS.test(q));
    const errorLines = unique([...cb.errorLines, ...quoted].map((l) => l.trim()).filter((l) => l.length >= 3));
    const steps = cb.solutions.filter((st) => st.text || st.code.length);
    // Prose only: the text is the procedure.
    if (!steps.length && cb.body.length) steps.push({ text: cb.body.join('\n'), code: [] });
    if (!steps.length && !errorLines.length && !cb.symptoms.length) return [];
    const described = errorLines.length > 0 || cb.symptoms.length > 0 || cb.causes.length > 0;
    const card: ProblemCard = {
      id: `${guide}#${name}/${sec.slug || slugify(name)}`,
      guide,
      title,
      path: sec === root ? [name] : breadcrumb(sec),
      kind: described || TROUBLE_WORDS.test(title) ? 'problem' : 'procedure',
      symptoms: unique(cb.symptoms),
      errorLines,
      causes: unique(cb.causes),
      diagnosis: { text: cb.diagnosisText, commands: unique([...cb.diagnosisCommands, ...cb.commands.filter(isReadOnlyCommand)]) },
      solutions: steps,
      commands: unique(cb.commands),
      body: cb.body,
      lines: { start: sec.line, end: sec.endLine },
    };
    return [card];
  });
}

/** GitHub's heading anchor (github-slugger, the algorithm guide links use), of the heading's plain text. */
export function slugify(text: string): string {
  return githubSlug(plainInline(text));
}

function buildSections(blocks: Block[], totalLines: number): Section {
  const root: Section = { level: 0, title: '', slug: '', line: 1, endLine: totalLines, blocks: [], children: [], parent: null };
  const seen = new Map<string, number>();
  let current = root;
  const all: Section[] = [];
  for (const b of blocks) {
    if (b.type !== 'heading') {
      current.blocks.push(b);
      continue;
    }
    let parent = current;
    while (parent.level >= b.level && parent.parent) parent = parent.parent;
    const base = slugify(b.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const s: Section = {
      level: b.level,
      title: plainInline(b.text),
      slug: n === 0 ? base : `${base}-${n}`,
      line: b.line,
      endLine: totalLines,
      blocks: [],
      children: [],
      parent,
    };
    parent.children.push(s);
    all.push(s);
    current = s;
  }
  // A section ends where the next heading of the same or a higher level starts.
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    const next = all.slice(i + 1).find((o) => o.level <= s.level);
    if (next) s.endLine = next.line - 1;
  }
  return root;
}

/** Navigation sections: only lists of links, no code. */
function isMeta(s: Section): boolean {
  const lists = s.blocks.filter((b) => b.type === 'list');
  if (lists.length === 0 || s.blocks.some((b) => b.type === 'code')) return false;
  return lists.every((l) => l.type === 'list' && l.items.every((it) => /^\s*\[[^\]]+\]\([^)]*\)/.test(it.text)));
}

type Label = Field | 'causes+solutions';

/** Maps a field label ("Symptoms", "Causes & Solutions:", "Diagnosis") to its field, or null. */
export function classifyLabel(label: string): Label | null {
  const l = plainInline(label)
    .toLowerCase()
    .replace(/^\d+\.\s*/, '')
    .replace(/[:.\s]+$/, '')
    .trim();
  if (/\bcauses?\b/.test(l) && /\b(solutions?|fix(es)?)\b/.test(l)) return 'causes+solutions';
  if (/^(symptoms?|signs?|errors?|error messages?|what you see|observed behaviou?r)$/.test(l)) return 'symptoms';
  if (/^((common|possible|likely|root) )?(causes?|reasons?)$/.test(l) || /^why( (it|this) happens)?$/.test(l)) return 'causes';
  if (/^(diagnos(is|e|tics?)|investigation|how to check)$/.test(l)) return 'diagnosis';
  if (/^((common|possible|quick) )?(solutions?|fix(es)?|resolution|workarounds?|remediation|what to do|how to fix( it)?|steps to fix)( \d+)?$/.test(l)) {
    return 'solutions';
  }
  return null;
}

/** A leading bold label: `**Symptoms:** rest` or `**Cause**: rest`. */
function splitLabel(text: string): { label: string; rest: string } | null {
  const m = /^\*\*([^*]+?)\*\*\s*:?\s*([\s\S]*)$/.exec(text.trim());
  if (!m) return null;
  const label = m[1]!.trim();
  const hadColon = /:\s*$/.test(label) || /^\*\*[^*]+\*\*\s*:/.test(text.trim());
  // A paragraph that is only bold text is a label too ("**What you see**").
  const alone = m[2]!.trim() === '';
  if (!hadColon && !alone) return null;
  return { label: label.replace(/:\s*$/, ''), rest: m[2]!.trim() };
}

class CardBuilder {
  symptoms: string[] = [];
  errorLines: string[] = [];
  causes: string[] = [];
  diagnosisText: string[] = [];
  diagnosisCommands: string[] = [];
  solutions: Step[] = [];
  body: string[] = [];
  commands: string[] = [];
  field: Field = 'body';
  causesFromItems = false;
  pendingLabel: string | null = null;

  setLabel(label: Label): void {
    this.causesFromItems = label === 'causes+solutions';
    this.field = label === 'causes+solutions' ? 'solutions' : label;
    this.pendingLabel = null;
  }

  addText(text: string, field: Field = this.field): void {
    const plain = plainInline(text);
    if (!plain) return;
    if (field === 'symptoms') {
      this.symptoms.push(...splitItems(plain));
      this.errorLines.push(...quotedErrors(text));
    } else if (field === 'causes') this.causes.push(plain);
    else if (field === 'diagnosis') this.diagnosisText.push(plain);
    else if (field === 'solutions') this.solutions.push({ text: plain, code: [] });
    else this.body.push(plain);
  }

  addCode(b: { lang: string; text: string }): void {
    const code: CodeBlock = { lang: b.lang, text: b.text };
    if (this.field === 'symptoms') {
      this.errorLines.push(...codeErrorLines(b.text));
      return;
    }
    const cmds = extractCommands(code);
    this.commands.push(...cmds);
    if (this.field === 'diagnosis') {
      this.diagnosisCommands.push(...cmds);
      this.diagnosisText.push(...(this.pendingLabel ? [this.pendingLabel] : []));
      this.pendingLabel = null;
      return;
    }
    const last = this.solutions[this.solutions.length - 1];
    if (!this.pendingLabel && last && last.code.length === 0 && this.field === 'solutions') last.code.push(code);
    else this.solutions.push({ text: this.pendingLabel ?? '', code: [code] });
    this.pendingLabel = null;
  }

  addItem(item: ListItem): void {
    const labelled = splitLabel(item.text);
    const f = labelled ? classifyLabel(labelled.label) : null;
    if (labelled && f) {
      const field: Field = f === 'causes+solutions' ? 'solutions' : f;
      this.addText(labelled.rest, field);
      this.addNested(item.blocks, field);
      return;
    }
    const text = plainInline(item.text);
    switch (this.field) {
      case 'symptoms':
        this.addText(item.text, 'symptoms');
        this.addNested(item.blocks, 'symptoms');
        return;
      case 'causes':
        this.causes.push(text);
        this.addNested(item.blocks, 'causes');
        return;
      case 'diagnosis':
        this.diagnosisText.push(text);
        this.addNested(item.blocks, 'diagnosis');
        return;
      default: {
        if (this.causesFromItems && text) this.causes.push(text.replace(/[:.]$/, ''));
        const step: Step = { text: [this.pendingLabel, text].filter(Boolean).join(' ').trim(), code: [] };
        this.pendingLabel = null;
        for (const code of flattenCode(item.blocks)) {
          step.code.push(code);
          this.commands.push(...extractCommands(code));
        }
        const subText = flattenText(item.blocks);
        if (subText) step.text = [step.text, subText].filter(Boolean).join('\n');
        this.solutions.push(step);
      }
    }
  }

  addNested(blocks: Block[], field: Field): void {
    for (const code of flattenCode(blocks)) {
      if (field === 'symptoms') this.errorLines.push(...codeErrorLines(code.text));
      else {
        const cmds = extractCommands(code);
        this.commands.push(...cmds);
        if (field === 'diagnosis') this.diagnosisCommands.push(...cmds);
        else this.solutions.push({ text: '', code: [code] });
      }
    }
    const text = flattenText(blocks);
    if (text) this.addText(text, field);
  }

  addBlock(b: Block): void {
    if (b.type === 'heading') {
      const f = classifyLabel(b.text);
      if (f) this.setLabel(f);
      else this.pendingLabel = plainInline(b.text);
    } else if (b.type === 'paragraph') {
      const labelled = splitLabel(b.text);
      if (labelled) {
        const f = classifyLabel(labelled.label);
        if (f) {
          this.setLabel(f);
          if (labelled.rest) this.addText(labelled.rest);
        } else {
          // A sub-label ("Can't connect to kernel:"): part of the text, and the title of what follows.
          this.pendingLabel = plainInline(labelled.label);
          // Outside any field, a label naming trouble ("Can't connect to kernel:") states a symptom.
          this.addText(this.pendingLabel, this.field === 'body' && TROUBLE_WORDS.test(this.pendingLabel) ? 'symptoms' : 'body');
          if (labelled.rest) this.addText(labelled.rest);
        }
      } else if (this.field === 'body' && CONDITION.test(plainInline(b.text)) && namesTrouble(plainInline(b.text))) {
        // "If a node becomes unresponsive:" states the situation the steps are for.
        this.addText(plainInline(b.text).replace(CONDITION, '').replace(/[:.]\s*$/, ''), 'symptoms');
      } else this.addText(b.text);
    } else if (b.type === 'code') this.addCode(b);
    else if (b.type === 'list') b.items.forEach((it) => this.addItem(it));
  }
}

function cardFrom(guide: string, s: Section, mergesFields: boolean): ProblemCard | null {
  const cb = new CardBuilder();
  for (const b of s.blocks) if (b.type !== 'table') cb.addBlock(b);
  if (mergesFields) {
    for (const child of s.children) {
      cb.addBlock({ type: 'heading', level: child.level, text: child.title, line: child.line });
      for (const b of child.blocks) if (b.type !== 'table') cb.addBlock(b);
    }
  }
  const quotedTitle = /^["“'`](.+)["”'`]$/.exec(s.title.trim());
  if (quotedTitle) cb.errorLines.unshift(quotedTitle[1]!);
  const hasContent = cb.solutions.length > 0 || cb.commands.length > 0 || cb.symptoms.length > 0 || cb.causes.length > 0 || cb.errorLines.length > 0;
  if (!hasContent) return null;
  const explicitTitle = /^(problem|issue|error)\s*:/i.test(s.title) || quotedTitle !== null;
  const described = cb.symptoms.length > 0 || cb.causes.length > 0 || cb.errorLines.length > 0;
  const isProblem = explicitTitle || TROUBLE_WORDS.test(s.title) || described;
  const namesProblem = explicitTitle || namesTrouble(s.title) || described;
  const diagnosisCommands = unique([...cb.diagnosisCommands, ...cb.commands.filter(isReadOnlyCommand)]);
  const steps = cb.solutions.filter((st) => st.text || st.code.length);
  // "Common Log Patterns": sample records under labels, and nothing to run or change.
  const showsOnlyLogs =
    !cb.commands.length && !cb.causes.length && !cb.symptoms.length && steps.length > 0 && steps.every((st) => st.code.length > 0 && st.code.every((k) => isLogSample(k.text)));
  // Templates, checklists, command references, tables of contents: a section that names no
  // problem and changes nothing tells the reader what to look at, never what fixes it.
  const changesSomething = cb.commands.some((c) => !isReadOnlyCommand(c)) || steps.some((st) => st.code.some(isChange));
  const nothingToDo = steps.length === 0 && cb.commands.length === 0;
  const reference = showsOnlyLogs || nothingToDo || isThin(steps) || (!namesProblem && !changesSomething);
  return {
    id: `${guide}#${s.slug}`,
    guide,
    title: s.title,
    path: breadcrumb(s),
    kind: reference ? 'reference' : isProblem ? 'problem' : 'procedure',
    symptoms: unique(cb.symptoms),
    errorLines: unique(cb.errorLines.map((l) => l.trim()).filter((l) => l.length >= 3)),
    causes: unique(cb.causes),
    diagnosis: { text: cb.diagnosisText, commands: diagnosisCommands },
    solutions: steps,
    commands: unique(cb.commands),
    body: cb.body,
    lines: { start: s.line, end: s.endLine },
  };
}

/** Tables (error codes, HTTP statuses, endpoints) become one card per row. */
function rowCards(guide: string, s: Section, includeChildren: boolean): ProblemCard[] {
  const sections = includeChildren ? [s, ...s.children] : [s];
  const out: ProblemCard[] = [];
  for (const sec of sections) {
    for (const b of sec.blocks) {
      if (b.type !== 'table' || b.rows.length === 0) continue;
      b.rows.forEach((row, i) => {
        const cells = row.map(plainInline);
        const key = cells[0] ?? '';
        if (!key) return;
        const shortKey = key.length <= 24 && cells.length > 2;
        const title = shortKey ? `${key} ${cells[1] ?? ''}`.trim() : key;
        const rest = cells.slice(shortKey ? 2 : 1).filter(Boolean);
        const header = b.header.map(plainInline);
        const solutions = rest.map((text, j) => ({ text: header[(shortKey ? 2 : 1) + j] ? `${header[(shortKey ? 2 : 1) + j]}: ${text}` : text, code: [] }));
        out.push({
          id: `${guide}#${sec.slug}/${slugify(key) || String(i + 1)}`,
          guide,
          title,
          path: [...breadcrumb(sec), title],
          // A command in a fix cell ("Run `x check-config`") is a fix however short.
          kind: isThin(solutions) && !row.slice(shortKey ? 2 : 1).some((cell) => /`[^`]+`/.test(cell)) ? 'reference' : 'row',
          symptoms: shortKey && cells[1] ? [cells[1]] : [],
          errorLines: unique([key, title].filter((t) => t.length >= 3)),
          causes: [],
          diagnosis: { text: [], commands: [] },
          solutions,
          commands: [],
          body: [],
          lines: { start: b.line + 1 + i, end: b.line + 1 + i },
        });
      });
    }
  }
  return out;
}

/** Longest a fix may be and still say nothing specific ("Check system resources"). */
const THIN_STEP_WORDS = 4;

/** A fix of a few words and no code names a place to look, not what to do: never an answer. */
function isThin(steps: Step[]): boolean {
  return steps.length > 0 && steps.every((st) => !st.code.length && st.text.replace(/^[^:]{1,40}:\s*/, '').split(/\s+/).filter(Boolean).length <= THIN_STEP_WORDS);
}

function breadcrumb(s: Section): string[] {
  const path: string[] = [];
  for (let p: Section | null = s; p && p.level > 0; p = p.parent) path.unshift(p.title);
  return path;
}

function flattenCode(blocks: Block[]): CodeBlock[] {
  const out: CodeBlock[] = [];
  for (const b of blocks) {
    if (b.type === 'code') out.push({ lang: b.lang, text: b.text });
    else if (b.type === 'list') b.items.forEach((it) => out.push(...flattenCode(it.blocks)));
  }
  return out;
}

function flattenText(blocks: Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'paragraph') out.push(plainInline(b.text));
    else if (b.type === 'list') b.items.forEach((it) => {
      out.push(`- ${plainInline(it.text)}`);
      const sub = flattenText(it.blocks);
      if (sub) out.push(sub);
    });
  }
  return out.join('\n');
}

function splitItems(text: string): string[] {
  return text
    .split(/\n|,\s+(?=[A-Z"“`])/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Quoted or backticked fragments in symptom text are literal error strings. */
function quotedErrors(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]{3,})"|“([^”]{3,})”|`([^`]{3,})`/g)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

function codeErrorLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^#/.test(l));
}

/** Words that name trouble, in a heading or a label. */
export const TROUBLE_WORDS =
  /\b(issues?|problems?|errors?|fail(s|ed|ures?|ing)?|not (working|loading|responding|starting|found|detected|discovered|running)|won'?t|can'?t|cannot|unable|slow(ly)?|high|timeouts?|timing out|exceeded|overflow|refused|denied|hang(s|ing)?|unresponsive|crash\w*|leaks?|corrupt\w*|missing|invalid|mismatch|conflicts?|unhealthy|stuck|broken)\b/i;
/** An intro sentence that states when the steps apply. */
const CONDITION = /^(if|when|whenever)\s+/i;
/** "Issues" or "problems" alone name no condition: "When reporting issues" is no symptom. */
const GENERIC_TROUBLE = /\b(issues?|problems?|errors?)\b/gi;

/** Whether a heading or sentence names a specific trouble, not just "issues" in general. */
function namesTrouble(text: string): boolean {
  return TROUBLE_WORDS.test(text.replace(GENERIC_TROUBLE, ' '));
}

/** Code that changes something: a command that is not read-only, or config and program code (not a log sample or a document). */
function isChange(code: CodeBlock): boolean {
  const lang = code.lang.toLowerCase();
  if (isLogSample(code.text) || DOCUMENT_LANGS.has(lang)) return false;
  return isShell(code) ? extractCommands(code).some((c) => !isReadOnlyCommand(c)) : true;
}
const DOCUMENT_LANGS = new Set(['markdown', 'md', 'text', 'txt', 'plaintext', 'log']);

const READ_ONLY = [
  /^(sudo\s+)?(curl|wget)\b(?!.*\s-X\s*(POST|PUT|DELETE|PATCH))(?!.*\s-d\s)/,
  /^(sudo\s+)?(nc|telnet|ping|nslookup|dig|host|traceroute)\b/,
  /^(sudo\s+)?(ls|cat|stat|df|free|top|htop|uptime|uname|lsof|netstat|ss|ps|iostat|iotop|iftop|nethogs|nvidia-smi|nvcc|ulimit|env|echo|grep|tail|head|which|ldconfig)\b/,
  /^(sudo\s+)?(journalctl)\b/,
  /^(sudo\s+)?systemctl\s+(--user\s+)?(status|is-active|list-units)\b/,
  /^(sudo\s+)?launchctl\s+list\b/,
  /^kubectl\s+(get|describe|logs|top|auth\s+can-i|cluster-info|version)\b/,
  /^docker(-compose|\s+compose)?\s+(ps|logs|stats|inspect|version|info|config|system\s+df|network\s+(ls|inspect)|volume\s+(ls|inspect))\b/,
  /^openssl\s+(x509|s_client)\b/,
  /\s--version$/,
  /^\S+(\s+[a-z][\w-]*)?\s+(status|list|info|validate|config\s+(validate|check)|diagnose|test-backend|version)\b/,
];

/** A diagnostic command that reads state and changes nothing. */
export function isReadOnlyCommand(cmd: string): boolean {
  return READ_ONLY.some((re) => re.test(cmd));
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
