// Factcheck dashboard: a few lines of progressive enhancement (htmx does the polling);
// every page works without them: each control is a plain form or link.
"use strict";

const SHOW_ALL = "factcheck.reader.showAll";

// Keys act only when the person is not typing, and never with a modifier held.
function typing(event) {
  const target = event.target;
  return (
    event.ctrlKey || event.metaKey || event.altKey ||
    (target instanceof Element &&
      target.matches(
        "input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable], dialog *"))
  );
}

// `?` shows the list of keyboard shortcuts (a <dialog> in every page).
function shortcutsHelp() {
  const dialog = document.getElementById("shortcuts");
  if (!dialog) return;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "?" || typing(event) || dialog.open) return;
    dialog.showModal();
    event.preventDefault();
  });
}

// Queues: j / k move between claims, x ticks the current one, Enter opens it; c, d and a
// start checking, dismiss or assign the ticked claims (the current one if none is ticked),
// through the bulk form and its confirmation.
function queueKeys(table) {
  const rows = () => Array.from(table.querySelectorAll("tbody tr"));
  const form = table.closest("form[data-bulk]");
  let current = -1;
  const focus = (index) => {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((row, i) => row.classList.toggle("current", i === current));
    const link = all[current].querySelector("td a");
    if (link) link.focus();
  };
  const bulk = (action) => {
    if (!form || !form.elements.bulk_action) return;
    const boxes = Array.from(form.querySelectorAll("input[name=claim]"));
    if (!boxes.some((box) => box.checked) && current >= 0) {
      const box = rows()[current].querySelector("input[name=claim]");
      if (box) box.checked = true;
    }
    form.elements.bulk_action.value = action;
    if (action === "assign") {
      form.elements.assignee.focus();  // whom: the person chooses, then Apply
    } else {
      form.requestSubmit();
    }
  };
  const keys = { c: "start-checking", d: "dismiss", a: "assign" };
  document.addEventListener("keydown", (event) => {
    if (typing(event)) return;
    if (event.key === "j") { focus(current + 1); event.preventDefault(); }
    if (event.key === "k") { focus(current - 1); event.preventDefault(); }
    if (event.key === "x" && current >= 0) {
      const box = rows()[current].querySelector("input[type=checkbox]");
      if (box) box.checked = !box.checked;
      event.preventDefault();
    }
    if (keys[event.key]) { bulk(keys[event.key]); event.preventDefault(); }
  });
}

