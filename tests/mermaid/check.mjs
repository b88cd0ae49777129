#!/usr/bin/env node
// Check every ```mermaid fenced block of Markdown files with Mermaid's own parser.
//
//   node tests/mermaid/check.mjs [--require] FILE.md [FILE.md...]
//
// Prints "file:line: message" for each block that mermaid rejects (line = the
// line of the opening fence, the message gives the offending file line too).
// Exit status: 1 if any block failed (or a file could not be read),
//              2 if --require was given and a file has no mermaid block,
//              0 otherwise ("checked N diagrams in M files").
// Mermaid is loaded from node_modules beside this script (npm ci --prefix
// tests/mermaid); nothing is fetched at run time.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const usage = 'usage: node check.mjs [--require] FILE.md [FILE.md...]';
const args = process.argv.slice(2);
let requireBlocks = false;
const files = [];
for (const a of args) {
  if (a === '--require') requireBlocks = true;
  else if (a === '-h' || a === '--help') { console.log(usage); process.exit(0); }
  else if (a.startsWith('--') && a.length > 2) { console.error(`unknown option ${a}\n${usage}`); process.exit(64); }
  else files.push(a);
}
if (files.length === 0) { console.error(usage); process.exit(64); }

// Resolve mermaid relative to this script, whatever the cwd is.
let mermaid;
try {
  const req = createRequire(import.meta.url);
  // Mermaid's sequence db runs DOMPurify (title, accTitle, accDescr, links,
  // properties), reads window.CSS and builds `new Option()` (box). Without a
  // DOM those statements fail in node ("DOMPurify.addHook is not a function",
  // "Option is not defined"), so give it jsdom's window before mermaid (and
  // its DOMPurify instance) is loaded.
  const { JSDOM } = req('jsdom');
  const { window } = new JSDOM('<!DOCTYPE html><html><body></body></html>');
  for (const k of ['window', 'document', 'Option']) {
    if (globalThis[k] === undefined) globalThis[k] = k === 'window' ? window : window[k];
  }
  const entry = req.resolve('mermaid/package.json');
  const pkg = JSON.parse(readFileSync(entry, 'utf8'));
  const main = new URL(pkg.module || 'dist/mermaid.core.mjs', pathToFileURL(entry));
  mermaid = (await import(main.href)).default;
  mermaid.initialize({ startOnLoad: false });
} catch (e) {
  console.error(`check.mjs: cannot load mermaid from ${new URL('.', import.meta.url).pathname}node_modules ` +
    `(run: npm ci --prefix tests/mermaid): ${e.message}`);
  process.exit(1);
}

// CommonMark fenced code blocks (top level; enough for generated reports).
// Returns [{ line, code, closed }] for blocks whose info string is "mermaid".
function mermaidBlocks(text) {
  const lines = text.split(/\r\n|\r|\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    if (fence[0] === '`' && info.includes('`')) continue; // not a fence
    const lang = info.trim().split(/\s+/)[0].toLowerCase();
    const body = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      const m = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) { closed = true; break; }
      let l = lines[j];
      for (let k = 0; k < indent.length && l.startsWith(' '); k++) l = l.slice(1);
      body.push(l);
    }
    if (lang === 'mermaid') blocks.push({ line: i + 1, code: body.join('\n') + '\n', closed });
    i = j; // skip the block's body (and closing fence)
  }
  return blocks;
}

