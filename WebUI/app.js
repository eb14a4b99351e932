// The Periscope agent's web UI: the live container table, a page per container, the captures.
// Everything comes from the agent's JSON API under /api/v1/; nothing is loaded from elsewhere.
"use strict";

const view = document.getElementById("view");
let timers = [];
let pageGeneration = 0;

// ---- helpers ---------------------------------------------------------------------------

function clearTimers() { for (const t of timers) clearInterval(t); timers = []; }
function every(ms, fn) { timers.push(setInterval(fn, ms)); }
function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) if (child != null) node.append(child instanceof Node ? child : String(child));
  return node;
}

class APIError extends Error {
  constructor(status, message, retryAfter) { super(message); this.status = status; this.retryAfter = retryAfter; }
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ headers: { "Accept": "application/json" } }, options || {}));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (response.status === 401) {
    showSignIn(document.cookie.includes("periscope_token=") ? "That token was refused." : null);
    throw new APIError(401, "this agent needs its token: sign in", null);
  }
  if (!response.ok) {
    const reason = (body && (body.error && (body.error.message || body.error) || body.reason || body.message)) || text || response.statusText;
    throw new APIError(response.status, typeof reason === "string" ? reason : JSON.stringify(reason), response.headers.get("Retry-After"));
  }
  return body;
}

// ---- signing in ---------------------------------------------------------------------------

// An agent started with --token-file refuses every API request without its token. A browser
// cannot add the Authorization header to a link, a download or the flame graph's frame, so
// the token goes into a session cookie the agent also accepts: SameSite=Strict (no other
// site's page makes the browser send it), gone when the browser closes, never in a URL.
let signingIn = false;
function showSignIn(problem) {
  if (signingIn) return;
  signingIn = true;
  clearTimers();
  const input = h("input", { type: "password", id: "token", autocomplete: "off", "aria-label": "Token", size: 40 });
  const form = h("form", { id: "sign-in", onsubmit: event => {
    event.preventDefault();
    if (!input.value) return;
    document.cookie = "periscope_token=" + encodeURIComponent(input.value.trim()) + "; path=/; SameSite=Strict";
    signingIn = false;
    route();
  } },
    h("h1", {}, "Sign in"),
    h("p", {}, "This agent was started with --token-file: give the token from that file."),
    problem ? message("error", problem) : null,
    h("p", {}, input, " ", h("button", { type: "submit" }, "Sign in")));
  view.replaceChildren(form);
  input.focus();
}

function signOut() {
  document.cookie = "periscope_token=; path=/; SameSite=Strict; max-age=0";
  location.hash = "#/";
  location.reload();
}

const fmt = {
  cores: v => v == null ? "–" : v.toFixed(v >= 10 ? 1 : 2),
  pct: v => v == null ? "–" : v.toFixed(v >= 100 ? 0 : 1) + "%",
  ms: v => v == null ? "–" : (v * 1000).toFixed(1),
  bytes(v) {
    if (v == null) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0; while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : 1)) + " " + units[i];
  },
  time(seconds) {
    if (seconds == null) return "–";
    const d = new Date(seconds * 1000), pad = n => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  },
  duration(seconds) { return seconds == null ? "–" : seconds < 60 ? seconds.toFixed(seconds < 10 ? 1 : 0) + " s" : (seconds / 60).toFixed(1) + " min"; },
};

// A limit that is "none" in the kernel's terms (memory limit of 2^63) shows as no limit.
function realLimit(bytes) { return bytes != null && bytes < 2 ** 60 ? bytes : null; }

function setActiveNav(name) {
  for (const id of ["containers", "captures"]) document.getElementById("nav-" + id).classList.toggle("active", id === name);
}

function message(kind, text) { return h("div", { class: "message " + kind, role: kind === "error" ? "alert" : "status" }, text); }

// ---- the container table -----------------------------------------------------------------

