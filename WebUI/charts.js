// Line charts as inline SVG, drawn from the agent's history JSON: no library, no network.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 600, H = 170, L = 52, R = 10, T = 10, B = 24;

  function el(name, attributes, parent) {
    const node = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  // A "nice" upper bound and tick step for 0..max.
  function niceScale(max) {
    if (!(max > 0)) max = 1;
    const rough = max / 4, magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(s => s >= rough);
    return { top: Math.ceil(max / step) * step, step };
  }

  function timeLabel(seconds, spanSeconds) {
    const d = new Date(seconds * 1000), pad = n => String(n).padStart(2, "0");
    const hm = pad(d.getHours()) + ":" + pad(d.getMinutes());
    return spanSeconds <= 900 ? hm + ":" + pad(d.getSeconds()) : hm;
  }

  // options: {title, unit, format(v), series: [{name, color, points: [[unixSeconds, value|null]]}],
  //           lines: [{name, color, value}], since, until, minTop}
  function lineChart(options) {
    const box = document.createElement("div");
    box.className = "chart panel";
    const title = document.createElement("h3");
    title.textContent = options.title;
    box.appendChild(title);
    const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img", "aria-label": options.title });
    box.appendChild(svg);
    const format = options.format || (v => v.toFixed(2));
    const values = [];
    for (const s of options.series) for (const p of s.points) if (p[1] != null && isFinite(p[1])) values.push(p[1]);
    for (const line of options.lines || []) if (line.value != null) values.push(line.value);
    const scale = niceScale(Math.max(options.minTop || 0, ...values, 0));
    const since = options.since, until = options.until, span = Math.max(1, until - since);
    const x = t => L + (t - since) / span * (W - L - R);
    const y = v => T + (1 - v / scale.top) * (H - T - B);
    for (let v = 0; v <= scale.top + 1e-9; v += scale.step) {
      el("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e5e7eb", "stroke-width": 1, "vector-effect": "non-scaling-stroke" }, svg);
      el("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#6b7280" }, svg).textContent = format(v);
    }
    for (let i = 0; i <= 4; i++) {
      const t = since + span * i / 4;
      el("text", { x: x(t), y: H - 6, "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle", "font-size": 11, fill: "#6b7280" }, svg)
        .textContent = timeLabel(t, span);
    }
    for (const line of options.lines || []) {
      if (line.value == null) continue;
      el("line", { x1: L, x2: W - R, y1: y(line.value), y2: y(line.value), stroke: line.color, "stroke-dasharray": "5 4", "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }, svg);
    }
    let drawn = 0;
    for (const s of options.series) {
      // A gap in the samples (the agent was down, the container stopped) breaks the line.
      let d = "", previous = null;
      for (const [t, v] of s.points) {
        if (v == null || !isFinite(v)) { previous = null; continue; }
        const gap = previous != null && t - previous > 3 * (options.intervalSeconds || 5);
        d += (d === "" || gap ? "M" : "L") + x(t).toFixed(1) + " " + y(v).toFixed(1) + " ";
        previous = t; drawn++;
      }
      if (d) el("path", { d, fill: "none", stroke: s.color, "stroke-width": 1.8, "vector-effect": "non-scaling-stroke", "stroke-linejoin": "round" }, svg);
    }
    if (drawn === 0) {
      el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", "font-size": 13, fill: "#9ca3af" }, svg).textContent = "no samples in this range";
    }
    const legend = document.createElement("div");
    legend.className = "legend";
    const readout = document.createElement("span");
    for (const item of [...options.series, ...(options.lines || [])]) {
      const span = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = item.color;
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(item.name + (item.value != null ? " " + format(item.value) : "")));
      legend.appendChild(span);
    }
    legend.appendChild(readout);
    box.appendChild(legend);
    // Hover: the values at the nearest sample.
    const cursor = el("line", { y1: T, y2: H - B, stroke: "#9ca3af", "stroke-width": 1, visibility: "hidden", "vector-effect": "non-scaling-stroke" }, svg);
    svg.addEventListener("mousemove", event => {
      const rect = svg.getBoundingClientRect();
      const t = since + ((event.clientX - rect.left) / rect.width * W - L) / (W - L - R) * span;
      const parts = [];
      let at = null;
      for (const s of options.series) {
        let best = null;
        for (const p of s.points) if (p[1] != null && (best == null || Math.abs(p[0] - t) < Math.abs(best[0] - t))) best = p;
        if (best) { at = best[0]; parts.push(s.name + " " + format(best[1]) + (options.unit ? " " + options.unit : "")); }
      }
      if (at == null) return;
      cursor.setAttribute("x1", x(at)); cursor.setAttribute("x2", x(at)); cursor.setAttribute("visibility", "visible");
      readout.textContent = "at " + timeLabel(at, 0) + ": " + parts.join(", ");
    });
    svg.addEventListener("mouseleave", () => { cursor.setAttribute("visibility", "hidden"); readout.textContent = ""; });
    return box;
  }

  return { lineChart, niceScale };
})();
