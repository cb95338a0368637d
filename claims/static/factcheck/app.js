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

document.addEventListener("DOMContentLoaded", () => {
  const queue = document.querySelector("table.claims[data-keys]");
  if (queue) queueKeys(queue);
});