// One row per container of /api/v1/latest, in the units `periscope top` uses.
function containerRow(entry) {
  const r = entry.rates || {}, cpu = r.cpu || {}, mem = r.memory || {};
  const limit = realLimit(mem.limitBytes);
  return {
    key: entry.labels.key, name: entry.labels.name, image: entry.labels.image,
    cpuCores: cpu.usageCores ?? null, capCores: cpu.capCores ?? null, percentOfCap: cpu.percentOfCap ?? null,
    throttledPercent: cpu.throttledPercentOfPeriods ?? null, throttledSeconds: cpu.throttledSecondsPerSecond ?? null,
    workingSetBytes: mem.workingSetBytes ?? null, memoryLimitBytes: limit,
    memoryPercent: limit ? mem.workingSetPercentOfLimit ?? null : null,
    cpuPressure: r.cpuPressure ? r.cpuPressure.someAverage10sPercent : null,
    dState: entry.averageDStateThreads ?? null, oomKills: mem.oomKillCount ?? null,
  };
}

const tableColumns = [
  { key: "name", label: "Name", text: r => r.name, link: true },
  { key: "image", label: "Image", text: r => r.image || "–" },
  { key: "cpuCores", label: "CPU (cores)", num: true, text: r => fmt.cores(r.cpuCores), title: "CPU used over the last interval, in cores" },
  { key: "capCores", label: "Cap", num: true, text: r => r.capCores == null ? "none" : fmt.cores(r.capCores), title: "CFS quota / period, in cores" },
  { key: "percentOfCap", label: "% of cap", num: true, text: r => fmt.pct(r.percentOfCap), heat: r => r.percentOfCap >= 90 ? "hot" : r.percentOfCap >= 70 ? "warm" : "" },
  { key: "throttledPercent", label: "Throttled", num: true, text: r => fmt.pct(r.throttledPercent), title: "Share of CFS periods in which the container was throttled",
    heat: r => r.throttledPercent >= 10 ? "hot" : r.throttledPercent > 0 ? "warm" : "" },
  { key: "throttledSeconds", label: "Thr ms/s", num: true, text: r => fmt.ms(r.throttledSeconds), title: "Time throttled per second, ms",
    heat: r => r.throttledSeconds >= 0.01 ? "hot" : r.throttledSeconds > 0 ? "warm" : "" },
  { key: "workingSetBytes", label: "Memory", num: true, text: r => fmt.bytes(r.workingSetBytes), title: "Working set (usage − inactive file)" },
  { key: "memoryLimitBytes", label: "Limit", num: true, text: r => r.memoryLimitBytes == null ? "none" : fmt.bytes(r.memoryLimitBytes) },
  { key: "memoryPercent", label: "% of limit", num: true, text: r => fmt.pct(r.memoryPercent), heat: r => r.memoryPercent >= 90 ? "hot" : r.memoryPercent >= 75 ? "warm" : "" },
  { key: "cpuPressure", label: "CPU PSI", num: true, text: r => fmt.pct(r.cpuPressure), title: "CPU pressure, some avg10", heat: r => r.cpuPressure >= 25 ? "hot" : r.cpuPressure >= 5 ? "warm" : "" },
  { key: "dState", label: "D-state", num: true, text: r => r.dState == null ? "–" : r.dState.toFixed(1), title: "Threads in uninterruptible sleep (average)", heat: r => r.dState >= 1 ? "hot" : "" },
  { key: "oomKills", label: "OOM kills", num: true, text: r => r.oomKills ?? "–", heat: r => r.oomKills > 0 ? "hot" : "" },
];

const tableState = { sortKey: "cpuCores", descending: true, filter: "" };

function sortRows(rows) {
  const column = tableState.sortKey, sign = tableState.descending ? -1 : 1;
  return rows.slice().sort((a, b) => {
    const x = a[column], y = b[column];
    if (x == null && y == null) return a.name.localeCompare(b.name);
    if (x == null) return 1;
    if (y == null) return -1;
    const order = typeof x === "string" ? x.localeCompare(y) : x - y;
    return order !== 0 ? sign * order : a.name.localeCompare(b.name);
  });
}

