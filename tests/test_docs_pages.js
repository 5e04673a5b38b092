// The checks tests/test_docs_pages.py runs inside each page (Chromium, via playwright): a
// function of `desktop` (true at 1280 px) returning {findings, title}, every finding a short
// string naming the element.
(desktop) => {
  const findings = [];
  const name = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += '#' + e.id;
    if (e.classList.length) s += '.' + [...e.classList].slice(0, 2).join('.');
    const text = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return text ? `${s} "${text}"` : s;
  };
  const article = document.querySelector('article[role="main"]') || document.querySelector('article');
  if (!article) return {findings: ['no article element: the page did not render'], title: ''};
  if (!document.title.trim()) findings.push('the page has no title');

  // Math: every math element typeset by KaTeX, no TeX left in the text.
  for (const m of article.querySelectorAll('.math')) {
    if (!m.querySelector('.katex')) findings.push('math not typeset: ' + name(m));
  }
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest('pre, code, .katex, script, style')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n);
  const tex = /\$\$|\\(frac|begin|end|left|right|sqrt|mathrm|text|textbf|eta|alpha|beta|epsilon|hat|lfloor|cdot)\b|\$[^$\s][^$\n]*\$/;
  for (const n of texts) {
    const match = n.textContent.match(tex);
    if (match) findings.push(`raw TeX "${match[0]}" in ` + name(n.parentElement));
  }

  // Images: every one loaded.
  for (const img of document.querySelectorAll('img')) {
    if (!img.complete || img.naturalWidth === 0) findings.push('broken image: ' + img.getAttribute('src'));
  }

  // Overflow: nothing reaches past the content column, except inside a box that scrolls; no
  // box clips what it holds; the page itself never scrolls sideways.
  // The content column: the article, and 8 px either side (furo hangs headings that far out,
  // by their anchor padding).
  const box = article.getBoundingClientRect();
  const column = {left: box.left - 8, right: box.right + 8};
  const viewport = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > viewport + 1) {
    findings.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${viewport} px window`);
  }
  const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const insideScroller = (e) => {
    for (let a = e.parentElement; a && a !== article; a = a.parentElement) if (scrolls(a)) return true;
    return false;
  };
  for (const e of article.querySelectorAll('*')) {
    if (e.closest('.katex') && !e.classList.contains('katex-display')) continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > column.right || r.left < column.left) && !insideScroller(e)) {
      findings.push(`sticks out of the content column (${Math.round(r.left)}..${Math.round(r.right)} px, column ${Math.round(column.left)}..${Math.round(column.right)}): ` + name(e));
    }
    const overflowX = getComputedStyle(e).overflowX;
    if (['hidden', 'clip'].includes(overflowX) && e.scrollWidth > e.clientWidth + 1) {
      findings.push(`clips its content (${e.scrollWidth} px in ${e.clientWidth}): ` + name(e));
    }
  }

  // At the desktop width, what was written for the page fits the column without scrolling:
  // math, tables and code. Output captured from a command, generated code, and the docstrings
  // the pages pull in from reference/ and conformance/ (API entries, module docstrings) may
  // scroll in their box.
  if (desktop) {
    const exempt = '.console-run, .generated-code, .docstring, .reference-api, dl.py';
    for (const e of article.querySelectorAll('.katex-display, .table-wrapper, div.highlight pre')) {
      if (e.closest(exempt)) continue;
      if (e.scrollWidth > e.clientWidth + 1) {
        findings.push(`needs sideways scrolling at this width (${e.scrollWidth} px in ${e.clientWidth}): ` + name(e));
      }
    }
  }

  // Words: none broken across lines (a word that wraps has more than one line box).
  const range = document.createRange();
  const broken = new Set();
  const all = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest('pre, .katex, script, style')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  for (let n = all.nextNode(); n; n = all.nextNode()) {
    const text = n.textContent;
    // In prose a line may break after a slash, a dash, a hyphen before a letter
    // (tensorflow-addons, float32-mode), and between two Chinese characters; never inside a
    // number (1e-7), and never inside an identifier (code).
    const words = n.parentElement.closest('code')
      ? /[^\s\u200b]+/g
      : /[\u3000-\u9fff\uff00-\uffef]|(?:[^\s\u200b\/\-\u2013\u3000-\u9fff\uff00-\uffef]|-(?![A-Za-z]))+(?:[\/\u2013]|-(?=[A-Za-z]))?/g;
    for (let m = words.exec(text); m; m = words.exec(text)) {
      if (m[0].length < 2) continue;
      range.setStart(n, m.index);
      range.setEnd(n, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.add(`"${m[0].slice(0, 60)}" in ` + name(n.parentElement).slice(0, 60));
    }
  }
  for (const b of broken) findings.push('word broken across lines: ' + b);
  return {findings, title: document.title};
}
