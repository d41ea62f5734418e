// The instructor's dashboard: polls api/progress (same origin, session cookie) every 2 s.
"use strict";
const STEPS = ["configured", "logged_in", "listed_buckets", "logged_out", "cleaned_up"];
let faults = {};

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function call(path, body) {
  const response = await fetch(path, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify(body || {}),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.message || response.statusText);
  return data;
}

function tell(text) {
  const dialog = document.querySelector(".ws-dialog");
  dialog.querySelector(".ws-dialog-text").textContent = text;
  dialog.showModal();
}

function ago(now, at) {
  if (!at) return "never";
  const s = Math.max(0, Math.round(now - at));
  return s < 90 ? s + " s ago" : Math.round(s / 60) + " min ago";
}

function row(now, learner) {
  const tr = el("tr", {"class": "ws-row", "data-learner": learner.learner, "data-state": learner.state});
  tr.append(el("th", {scope: "row"}, learner.learner), el("td", {}, learner.account));
  for (const step of STEPS) {
    const done = Boolean(learner.steps[step]);
    tr.append(el("td", {"class": "ws-step", "data-step": step, "data-done": String(done)}, done ? "✓ done" : "–"));
  }
  const state = el("td", {"class": "ws-state ws-state-" + learner.state.replace(" ", "-")}, learner.state);
  if (learner.fault) state.append(el("div", {"class": "ws-fault"}, "fault: " + learner.fault));
  tr.append(state);
  const errors = Object.entries(learner.errors).map(([k, v]) => k + " ×" + v).join(", ");
  tr.append(el("td", {"class": "ws-errors"}, errors || "–"), el("td", {}, ago(now, learner.last_seen)));
  const actions = el("td");
  const reset = el("button", {type: "button", "class": "ws-reset"}, "Reset");
  reset.addEventListener("click", async () => {
    if (!confirm("Reset " + learner.learner + "? Tokens, buckets and password are replaced.")) return;
    try {
      const data = await call("api/reset", {learner: learner.learner});
      tell("New password for " + data.learner + " (shown once): " + data.password);
    } catch (err) { tell("Reset failed: " + err.message); }
    refresh();
  });
  const select = el("select", {"class": "ws-fault-select", "aria-label": "Fault for " + learner.learner});
  select.append(el("option", {value: ""}, "no fault"));
  for (const [kind, what] of Object.entries(faults)) {
    const option = el("option", {value: kind, title: what}, kind);
    if (learner.fault === kind) option.selected = true;
    select.append(option);
  }
  select.addEventListener("change", async () => {
    try { await call("api/fault", {learner: learner.learner, kind: select.value || null}); }
    catch (err) { tell("Fault failed: " + err.message); }
    refresh();
  });
  actions.append(reset, select);
  tr.append(actions);
  return tr;
}

async function refresh() {
  const response = await fetch("api/progress", {credentials: "same-origin", cache: "no-store"});
  if (response.status === 401) { location.reload(); return; }
  const data = await response.json();
  faults = data.faults;
  const s = data.summary;
  document.querySelector(".ws-summary").textContent =
    `${data.learners.length} learners: ${s["finished"]} finished, ${s["working"]} working, ` +
    `${s["stuck"]} stuck, ${s["not started"]} not started`;
  const body = document.querySelector(".ws-table tbody");
  const focused = document.activeElement && document.activeElement.closest("tr");
  if (focused && body.contains(focused)) return;  // do not redraw under an open select
  body.replaceChildren(...data.learners.map((l) => row(data.now, l)));
  document.querySelector(".ws-updated").textContent = "Last update " + new Date().toLocaleTimeString();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelector(".ws-end").addEventListener("click", async () => {
    if (!confirm("End every learner's session now?")) return;
    const data = await call("api/end");
    tell(data.tokens + " sessions ended.");
  });
  refresh();
  setInterval(refresh, 2000);
});