function renderTable(table, rows) {
  const head = h("tr", {}, tableColumns.map(c => h("th", {
    class: ["sortable", c.num ? "num" : "", tableState.sortKey === c.key ? (tableState.descending ? "sorted-desc" : "sorted-asc") : ""].join(" ").trim(),
    title: c.title, "data-key": c.key, "aria-sort": tableState.sortKey === c.key ? (tableState.descending ? "descending" : "ascending") : null,
    onclick: () => {
      if (tableState.sortKey === c.key) tableState.descending = !tableState.descending;
      else { tableState.sortKey = c.key; tableState.descending = !!c.num; }
      renderTable(table, rows);
    },
  }, c.label)));
  const filter = tableState.filter.toLowerCase();
  const shown = sortRows(rows).filter(r => !filter || r.name.toLowerCase().includes(filter) || (r.image || "").toLowerCase().includes(filter));
  const body = h("tbody", {}, shown.map(r => h("tr", { class: "clickable", "data-key": r.key, onclick: () => { location.hash = "#/container/" + encodeURIComponent(r.key); } },
    tableColumns.map(c => h("td", { class: [c.num ? "num" : "", c.heat ? c.heat(r) : ""].join(" ").trim() || null, "data-column": c.key },
      c.link ? h("a", { href: "#/container/" + encodeURIComponent(r.key) }, c.text(r)) : c.text(r))))));
  if (shown.length === 0) body.append(h("tr", {}, h("td", { colspan: tableColumns.length, class: "muted" }, rows.length ? "no container matches the filter" : "no containers")));
  table.replaceChildren(h("thead", {}, head), body);
}

async function showContainers() {
  setActiveNav("containers");
  const generation = pageGeneration;
  const status = h("span", { class: "muted", id: "refresh-status" });
  const pause = h("button", { id: "pause", onclick: () => { paused = !paused; pause.textContent = paused ? "Resume" : "Pause"; } }, "Pause");
  let paused = false;
  const search = h("input", { type: "search", placeholder: "Filter by name or image", value: tableState.filter, "aria-label": "Filter containers",
    oninput: () => { tableState.filter = search.value; renderTable(table, lastRows); } });
  const table = h("table", { id: "containers" });
  const problem = h("div");
  let lastRows = [];
  view.replaceChildren(h("h1", {}, "Containers"), h("div", { class: "toolbar" }, search, pause, status), problem, h("div", { class: "scroll" }, table));
  renderTable(table, lastRows);
  async function refresh() {
    if (paused || generation !== pageGeneration) return;
    try {
      const latest = await api("/api/v1/latest");
      if (generation !== pageGeneration) return;
      lastRows = latest.containers.map(containerRow);
      renderTable(table, lastRows);
      problem.replaceChildren();
      status.textContent = `${lastRows.length} containers · sampled ${fmt.time(latest.unixTimeSeconds)}` +
        (latest.intervalSeconds ? ` · rates over ${latest.intervalSeconds.toFixed(1)} s` : "") + " · refreshes every 2 s";
    } catch (error) {
      problem.replaceChildren(message(error.status === 503 ? "busy" : "error", error.message));
    }
  }
  await refresh();
  every(2000, refresh);
}

// ---- a container's page ------------------------------------------------------------------

const ranges = [["5m", 300], ["15m", 900], ["1h", 3600], ["6h", 21600], ["24h", 86400]];