// Mermaid parses the diagram after dropping front matter, %%{directives}%%,
// %% comment lines and leading blank lines, so its "line N" counts lines of
// that text. Map it back to a line of the block (1-based) when possible.
function blockLineOf(code, n) {
  const orig = code.split('\n');
  let kept = orig.map((l, i) => ({ l, i }));
  const fm = /^-{3}\s*\n(.*?)\n-{3}\s*\n+/s.exec(code);
  if (fm) { const drop = fm[0].split('\n').length - 1; kept = kept.slice(drop); }
  kept = kept.map(({ l, i }) => ({ l: /^\s*%%{.*}%%\s*$/.test(l) ? '' : l, i }));
  const out = [];
  for (const k of kept) {
    if (/^\s*%%(?!{)./.test(k.l)) { // /^\s*%%(?!{)[^\n]+\n?/gm also eats blank lines before it
      while (out.length && /^\s*$/.test(out[out.length - 1].l)) out.pop();
    } else out.push(k);
  }
  kept = out;
  while (kept.length && /^\s*$/.test(kept[0].l)) kept.shift();
  return kept[n - 1] ? kept[n - 1].i + 1 : null;
}

function oneLine(err, block) {
  const msg = String(err && err.message ? err.message : err);
  const parts = msg.split('\n').map((s) => s.trim()).filter(Boolean);
  const m = /^(Parse|Lexical) error on line (\d+)/.exec(parts[0] || '');
  if (!m) return clip(parts.join(' '));
  const bl = blockLineOf(block.code, Number(m[2]));
  const where = bl ? `line ${block.line + bl} (diagram line ${m[2]})`
    : `end of diagram (line ${block.line + block.code.split('\n').length})`;
  const near = bl ? block.code.split('\n')[bl - 1].trim() : (parts[1] || '').replace(/^\.\.\./, '');
  let rest = parts.slice(1).filter((p) => !/^-*\^$/.test(p) && p !== parts[1]).join(' ');
  // jison lists every acceptable token; keep the start of that list.
  rest = rest.replace(/^Expecting (.*), got (.*)$/, (_, exp, got) => {
    const toks = exp.split(/, (?=')/);
    const shown = toks.length > 6 ? `${toks.slice(0, 6).join(', ')}, ... (${toks.length} in all)` : exp;
    return `expecting ${shown}, got ${got === "'1'" ? 'end of input' : got}`;
  });
  const bare = near.replace(/#\w+;/g, '');
  const hint = /[;#]/.test(bare)
    ? " (in mermaid text ';' ends the statement and '#' starts a comment: write #59; and #35;)" : '';
  return clip(`${m[1]} error at ${where} near ${JSON.stringify(near)}${rest ? ': ' + rest : ''}${hint}`);
}

function clip(s) {
  return s.length > 400 ? s.slice(0, 400) + '...' : s;
}

let diagrams = 0;
let failed = 0;
let unreadable = 0;
let missing = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.log(`${file}:0: cannot read: ${e.message}`);
    unreadable++;
    continue;
  }
  const blocks = mermaidBlocks(text);
  if (blocks.length === 0 && requireBlocks) {
    console.log(`${file}:0: no mermaid block`);
    missing++;
  }
  for (const b of blocks) {
    diagrams++;
    if (!b.closed) {
      console.log(`${file}:${b.line}: unclosed mermaid fence`);
      failed++;
      continue;
    }
    // render() (not parse()) swaps a diagram longer than maxTextSize for a
    // "Maximum text size in diagram exceeded" placeholder.
    const max = mermaid.mermaidAPI.getConfig().maxTextSize ?? 50000;
    if (b.code.length > max) {
      console.log(`${file}:${b.line}: diagram has ${b.code.length} characters, more than mermaid's maxTextSize ${max}; it would render as "Maximum text size in diagram exceeded"`);
      failed++;
      continue;
    }
    try {
      await mermaid.parse(b.code);
    } catch (e) {
      console.log(`${file}:${b.line}: ${oneLine(e, b)}`);
      failed++;
    }
  }
}

if (failed || unreadable) {
  console.log(`${failed} of ${diagrams} diagrams failed in ${files.length} files` +
    (unreadable ? `, ${unreadable} files unreadable` : ''));
  process.exit(1);
}
if (missing) {
  console.log(`${missing} of ${files.length} files have no mermaid block`);
  process.exit(2);
}
console.log(`checked ${diagrams} diagrams in ${files.length} files`);
process.exit(0);
