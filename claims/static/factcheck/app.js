// Factcheck dashboard: a few lines of progressive enhancement (htmx does the polling);
// every page works without them.
"use strict";

// Queues: j / k move between claims, x ticks the current one, Enter opens it.
function queueKeys(table) {
  const rows = () => Array.from(table.querySelectorAll("tbody tr"));
  let current = -1;
  const focus = (index) => {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((row, i) => row.classList.toggle("current", i === current));
    const link = all[current].querySelector("td a");
    if (link) link.focus();
  };
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches("input[type=text], input[type=search], input[type=number], textarea, select")) return;
    if (event.key === "j") { focus(current + 1); event.preventDefault(); }
    if (event.key === "k") { focus(current - 1); event.preventDefault(); }
    if (event.key === "x" && current >= 0) {
      const box = rows()[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    }
  });
}

// The reader: a selection in the article fills the "Add a claim" form with its offsets in
// the body (each run of text carries data-start; the score marks inside claims are skipped).
function bodyOffset(node, offset) {
  let element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  if (!element) return null;
  const run = element.closest("[data-start]");
  if (!run || element.closest("sup")) return null;
  let count = 0;
  const walker = document.createTreeWalker(run, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (text.parentElement.closest("sup")) continue;
    if (text === node) return Number(run.dataset.start) + count + offset;
    count += text.textContent.length;
  }
  return node === run ? Number(run.dataset.start) : null;
}

function addFromSelection() {
  document.addEventListener("selectionchange", () => {
    // Looked up each time: htmx replaces the reader while extraction runs.
    const body = document.querySelector("article.body[data-selectable]");
    const form = document.querySelector("form.add-claim");
    if (!body || !form) return;
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return;
    const start = bodyOffset(range.startContainer, range.startOffset);
    const end = bodyOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    form.elements.start.value = start;
    form.elements.end.value = end;
    const shown = form.querySelector(".selected-text");
    if (shown) shown.textContent = selection.toString().slice(0, 300);
  });
}

// Forms that act on many claims at once ask first (data-confirm holds the question).
function confirmForms() {
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

function setUp() {
  confirmForms();
  const queue = document.querySelector("table.claims[data-keys]");
  if (queue) queueKeys(queue);
  addFromSelection();
}

document.addEventListener("DOMContentLoaded", setUp);