async function showContainer(reference, rangeName) {
  setActiveNav("");
  const generation = pageGeneration;
  const rangeSeconds = (ranges.find(r => r[0] === rangeName) || ranges[0])[1];
  const title = h("h1", {}, reference);
  const facts = h("dl", { class: "kv" });
  const charts = h("div", { class: "charts", id: "charts" });
  const findings = h("div", { id: "findings" }, h("p", { class: "muted" }, "loading…"));
  const processes = h("div", { id: "processes", class: "scroll" });
  const captureArea = h("div", { id: "capture-area" });
  const captureList = h("div", { id: "container-captures", class: "scroll" });
  const rangeSelect = h("select", { id: "range", "aria-label": "Chart range", onchange: () => { location.hash = `#/container/${encodeURIComponent(reference)}?range=${rangeSelect.value}`; } },
    ranges.map(([name]) => h("option", { value: name, selected: name === (rangeName || "5m") }, "last " + name)));
  const profileSeconds = h("select", { id: "profile-seconds", "aria-label": "Capture duration" }, [5, 10, 30, 60].map(s => h("option", { value: s, selected: s === 10 }, s + " s")));
  const profileButton = h("button", { class: "primary", id: "take-profile", onclick: () => takeCapture("profile") }, "Take CPU profile");
  const traceButton = h("button", { id: "take-trace", onclick: () => takeCapture("trace") }, "Take trace snapshot");
  view.replaceChildren(
    h("p", {}, h("a", { href: "#/" }, "← Containers")), title, facts,
    h("h2", {}, "Captures"), h("div", { class: "toolbar" }, profileButton, traceButton, "for", profileSeconds), captureArea,
    h("h2", {}, "Charts"), h("div", { class: "toolbar" }, rangeSelect, h("span", { class: "muted", id: "chart-status" })), charts,
    h("div", { class: "grid2" }, h("div", {}, h("h2", {}, "Findings"), findings), h("div", {}, h("h2", {}, "Processes"), processes)),
    h("h2", {}, "Earlier captures of this container"), captureList);

  let labels = null;
  async function loadCharts() {
    const until = Date.now() / 1000, since = until - rangeSeconds;
    try {
      const history = await api(`/api/v1/history?container=${encodeURIComponent(reference)}&since=${since}&until=${until}`);
      if (generation !== pageGeneration) return;
      labels = history.container;
      title.textContent = labels.name;
      facts.replaceChildren(h("dt", {}, "image"), h("dd", {}, labels.image || "–"), h("dt", {}, "id"), h("dd", {}, labels.id), h("dt", {}, "key"), h("dd", {}, labels.key));
      const pts = (f) => history.points.map(p => [p.unixTimeSeconds, f(p)]);
      const last = history.points[history.points.length - 1];
      const cap = last && last.rates.cpu ? last.rates.cpu.capCores : null;
      const limit = last && last.rates.memory ? realLimit(last.rates.memory.limitBytes) : null;
      const interval = last ? last.rates.intervalSeconds : 5;
      document.getElementById("chart-status").textContent = `${history.points.length} samples from the agent's history`;
      charts.replaceChildren(
        Charts.lineChart({ title: "CPU used (cores)", unit: "cores", since, until, intervalSeconds: interval, format: v => v.toFixed(2),
          series: [{ name: "used", color: "#2563eb", points: pts(p => p.rates.cpu.usageCores) }],
          lines: cap != null ? [{ name: "cap", color: "#dc2626", value: cap }] : [] }),
        Charts.lineChart({ title: "CPU throttling", unit: "%", since, until, intervalSeconds: interval, minTop: 10, format: v => v.toFixed(0) + "%",
          series: [{ name: "periods throttled", color: "#dc2626", points: pts(p => p.rates.cpu.throttledPercentOfPeriods) },
                   { name: "time throttled (% of wall time)", color: "#f59e0b", points: pts(p => p.rates.cpu.throttledSecondsPerSecond == null ? null : p.rates.cpu.throttledSecondsPerSecond * 100) }] }),
        Charts.lineChart({ title: "Memory working set", since, until, intervalSeconds: interval, format: fmt.bytes,
          series: [{ name: "working set", color: "#7c3aed", points: pts(p => p.rates.memory.workingSetBytes) }],
          lines: limit != null ? [{ name: "limit", color: "#dc2626", value: limit }] : [] }),
        Charts.lineChart({ title: "Pressure stall (some, avg10)", unit: "%", since, until, intervalSeconds: interval, minTop: 10, format: v => v.toFixed(0) + "%",
          series: [{ name: "cpu", color: "#2563eb", points: pts(p => p.rates.cpuPressure ? p.rates.cpuPressure.someAverage10sPercent : null) },
                   { name: "memory", color: "#7c3aed", points: pts(p => p.rates.memoryPressure ? p.rates.memoryPressure.someAverage10sPercent : null) },
                   { name: "io", color: "#059669", points: pts(p => p.rates.ioPressure ? p.rates.ioPressure.someAverage10sPercent : null) }] }));
    } catch (error) {
      charts.replaceChildren(message("error", error.message));
    }
  }

  async function loadFindings() {
    try {
      const windows = await api("/api/v1/diagnosis");
      if (generation !== pageGeneration) return;
      const window = windows[windows.length - 1];
      const mine = window.report.findings.filter(f => labels && f.containerKey === labels.key);
      const verdict = window.report.cpuVerdicts.find(v => labels && v.containerKey === labels.key);
      findings.replaceChildren(
        h("p", { class: "muted" }, `diagnosis of ${fmt.time(window.startUnixSeconds)} – ${fmt.time(window.endUnixSeconds)}`),
        verdict ? h("p", {}, "CPU bottleneck: ", h("b", {}, verdict.outcome.replace(/_/g, " ")), ` (${verdict.usageCores.toFixed(2)} cores used` + (verdict.capCores ? ` of ${verdict.capCores.toFixed(2)})` : ")")) : null,
        h("div", {}, mine.length === 0 ? h("p", {}, "No findings for this container.") : mine.map(f => h("div", { class: "finding " + f.severity },
          h("span", { class: "badge " + f.severity }, f.severity), " ", h("span", { class: "verdict" }, f.verdict),
          h("ul", {}, (f.evidence || []).slice(0, 6).map(e => h("li", {}, evidenceText(e))))))));
    } catch (error) {
      findings.replaceChildren(message(error.status === 503 ? "busy" : "error", error.message));
    }
  }

  // "throttled time 45.1 ms/s (threshold >= 10)", as `periscope diagnose` words it.
  function evidenceText(e) {
    const number = v => Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
    let text = `${e.metric} ${number(e.value)} ${e.unit || ""}`.trim();
    if (e.first != null && e.last != null) text += ` (first ${number(e.first)} → last ${number(e.last)})`;
    if (e.threshold != null) text += ` (threshold ${e.comparison || ""} ${number(e.threshold)})`;
    return text;
  }

  let previousCPU = null;
  async function loadProcesses() {
    try {
      const list = await api(`/api/v1/processes?container=${encodeURIComponent(reference)}`);
      if (generation !== pageGeneration) return;
      const now = list.unixTimeSeconds, cpuNow = new Map(list.processes.map(p => [p.pid + ":" + p.startTimeTicks, p.cpuSeconds]));
      const rate = p => {
        if (!previousCPU) return null;
        const before = previousCPU.values.get(p.pid + ":" + p.startTimeTicks);
        return before == null ? null : (p.cpuSeconds - before) / Math.max(0.001, now - previousCPU.at);
      };
      const rows = list.processes.map(p => ({ p, cores: rate(p) })).sort((a, b) => (b.cores ?? -1) - (a.cores ?? -1) || a.p.pid - b.p.pid);
      previousCPU = { at: now, values: cpuNow };
      processes.replaceChildren(h("table", { id: "process-table" },
        h("thead", {}, h("tr", {}, ["PID", "PID inside", "Command", "State", "Threads", "CPU (cores)", "RSS"].map((t, i) => h("th", { class: i === 2 || i === 3 ? null : "num" }, t)))),
        h("tbody", {}, rows.map(({ p, cores }) => h("tr", {},
          h("td", { class: "num" }, p.pid), h("td", { class: "num" }, p.pidInContainer ?? "–"), h("td", {}, p.command), h("td", {}, p.state),
          h("td", { class: "num" }, p.threads), h("td", { class: "num" }, cores == null ? "…" : cores.toFixed(2)), h("td", { class: "num" }, fmt.bytes(p.residentBytes)))))));
    } catch (error) {
      processes.replaceChildren(message("error", error.message));
    }
  }

  async function loadCaptureList() {
    try {
      const list = await api("/api/v1/captures");
      if (generation !== pageGeneration) return;
      const mine = list.captures.filter(c => labels ? c.containerID === labels.key.split(":").pop() || c.container === labels.name : c.container === reference);
      captureList.replaceChildren(mine.length ? capturesTable(mine, false) : h("p", { class: "muted" }, "None yet."));
    } catch (error) {
      captureList.replaceChildren(message("error", error.message));
    }
  }

  async function takeCapture(kind) {
    const seconds = Number(profileSeconds.value);
    profileButton.disabled = traceButton.disabled = true;
    try {
      const record = await api("/api/v1/captures", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ container: labels ? labels.key : reference, kind, durationSeconds: seconds, format: kind === "profile" ? "svg" : undefined }) });
      await followCapture(record, seconds);
    } catch (error) {
      captureArea.replaceChildren(error.status === 429
        ? message("busy", `Another capture is running (one at a time). Try again in ${error.retryAfter || "a few"} s. ${error.message}`)
        : message("error", error.message));
    } finally {
      profileButton.disabled = traceButton.disabled = false;
    }
  }

  async function followCapture(record, seconds) {
    const started = Date.now();
    for (;;) {
      if (generation !== pageGeneration) return;
      const elapsed = (Date.now() - started) / 1000;
      if (record.state === "running") {
        captureArea.replaceChildren(message("", `${record.kind === "profile" ? "Profiling" : "Tracing"} ${record.container} for ${seconds} s… ${Math.min(elapsed, seconds).toFixed(0)} s`));
        await new Promise(resolve => setTimeout(resolve, 1000));
        record = await api(`/api/v1/captures/${record.id}`);
        continue;
      }
      showCaptureResult(record);
      loadCaptureList();
      return;
    }
  }

  function showCaptureResult(record) {
    const link = `/api/v1/captures/${record.id}/file`;
    const parts = [message(record.state === "succeeded" ? "" : record.state === "cancelled" ? "busy" : "error",
      `${record.kind} ${record.state}: ${record.summary || ""}${record.error ? " — " + record.error : ""}`)];
    if (record.hasFile || record.fileName) {
      parts.push(h("p", {}, h("a", { href: link + "?download=1", download: "" }, "Download " + (record.fileName || "result")), " · ",
        h("a", { href: link, target: "_blank", rel: "noopener" }, "open in a new tab")));
      if (record.kind === "profile" && record.format === "svg") {
        parts.push(h("p", { class: "muted" }, "Click a frame to zoom, Search (top right of the graph) to highlight a function; Ctrl-F also searches."));
        parts.push(flameGraphFrame(link, "Flame graph of " + record.container));
      }
    }
    captureArea.replaceChildren(...parts);
  }

  await loadCharts();
  await Promise.all([loadFindings(), loadProcesses(), loadCaptureList()]);
  every(5000, loadCharts);
  every(10000, loadFindings);
  every(2000, loadProcesses);
}

