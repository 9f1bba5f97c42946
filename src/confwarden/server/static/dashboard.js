// The confwarden dashboard: plain JavaScript, no build step, no third-party code.
// Everything shown comes from the API, already masked by the server; text is inserted with
// textContent only, never as HTML. A token (for a non-loopback server) is read from the URL
// fragment (#token=...), which browsers never send to the server.
"use strict";

const token = new URLSearchParams(location.hash.slice(1)).get("token");
const headers = token ? { Authorization: "Bearer " + token } : {};
const base = new URL(".", location.href);

const TOKEN_REQUIRED = "a token is required: open the page as .../#token=<token>";
let refused = null;  // why the server refuses this page (no or wrong token, foreign host)

async function api(path) {
  const response = await fetch(new URL(path, base), { headers, cache: "no-store" });
  if (response.status === 401) refused = token ? "the token was refused: check #token=" : TOKEN_REQUIRED;
  else if (response.status === 400 || response.status === 403) {
    refused = (await response.json()).error;
  } else refused = null;
  if (refused) throw new Error(refused);
  return response.json();
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) tr.appendChild(el("td", cell));
  return tr;
}

function fill(id, rows) {
  const body = document.getElementById(id);
  body.replaceChildren(...rows);
}

async function refreshHealth() {
  const report = await api("health");
  const status = document.getElementById("status");
  status.textContent = report.status;
  status.className = "status " + report.status;
  const config = report.components.config;
  if (config && config.details.score !== null && config.details.score !== undefined) {
    document.getElementById("score").textContent = config.details.score;
  }
  // Changed in a source, held back until a restart: the service runs the old value.
  const held = (config && config.details.restart_required) || [];
  const restart = document.getElementById("restart");
  restart.hidden = !held.length;
  restart.textContent = held.length ? "restart required for: " + held.join(", ") : "";
  const items = Object.entries(report.components).map(([name, c]) => {
    const item = el("li", name + ": " + c.status + " (" + c.reason + ")");
    item.dataset.status = c.status;
    return item;
  });
  document.getElementById("components").replaceChildren(...items);
}

function drawChart(history) {
  const canvas = document.getElementById("chart");
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#dde1e6";
  for (const level of [0, 60, 90, 100]) {
    const y = h - (level / 100) * (h - 10) - 5;
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(w, y); ctx.stroke();
  }
  ctx.fillStyle = "#777";
  ctx.font = "10px sans-serif";
  for (const level of [60, 90]) ctx.fillText(String(level), 2, h - (level / 100) * (h - 10) - 7);
  if (!history.length) return;
  const point = (sample, i) => [
    history.length === 1 ? w / 2 : (i / (history.length - 1)) * (w - 30) + 25,
    h - (sample.score / 100) * (h - 10) - 5,
  ];
  ctx.fillStyle = "#1565c0";
  history.forEach((sample, i) => {
    const [x, y] = point(sample, i);
    ctx.beginPath(); ctx.arc(x, y, 3, 0, 2 * Math.PI); ctx.fill();
  });
  ctx.strokeStyle = "#1565c0";
  ctx.lineWidth = 2;
  ctx.beginPath();
  history.forEach((sample, i) => {
    const [x, y] = point(sample, i);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

async function refreshValidation() {
  const view = await api("config/validation");
  drawChart(view.history || []);
  const result = view.result;
  if (!result) { fill("issues", [row(["", "", "not validated yet", ""])]); return; }
  const problems = [
    ...result.errors.map((p) => [p.variable, "error", p.message, p.fix]),
    ...result.warnings.map((p) => [p.variable, p.severity, p.message, p.fix]),
  ];
  fill("issues", problems.length ? problems.map(row) : [row(["", "", "no issues", ""])]);
}

async function refreshConfig() {
  const view = await api("config");
  document.getElementById("service").textContent =
    view.loaded ? view.schema + " (" + view.environment + ")" : "";
  const rows = (view.fields || []).map((f) => row([f.variable, f.value === null ? "(unset)" : f.value,
    f.source.description || f.source.kind || ""]));
  fill("variables", rows);
}

async function refreshExecutions() {
  const view = await api("executions");
  const counts = Object.entries(view.counts).map(([k, v]) => k + " " + v).join(", ");
  document.getElementById("execution-counts").textContent =
    view.active + " active of " + view.limit + " (" + counts + ")";
  fill("executions", view.executions.map((e) => row([e.id, e.agent_name, e.state, e.death_cause || "", e.error || ""])));
}

function describe(event) {
  if (event.type === "agent_death") {
    return "agent_death " + event.agent_name + " (" + event.payload.death_cause + "): " + event.payload.message;
  }
  if (event.type === "health_change") return "health " + event.previous + " -> " + event.status;
  if (event.message) return event.type + " " + (event.kind || "") + ": " + event.message;
  return event.type;
}

function showEvent(event) {
  const item = el("li", null, event.type);
  item.dataset.type = event.type;
  item.appendChild(el("span", (event.timestamp || "") + " ", "muted"));
  item.appendChild(el("span", describe(event)));
  const list = document.getElementById("events");
  list.prepend(item);
  while (list.children.length > 200) list.lastChild.remove();
}

function base64url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function connect() {
  const url = new URL("events", base);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  // The token travels as a subprotocol, never in the URL (request lines land in access logs).
  const socket = token ? new WebSocket(url, ["confwarden", "confwarden.token." + base64url(token)])
                       : new WebSocket(url);
  const state = document.getElementById("connection");
  socket.onopen = () => { state.textContent = "live"; };
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    showEvent(event);
    if (event.type === "agent_death") refreshExecutions().catch(report);
    refreshHealth().catch(report);
  };
  socket.onclose = () => {
    // A refused handshake is not a network problem: say what the server said over HTTP.
    state.textContent = refused || "disconnected, retrying";
    setTimeout(connect, 2000);
  };
}

function report(error) {
  document.getElementById("connection").textContent = String(error.message || error);
}

async function refreshAll() {
  await Promise.all([refreshHealth(), refreshValidation(), refreshConfig(), refreshExecutions()]);
}

refreshAll().catch(report);
connect();
setInterval(() => { refreshAll().catch(report); }, 5000);
