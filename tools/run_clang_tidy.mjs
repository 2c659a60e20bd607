#!/usr/bin/env node
// Runs clang-tidy (the repository's .clang-tidy, warnings as errors) over every source file of
// src/ in a compile database, two at a time, and fails if any file has a finding.
//
//   node tools/run_clang_tidy.mjs BUILD_DIR [--jobs N] [FILE...]
//
// BUILD_DIR holds compile_commands.json of a clang configuration (make check uses the tsan
// preset's, whose flags include -Wthread-safety, so the locking annotations of every translation
// unit are checked here too). Tests (*_test.cc) and generated sources are left out: clang-tidy
// is for the code that ships.
//
// A file that passed is remembered in BUILD_DIR/clang-tidy-passed/ under a key made of
// .clang-tidy, its compile command, its own text and the text of every project header it
// includes (transitively, #include "..." resolved against src/ and tests/), so a second run
// re-checks only what changed. A progress line is printed every 10 files.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
let jobs = 2;
const jobsAt = args.indexOf('--jobs');
if (jobsAt >= 0) {
  jobs = Number(args[jobsAt + 1]);
  args.splice(jobsAt, 2);
}
const [buildDir, ...only] = args;
if (!buildDir || !(jobs >= 1)) {
  console.error('usage: node tools/run_clang_tidy.mjs BUILD_DIR [--jobs N] [FILE...]');
  process.exit(2);
}
const database = JSON.parse(fs.readFileSync(path.join(buildDir, 'compile_commands.json'), 'utf8'));
const srcDir = path.join(root, 'src') + path.sep;
const wanted = new Set(only.map((file) => path.resolve(file)));
const entries = new Map();
for (const entry of database) {
  const file = path.resolve(entry.directory, entry.file);
  if (!file.startsWith(srcDir) || file.endsWith('_test.cc')) continue;
  if (wanted.size > 0 && !wanted.has(file)) continue;
  entries.set(file, entry);
}
if (entries.size === 0) {
  console.error(`run_clang_tidy: no source of src/ in ${buildDir}/compile_commands.json`);
  process.exit(2);
}

// The project headers a file includes, transitively.
const includeDirs = [path.join(root, 'src'), path.join(root, 'tests')];
const includesOf = new Map();
function projectIncludes(file) {
  if (includesOf.has(file)) return includesOf.get(file);
  const found = [];
  includesOf.set(file, found);
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    for (const dir of [path.dirname(file), ...includeDirs]) {
      const candidate = path.join(dir, match[1]);
      if (fs.existsSync(candidate)) {
        found.push(candidate);
        break;
      }
    }
  }
  return found;
}
function keyOf(file, entry) {
  const seen = new Set();
  const pending = [file];
  while (pending.length > 0) {
    const next = pending.pop();
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...projectIncludes(next));
  }
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(root, '.clang-tidy')));
  hash.update(entry.command ?? JSON.stringify(entry.arguments));
  for (const part of [...seen].sort()) {
    hash.update(part);
    hash.update(fs.readFileSync(part));
  }
  return hash.digest('hex');
}

const passedDir = path.join(buildDir, 'clang-tidy-passed');
fs.mkdirSync(passedDir, { recursive: true });
const todo = [];
for (const [file, entry] of entries) {
  const key = keyOf(file, entry);
  if (!fs.existsSync(path.join(passedDir, key))) todo.push({ file, key });
}
const cached = entries.size - todo.length;
console.log(`run_clang_tidy: ${entries.size} files, ${cached} unchanged since they passed, ` +
  `${todo.length} to check (${jobs} at a time)`);

const failed = [];
const total = todo.length;
let done = 0;
const started = Date.now();
function check({ file, key }) {
  return new Promise((resolve) => {
    const child = spawn('clang-tidy-14', ['-p', buildDir, '--quiet', file],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('close', (code) => {
      done += 1;
      const relative = path.relative(root, file);
      if (code === 0) {
        fs.writeFileSync(path.join(passedDir, key), `${relative}\n`);
      } else {
        failed.push(relative);
        // Only the findings and their context; not clang-tidy's "N warnings generated" chatter.
        process.stdout.write(output.split('\n')
          .filter((line) => !/^\d+ warnings? (and \d+ errors? )?generated\.$/.test(line) &&
            !/^Suppressed \d+ warnings/.test(line) && !/^Use -header-filter/.test(line))
          .join('\n'));
      }
      if (done % 10 === 0 || done === total) {
        const seconds = Math.round((Date.now() - started) / 1000);
        console.log(`run_clang_tidy: ${done}/${total} checked in ${seconds} s, ` +
          `${failed.length} with findings`);
      }
      resolve();
    });
  });
}
async function worker() {
  while (todo.length > 0) await check(todo.shift());
}
await Promise.all(Array.from({ length: Math.min(jobs, Math.max(total, 1)) }, worker));
if (failed.length > 0) {
  console.error(`run_clang_tidy: findings in ${failed.length} files:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
console.log(`run_clang_tidy: clean (${entries.size} files)`);