// ---- the captures ------------------------------------------------------------------------

// The flame graph SVG in a frame of its own size: its script (click to zoom, Search, Ctrl-F)
// runs in its own document and lays frames out for the SVG's width, so the frame is sized to
// the SVG rather than the SVG stretched to the frame.
function flameGraphFrame(link, title) {
  const frame = h("iframe", { class: "flamegraph", id: "flamegraph", src: link, title });
  frame.addEventListener("load", () => {
    const svg = frame.contentDocument && frame.contentDocument.documentElement;
    if (!svg || svg.tagName.toLowerCase() !== "svg") return;
    frame.style.width = (parseFloat(svg.getAttribute("width")) + 2) + "px";
    frame.style.height = (parseFloat(svg.getAttribute("height")) + 2) + "px";
  });
  return frame;
}

function capturesTable(captures, withContainer) {
  return h("table", { class: "captures" },
    h("thead", {}, h("tr", {}, [withContainer ? "Container" : null, "Kind", "Trigger", "Started", "Took", "State", "Size", "Result", ""].filter(x => x != null).map(t => h("th", {}, t)))),
    h("tbody", {}, captures.map(c => h("tr", { "data-id": c.id },
      withContainer ? h("td", {}, h("a", { href: "#/container/" + encodeURIComponent(c.container) }, c.container)) : null,
      h("td", {}, c.kind + (c.format ? ` (${c.format})` : "")),
      h("td", {}, c.trigger.source === "alert" ? "alert " + (c.trigger.alertName || "") : "on demand"),
      h("td", {}, fmt.time(c.startedAt)),
      h("td", {}, c.finishedAt ? fmt.duration(c.finishedAt - c.startedAt) : "–"),
      h("td", {}, h("span", { class: "badge " + c.state }, c.state), c.evicted ? h("span", { class: "muted" }, " deleted (budget)") : null),
      h("td", { class: "num" }, c.sizeBytes != null ? fmt.bytes(c.sizeBytes) : "–"),
      h("td", { style: "white-space: normal; max-width: 520px; overflow-wrap: anywhere" }, c.summary || "", c.error ? h("div", { class: "muted" }, c.error) : null),
      h("td", {}, c.fileName && !c.evicted && c.state !== "running"
        ? [h("a", { href: `/api/v1/captures/${c.id}/file?download=1`, download: "" }, "download"),
           c.format === "svg" ? [" · ", h("a", { href: `#/captures/${c.id}` }, "view")] : null]
        : "")))));
}

