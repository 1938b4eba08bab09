// typst-bench.mjs: the résumés typeset by Typst, measured as `make bench` measures cvpdf, for
// the README's comparison. Typst runs as its npm package @myriaddreamin/typst-ts-node-compiler
// (Typst compiled into a Node.js addon); scripts/typst-bench.sh installs it under build/typst
// and runs this with the Node.js of the machine.
//
//   node scripts/typst-bench.mjs [RUNS]     (from the repository root)
//
// Each résumé is first converted to Typst markup (headings, paragraphs, nested lists, bold,
// italic, code, links, rules, front matter dropped; formulas as Typst math), set in the same
// faces as cvpdf's default style where Typst finds them (Inter from fonts/, Noto CJK, Noto
// Color Emoji). Printed, medians of RUNS runs:
//   - whole process: `node typst-once.mjs IN.typ OUT.pdf` (Node.js start, the addon's loading,
//     the font scan, one compile, the PDF written), wall time and peak memory (from wait4,
//     through /usr/bin/time);
//   - warm in-process: the same compiler compiling the document again, unchanged and after an
//     edit (one word of the first paragraph changed each time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(join(root, 'build/typst/package.json'));
const fontPaths = [join(root, 'fonts'), '/usr/share/fonts/opentype/noto', '/usr/share/fonts/truetype/noto'];

// ---- Markdown to Typst: what the two résumés use ---------------------------------------
function inline(s) {
  const out = [];
  let i = 0;
  const esc = (t) => t.replace(/[\\#*_`$@<>\[\]~"=\/]/g, (c) => '\\' + c);
  while (i < s.length) {
    let m;
    const rest = s.slice(i);
    if ((m = rest.match(/^\*\*(.+?)\*\*/))) { out.push('*' + inline(m[1]) + '*'); i += m[0].length; continue; }
    if ((m = rest.match(/^\*(?!\s)(.+?)\*/))) { out.push('_' + inline(m[1]) + '_'); i += m[0].length; continue; }
    if ((m = rest.match(/^`([^`]+)`/))) { out.push('#raw("' + m[1].replace(/["\\]/g, '\\$&') + '")'); i += m[0].length; continue; }
    if ((m = rest.match(/^\[([^\]]+)\]\(([^)]+)\)/))) { out.push('#link("' + m[2] + '")[' + inline(m[1]) + ']'); i += m[0].length; continue; }
    if ((m = rest.match(/^\$([^$]+)\$/))) {
      out.push('$' + m[1].replace(/\\cap/g, 'inter').replace(/_\{([^}]*)\}/g, '_("$1")').replace(/\\([a-z]+)/g, '$1') + '$');
      i += m[0].length; continue;
    }
    out.push(esc(s[i]));
    i++;
  }
  return out.join('');
}

export function toTypst(md) {
  const lines = md.replace(/^---\n[\s\S]*?\n---\n/, '').split('\n');
  const out = [
    '#set page(paper: "a4", margin: (x: 18mm, y: 16mm))',
    '#set text(font: ("Inter", "Noto Sans CJK SC", "Noto Color Emoji"), size: 9.5pt)',
    '#set par(justify: true)',
    '',
  ];
  for (const line of lines) {
    let m;
    if ((m = line.match(/^(#{1,6})\s+(.*)/))) out.push('='.repeat(m[1].length) + ' ' + inline(m[2]));
    else if (/^\s*(---|\*\*\*)\s*$/.test(line)) out.push('#line(length: 100%)');
    else if ((m = line.match(/^(\s*)[*+-]\s+(.*)/))) out.push('  '.repeat(Math.floor(m[1].length / 2)) + '- ' + inline(m[2]));
    else if ((m = line.match(/^(\s*)\d+\.\s+(.*)/))) out.push('  '.repeat(Math.floor(m[1].length / 2)) + '+ ' + inline(m[2]));
    else out.push(inline(line.trim()));
  }
  return out.join('\n') + '\n';
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// ---- one compile in a process of its own -----------------------------------------------
if (process.argv[2] === '--once') {
  const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler');
  const c = NodeCompiler.create({ workspace: dirname(process.argv[3]), fontArgs: [{ fontPaths }] });
  const pdf = c.pdf({ mainFileContent: readFileSync(process.argv[3], 'utf8') });
  writeFileSync(process.argv[4], pdf);
  process.exit(0);
}

const runs = Number(process.argv[2] || 7);
const tmp = mkdtempSync(join(tmpdir(), 'typst-bench-'));
const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler');
const version = JSON.parse(readFileSync(require.resolve('@myriaddreamin/typst-ts-node-compiler/package.json'), 'utf8')).version;
console.log(`Typst through @myriaddreamin/typst-ts-node-compiler ${version} (Node.js ${process.version}), medians of ${runs} runs`);
console.log('document   process wall ms  peak MB  size KB | in-process ms  after an edit ms');
for (const name of ['en', 'zh']) {
  const typ = join(tmp, name + '.typ'), pdf = join(tmp, name + '.pdf');
  const src = toTypst(readFileSync(join(root, 'content', name + '.md'), 'utf8'));
  writeFileSync(typ, src);
  const wall = [], rss = [];
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, fileURLToPath(import.meta.url), '--once', typ, pdf], { encoding: 'utf8' });
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    rss.push(Number(r.stderr.trim().split('\n').pop()) / 1024);
  }
  const c = NodeCompiler.create({ workspace: tmp, fontArgs: [{ fontPaths }] });
  c.pdf({ mainFileContent: src });
  const warm = [], edit = [];
  const edited = [src.replace(/specializing/, 'specialising'), src];
  for (let k = 0; k < runs * 3; k++) {
    let t0 = process.hrtime.bigint();
    c.pdf({ mainFileContent: src });
    warm.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  for (let k = 0; k < runs * 3; k++) {
    const t0 = process.hrtime.bigint();
    c.pdf({ mainFileContent: edited[k % 2] });
    edit.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`${(name + '.md').padEnd(10)} ${median(wall).toFixed(1).padStart(16)} ${median(rss).toFixed(1).padStart(8)} ${(statSync(pdf).size / 1024).toFixed(1).padStart(8)} | ${median(warm).toFixed(2).padStart(13)} ${median(edit).toFixed(2).padStart(17)}`);
}