// The header's box ticks (or clears) every claim of the page.
function selectAll() {
  for (const all of document.querySelectorAll("input[data-select-all]")) {
    all.hidden = false;
    all.addEventListener("change", () => {
      const form = all.closest("form");
      for (const box of form.querySelectorAll("input[name=claim]")) box.checked = all.checked;
    });
  }
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

// The reader's "Show the other claims": remembered in this browser (localStorage); the
// address says it too (?all=1), which is also what the form does without script.
function readerToggle() {
  const apply = () => {
    const reader = document.querySelector("#reader .reader");
    const box = document.querySelector(".reader-toggle input[name=all]");
    if (!reader || !box) return;
    const asked = new URLSearchParams(window.location.search).get("all");
    if (asked !== null) localStorage.setItem(SHOW_ALL, asked === "1" ? "1" : "0");
    const on = localStorage.getItem(SHOW_ALL) === "1";
    reader.classList.toggle("show-all", on);
    box.checked = on;
  };
  document.addEventListener("change", (event) => {
    const box = event.target.closest(".reader-toggle input[name=all]");
    if (!box) return;
    localStorage.setItem(SHOW_ALL, box.checked ? "1" : "0");
    const url = new URL(window.location.href);
    url.searchParams.set("all", box.checked ? "1" : "0");
    history.replaceState(null, "", url);
    apply();
  });
  document.body.addEventListener("htmx:afterSwap", apply);
  apply();
  return apply;
}

// The reader's triage in place: its forms post to the claim's action as without script,
// then the reader is fetched again; a refusal's reason is shown beside the text.
function readerTriage(afterSwap) {
  let current = null;  // the claim id the keys act on
  const status = (text, error) => {
    const line = document.querySelector("#reader .reader-status");
    if (!line) return;
    line.textContent = text;
    line.classList.toggle("error", Boolean(error));
  };
  const refresh = async () => {
    const reader = document.getElementById("reader");
    const response = await fetch(reader.dataset.readerUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const next = fresh.getElementById("reader");
    if (!next) return;
    reader.replaceWith(next);
    if (window.htmx) window.htmx.process(next);
    afterSwap();
    if (current) mark(current);
  };
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("#reader form[data-inplace]");
    if (!form || event.defaultPrevented) return;
    event.preventDefault();
    const claim = form.closest("[data-claim]").dataset.claim;
    const label = form.querySelector("button[type=submit]").textContent;
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
    });
    if (response.ok && !response.url.includes("/claims/")) {
      await refresh();
      status(`${label}: done for claim ${claim}.`, false);
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const reason = page.querySelector("[role=alert]");
    await refresh();
    status(`${label}, claim ${claim}: ${reason ? reason.textContent.trim() : "refused."}`, true);
  });
  // The claims shown: the check-worthy ones, or all of them when the desk asked.
  const visible = () => {
    const all = document.querySelector("#reader .reader.show-all");
    return Array.from(document.querySelectorAll("#reader a.claim[data-claim]")).filter(
      (a) => all || !a.classList.contains("other"));
  };
  const mark = (id) => {
    current = id;
    for (const el of document.querySelectorAll("#reader .current")) el.classList.remove("current");
    const span = document.getElementById(`claim-${id}`);
    const item = document.getElementById(`triage-${id}`);
    if (span) { span.classList.add("current"); span.focus(); }
    if (item) item.classList.add("current");
  };
  // j / k: the next or previous claim shown, counted from the current one even when that
  // one has just been hidden (dismissed).
  const move = (step) => {
    const every = Array.from(document.querySelectorAll("#reader a.claim[data-claim]"));
    const shown = new Set(visible());
    if (!shown.size) return;
    let at = every.findIndex((a) => a.dataset.claim === current);
    if (at < 0) at = step > 0 ? -1 : every.length;
    for (let i = at + step; i >= 0 && i < every.length; i += step) {
      if (shown.has(every[i])) { mark(every[i].dataset.claim); return; }
    }
  };
  const act = (key) => {
    const item = current && document.getElementById(`triage-${current}`);
    const button = item && item.querySelector(`button[data-key="${key}"]`);
    if (!button) { status(`No such action for ${current ? `claim ${current}` : "the claim: move to one with j"}.`, true); return; }
    if (key === "a") { button.form.elements.assignee.focus(); return; }
    button.form.requestSubmit();
  };
  document.addEventListener("focusin", (event) => {
    const claim = event.target.closest && event.target.closest("#reader [data-claim]");
    if (claim) current = claim.dataset.claim;
  });
  document.addEventListener("keydown", (event) => {
    if (typing(event) || !document.getElementById("reader")) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    if (event.key === "k") { move(-1); event.preventDefault(); }
    if (["c", "a", "d"].includes(event.key)) { act(event.key); event.preventDefault(); }
  });
}

// Forms that act on many claims, or publish, ask first (data-confirm holds the question).
function confirmForms() {
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (!form) return;
    let question = form.dataset.confirm;
    if (form.hasAttribute("data-bulk")) {
      const ticked = form.querySelectorAll("input[name=claim]:checked").length;
      const choice = form.elements.bulk_action;
      const what = choice.selectedIndex > 0 ? choice.options[choice.selectedIndex].text : "Apply";
      question = `${what}: ${ticked} selected claim${ticked === 1 ? "" : "s"}?`;
    }
    if (!window.confirm(question)) { event.preventDefault(); return; }
    // Said yes here: the server does not ask again (without script, it asks on a page).
    const said = form.querySelector("input[data-confirmed]");
    if (said) said.value = "1";
  }, true);
}

// A page answering a refused action shows the claim; its address becomes the claim's too,
// so a reload reads the claim instead of posting the action again.
function replaceUrl() {
  const link = document.querySelector("link[data-replace-url]");
  if (link) history.replaceState(null, "", link.href);
}

function setUp() {
  replaceUrl();
  confirmForms();
  shortcutsHelp();
  selectAll();
  const queue = document.querySelector("table.claims[data-keys]");
  if (queue) queueKeys(queue);
  addFromSelection();
  if (document.getElementById("reader")) readerTriage(readerToggle());
}

document.addEventListener("DOMContentLoaded", setUp);
