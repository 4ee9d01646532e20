// Charts: uPlot (loaded by its own script tag, served from node_modules) and a tiny SVG sparkline.
// Drawn charts are kept in window.ttCharts so that tests and curious users can read exactly what is
// drawn; each chart's container carries data-state="drawn" once drawn.
import { h } from './dom.js';

window.ttCharts = {};

/** A tiny inline SVG line of [ms, price] points; `basis` names the prices' basis in its title ("all-in"). */
export function sparkline(points, basis) {
  if (!points || points.length < 2) return h('span', { class: 'muted' }, '–');
  const w = 120,
    hh = 28;
  const xs = points.map((p) => p[0]),
    ys = points.map((p) => p[1]);
  const x0 = Math.min(...xs),
    x1 = Math.max(...xs),
    y0 = Math.min(...ys),
    y1 = Math.max(...ys);
  const sx = (x) => ((x - x0) / (x1 - x0 || 1)) * (w - 2) + 1;
  const sy = (y) => hh - 1 - ((y - y0) / (y1 - y0 || 1)) * (hh - 2);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', w);
  svg.setAttribute('height', hh);
  svg.setAttribute('class', 'spark');
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' '));
  svg.append(line);
  const title = document.createElementNS(ns, 'title');
  title.textContent = `lowest${basis ? `, ${basis}` : ''}, over 7 days: ${y0.toFixed(2)} – ${y1.toFixed(2)}`;
  svg.append(title);
  return svg;
}

/** uPlot data from rows: x = bucket seconds; one series per (source, field), in the source's colour (`colorOf`). */
export function alignSeries(rows, fields, colorOf) {
  const xs = [...new Set(rows.map((r) => Date.parse(r.bucket) / 1000))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const series = [];
  const data = [xs];
  for (const s of sources) {
    for (const f of fields) {
      const ys = new Array(xs.length).fill(null);
      for (const r of rows) if (r.source === s && r[f.key] !== null) ys[index.get(Date.parse(r.bucket) / 1000)] = r[f.key];
      if (ys.every((y) => y === null)) continue;
      data.push(ys);
      series.push({
        label: `${s} ${f.label}`,
        source: s,
        field: f.key,
        stroke: colorOf(s),
        dash: f.dash,
        width: f.width || 2,
        scale: f.scale || 'y',
        spanGaps: true,
        points: { show: xs.length < 60 },
      });
    }
  }
  return { data, series };
}

/**
 * Draws `built` ({data, series}) in `container` as window.ttCharts[name], replacing the chart of
 * that name; `meta` goes to the container's data attributes; `xRange` [from, to] in seconds is
 * the period asked for, so that one point or a gap does not stretch the axis to years.
 */
export function drawChart(container, name, built, axes, meta, xRange) {
  const old = window.ttCharts[name];
  if (old) old.destroy();
  container.replaceChildren();
  container.dataset.state = 'empty';
  if (built.data[0].length === 0) {
    container.append(h('p', { class: 'muted empty' }, 'No data in this range.'));
    window.ttCharts[name] = null;
    container.dataset.state = 'drawn';
    Object.assign(container.dataset, meta);
    return;
  }
  const width = Math.max(320, container.clientWidth || 900);
  const opts = {
    width,
    height: 320,
    series: [{ label: 'time', value: (u, v) => (v === null ? '' : new Date(v * 1000).toLocaleString()) }, ...built.series],
    axes,
    scales: { x: { time: true } },
    legend: { live: true },
  };
  const chart = new uPlot(opts, built.data, container);
  if (xRange)
    chart.setScale('x', {
      min: Math.min(xRange[0], built.data[0][0]),
      max: Math.max(xRange[1], built.data[0][built.data[0].length - 1]),
    });
  window.ttCharts[name] = chart;
  // Milliseconds from navigation start to the first chart drawn (the dashboard bench reads it).
  if (window.ttFirstChartMs === undefined) window.ttFirstChartMs = performance.now();
  Object.assign(container.dataset, meta);
  container.dataset.state = 'drawn';
}
