// PurgeCSS for `manage.py build_assets` (which runs it with the machine's Node.js and minifies the result with
// lightningcss): reads {css, content, safelist} as JSON on stdin and prints the purged text of the LAST stylesheet.
//
// The stylesheets before the last only name the custom properties our own CSS reads, so that they count as used:
// PurgeCSS removes unused --krds-* tokens file by file, counting the uses it has seen so far, so they come first.
import { PurgeCSS } from "purgecss";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const options = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const results = await new PurgeCSS().purge({
  content: options.content,
  css: options.css.map((item) => ({ raw: item.text, name: item.name })),
  safelist: {
    standard: options.safelist.standard,
    deep: options.safelist.deep.map((source) => new RegExp(source)),
    greedy: options.safelist.greedy.map((source) => new RegExp(source)),
  },
  variables: true, // the 50 KB of design tokens: keep those our CSS (or KRDS's kept rules) reads
  keyframes: true,
  fontFace: false, // every slice of Pretendard GOV stays: which ones a page needs is decided by its text
  rejected: false,
});
process.stdout.write(results[results.length - 1].css);