async function showCaptures() {
  setActiveNav("captures");
  const generation = pageGeneration;
  const area = h("div", { class: "scroll", id: "captures" });
  const status = h("p", { class: "muted" });
  view.replaceChildren(h("h1", {}, "Captures"), status, area);
  async function refresh() {
    try {
      const list = await api("/api/v1/captures");
      if (generation !== pageGeneration) return;
      status.textContent = `${list.captures.length} captures · ${fmt.bytes(list.storedBytes)} stored of a ${fmt.bytes(list.budgetBytes)} budget (oldest deleted first) · at most one profile or trace at a time, ${list.maximumDurationSeconds} s each`;
      area.replaceChildren(list.captures.length ? capturesTable(list.captures, true) : h("p", {}, "No captures yet: take one from a container's page, or let Alertmanager trigger one (POST /api/v1/alerts)."));
    } catch (error) {
      area.replaceChildren(message("error", error.message));
    }
  }
  await refresh();
  every(3000, refresh);
}

async function showCapture(id) {
  setActiveNav("captures");
  try {
    const c = await api(`/api/v1/captures/${encodeURIComponent(id)}`);
    view.replaceChildren(h("p", {}, h("a", { href: "#/captures" }, "← Captures")),
      h("h1", {}, `${c.kind} of ${c.container}`), h("p", { class: "muted" }, `${fmt.time(c.startedAt)} · ${c.summary || ""}`),
      c.format === "svg" && !c.evicted ? flameGraphFrame(`/api/v1/captures/${c.id}/file`, "Flame graph of " + c.container) : message("", "No inline view for this capture."));
  } catch (error) {
    view.replaceChildren(message("error", error.message));
  }
}

// ---- routing -----------------------------------------------------------------------------

function route() {
  clearTimers();
  pageGeneration++;
  const hash = location.hash || "#/";
  const [path, query] = hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  let match;
  if ((match = path.match(/^\/container\/(.+)$/))) return showContainer(decodeURIComponent(match[1]), params.get("range"));
  if ((match = path.match(/^\/captures\/([0-9a-f]{16})$/))) return showCapture(match[1]);
  if (path === "/captures") return showCaptures();
  return showContainers();
}

window.addEventListener("hashchange", () => { signingIn = false; route(); });
const signOutLink = document.getElementById("nav-sign-out");
signOutLink.hidden = !document.cookie.includes("periscope_token=");
signOutLink.addEventListener("click", event => { event.preventDefault(); signOut(); });
route();
