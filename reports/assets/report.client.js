/*
 * The HTML report's browser script, inlined into the run report (reports/html/page.tsx) with a
 * CSP hash. It reads the JSON data element #capbench-data and draws the charts with Chart.js
 * (inlined before it). It only creates charts (canvas drawing, no HTML is written), so text
 * from the result stays inert. Plain ES5 in an IIFE: no modules, no build step.
 */
(function () {
  'use strict';
  var Chart = window.Chart;
  if (!Chart) { console.error('capbench: Chart.js did not load'); return; }
  var data = JSON.parse(document.getElementById('capbench-data').textContent);
  var COLORS = { target: '#6b7280', achieved: '#1f5fbf', errors: '#c0392b', p50: '#1f5fbf', p90: '#2e9e5b', p99: '#e67e22', max: '#c0392b', s50: '#7f8fa6', s99: '#8e44ad', spectrum: '#1f5fbf' };
  var created = 0;

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2014';
    var a = Math.abs(v);
    if (a === 0) return '0';
    if (a >= 100) return Math.round(v).toLocaleString('en-US');
    if (a >= 10) return String(+v.toFixed(1));
    if (a >= 1) return String(+v.toFixed(2));
    return String(+v.toPrecision(3));
  }
  function points(t, ys, positive) {
    var out = [];
    for (var i = 0; i < t.length; i++) {
      var y = ys[i];
      if (y === undefined || y === null || (positive && !(y > 0))) y = null;
      out.push({ x: t[i], y: y });
    }
    return out;
  }
  function line(label, color, data, extra) {
    var ds = { label: label, data: data, borderColor: color, backgroundColor: color, borderWidth: 1.6, pointRadius: 0, pointHitRadius: 6, spanGaps: false, tension: 0 };
    if (extra) for (var k in extra) ds[k] = extra[k];
    return ds;
  }
  function hasValues(ds) {
    for (var i = 0; i < ds.data.length; i++) if (ds.data[i].y !== null) return true;
    return false;
  }
  function logTick(unit) {
    return function (value) {
      // Over a wide range label only 1, 2 and 5 times a power of ten; over a narrow one, all.
      if (this.max / this.min >= 20) {
        var mant = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
        var r = Math.round(mant);
        if (Math.abs(mant - r) > 1e-6 || (r !== 1 && r !== 2 && r !== 5)) return '';
      }
      return fmt(value) + ' ' + unit;
    };
  }
  /** Log scale only when the data spans more than a factor of 30 (spikes vs typical values). */
  function wantsLog(datasets) {
    var lo = Infinity, hi = 0;
    datasets.forEach(function (ds) { ds.data.forEach(function (p) { if (p.y > 0) { if (p.y < lo) lo = p.y; if (p.y > hi) hi = p.y; } }); });
    return hi > 0 && hi / lo > 30;
  }
  function fail(id, err) {
    console.error('capbench: chart ' + id + ' failed:', err);
    var el = document.getElementById(id);
    if (el && el.parentNode) {
      var p = document.createElement('p');
      p.className = 'chart-error';
      p.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : String(err));
      el.parentNode.replaceChild(p, el);
    }
  }

  var warmupPlugin = {
    id: 'capbenchWarmup',
    beforeDatasetsDraw: function (chart, args, opts) {
      var spans = opts && opts.spans;
      if (!spans || !spans.length || !chart.scales.x) return;
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      for (var i = 0; i < spans.length; i++) {
        var x0 = Math.max(area.left, x.getPixelForValue(spans[i][0]));
        var x1 = Math.min(area.right, x.getPixelForValue(spans[i][1]));
        if (!(x1 > x0)) continue;
        ctx.fillStyle = 'rgba(107,114,128,0.16)';
        ctx.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
        ctx.fillStyle = 'rgba(55,65,81,0.85)';
        ctx.font = '11px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        if (x1 - x0 > 44) ctx.fillText('warmup', x0 + 4, area.top + 4);
      }
      ctx.restore();
    }
  };
  Chart.register(warmupPlugin);
  // Vertical lines with a label at given x values (a fault, an alias swap, a celebrity post).
  var markerPlugin = {
    id: 'capbenchMarkers',
    afterDatasetsDraw: function (chart, args, opts) {
      var marks = opts && opts.marks;
      if (!marks || !marks.length || !chart.scales.x) return;
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      for (var i = 0; i < marks.length; i++) {
        var px = x.getPixelForValue(marks[i].x);
        if (!(px >= area.left && px <= area.right)) continue;
        ctx.strokeStyle = 'rgba(192,57,43,0.85)';
        ctx.setLineDash([4, 3]);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = 'rgba(192,57,43,0.95)';
        ctx.fillText(marks[i].label, px + 3, area.top + 4 + 12 * (i % 3));
      }
      ctx.restore();
    }
  };
  Chart.register(markerPlugin);

  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif';
  Chart.defaults.color = '#374151';

  function timeChart(id, datasets, yTitle, unit, log) {
    var el = document.getElementById(id);
    if (!el) return;
    datasets = datasets.filter(hasValues);
    if (log) log = wantsLog(datasets);
    try {
      new Chart(el, {
        type: 'line',
        data: { datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false, normalized: true,
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { type: 'linear', title: { display: true, text: 'time since run start (s)' }, ticks: { callback: function (v) { return fmt(v) + ' s'; } } },
            y: log
              ? { type: 'logarithmic', title: { display: true, text: yTitle + ', log scale' }, ticks: { callback: logTick(unit), autoSkip: true } }
              : { type: 'linear', beginAtZero: true, title: { display: true, text: yTitle }, ticks: { callback: function (v) { return fmt(v) + ' ' + unit; } } }
          },
          plugins: {
            capbenchWarmup: { spans: data.warmup },
            capbenchMarkers: { marks: data.faults || [] },
            legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 2 } },
            tooltip: { callbacks: {
              title: function (items) { return items.length ? 't = ' + fmt(items[0].parsed.x) + ' s' : ''; },
              label: function (c) { return c.dataset.label + ': ' + fmt(c.parsed.y) + ' ' + unit; }
            } }
          }
        }
      });
      created++;
    } catch (err) { fail(id, err); }
  }

  function throughput(id, s) {
    timeChart(id, [
      line('target', COLORS.target, points(s.t, s.target), { borderDash: [6, 4], borderWidth: 1.4 }),
      line('achieved', COLORS.achieved, points(s.t, s.completed), { borderWidth: 2 }),
      line('errors', COLORS.errors, points(s.t, s.errors))
    ], 'throughput (ops/s)', 'ops/s', false);
  }

  function spectrumChart(id, pts) {
    var el = document.getElementById(id);
    if (!el || !pts || !pts.length) return;
    var top = Math.max(10, pts[pts.length - 1].x);
    try {
      new Chart(el, {
        type: 'line',
        data: { datasets: [line('latency', COLORS.spectrum, pts.map(function (p) { return { x: p.x, y: p.ms }; }), { borderWidth: 2, pointRadius: 1.5 })] },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          scales: {
            x: {
              type: 'logarithmic', min: 1, max: top,
              title: { display: true, text: 'percentile (log scale of 1 / (1 \u2212 p))' },
              afterBuildTicks: function (axis) {
                // 0%, (50% when there is room), 90%, 99%, 99.9%, ... up to the last the sample carries.
                var ticks = top <= 2000 ? [{ value: 1 }, { value: 2 }] : [{ value: 1 }];
                for (var v = 10; v <= top * 1.0001; v *= 10) ticks.push({ value: v });
                axis.ticks = ticks;
              },
              ticks: { callback: function (v) { return pct(v); } }
            },
            y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'latency (ms)' }, ticks: { callback: function (v) { return fmt(v) + ' ms'; } } }
          },
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: {
              title: function (items) { return items.length ? 'p' + pct(items[0].parsed.x).replace('%', '') : ''; },
              label: function (c) { return 'latency: ' + fmt(c.parsed.y) + ' ms'; }
            } }
          }
        }
      });
      created++;
    } catch (err) { fail(id, err); }
  }
  function pct(x) {
    if (x <= 1) return '0%';
    return String(+(100 - 100 / x).toFixed(6)) + '%';
  }

  // The compare page (reports/html/compare-report.tsx): per operation, the runs' per-second p99
  // and throughput overlaid, one colour per run (the baseline drawn a little thicker).
  var RUN_COLORS = ['#1f5fbf', '#e67e22', '#2e9e5b', '#8e44ad', '#c0392b', '#16a085', '#6b7280', '#b7950b'];
  function drawCompare(cmp) {
    cmp.ops.forEach(function (op, i) {
      var p99 = [], thr = [];
      op.runs.forEach(function (s, k) {
        var color = RUN_COLORS[k % RUN_COLORS.length];
        // Past eight runs the colours repeat: dash the repeats so that no two lines look alike.
        var extra = { borderWidth: k === 0 ? 2.4 : 1.6 };
        if (k >= RUN_COLORS.length) extra.borderDash = [6, 3];
        p99.push(line(cmp.runs[k], color, points(s.t, s.p99, true), extra));
        thr.push(line(cmp.runs[k], color, points(s.t, s.completed), extra));
      });
      timeChart('cmp-op-' + i + '-p99', p99, 'p99 latency (ms)', 'ms', true);
      timeChart('cmp-op-' + i + '-throughput', thr, 'throughput (ops/s)', 'ops/s', false);
    });
  }
  if (data.compare) drawCompare(data.compare);

  if (data.all) throughput('chart-throughput', data.all);
  (data.ops || []).forEach(function (op, i) {
    var s = op.series;
    throughput('chart-op-' + i + '-throughput', s);
    timeChart('chart-op-' + i + '-latency', [
      line('p50', COLORS.p50, points(s.t, s.p50, true)),
      line('p90', COLORS.p90, points(s.t, s.p90, true)),
      line('p99', COLORS.p99, points(s.t, s.p99, true)),
      line('max', COLORS.max, points(s.t, s.max, true), { borderWidth: 1.2 })
    ], 'latency (ms)', 'ms', true);
    timeChart('chart-op-' + i + '-service', [
      line('latency p50', COLORS.p50, points(s.t, s.p50, true)),
      line('latency p99', COLORS.p99, points(s.t, s.p99, true)),
      line('service time p50', COLORS.s50, points(s.t, s.s50, true), { borderDash: [5, 3] }),
      line('service time p99', COLORS.s99, points(s.t, s.s99, true), { borderDash: [5, 3] })
    ], 'time (ms)', 'ms', true);
    spectrumChart('chart-op-' + i + '-spectrum', op.spectrum);
  });
  // A scenario section's chart (core/results.ts ScenarioChart): lines over a numeric x, or bars
  // over named categories; markers as vertical lines.
  function scenarioChart(c) {
    var el = document.getElementById(c.canvas);
    if (!el) return;
    try {
      var bar = c.kind === 'bar';
      var datasets = c.series.map(function (s, k) {
        var color = RUN_COLORS[k % RUN_COLORS.length];
        var pts = s.points.map(function (p) { return bar ? p[1] : { x: p[0], y: p[1] }; });
        return bar
          ? { label: s.label, data: pts, backgroundColor: color, borderColor: color }
          : line(s.label, color, pts, { borderWidth: 1.8 });
      });
      var xAxis = bar
        ? { type: 'category', title: { display: true, text: c.xLabel } }
        : { type: c.xLog ? 'logarithmic' : 'linear', title: { display: true, text: c.xLabel }, ticks: { callback: function (v) { return fmt(v); } } };
      new Chart(el, {
        type: bar ? 'bar' : 'line',
        data: bar ? { labels: c.categories || [], datasets: datasets } : { datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: bar ? 'index' : 'nearest', axis: 'x', intersect: false },
          scales: {
            x: xAxis,
            y: { type: c.yLog ? 'logarithmic' : 'linear', beginAtZero: !c.yLog, title: { display: true, text: c.yLabel }, ticks: { callback: function (v) { return fmt(v); } } }
          },
          plugins: {
            capbenchMarkers: { marks: c.markers || [] },
            legend: { display: c.series.length > 1, position: 'bottom', labels: { boxWidth: 14, boxHeight: bar ? 10 : 2 } },
            tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ': ' + fmt(ctx.parsed.y); } } }
          }
        }
      });
      created++;
    } catch (err) { fail(c.canvas, err); }
  }
  (data.scenarioCharts || []).forEach(scenarioChart);
  document.documentElement.setAttribute('data-charts', String(created));
  function resizeAll() { for (var k in Chart.instances) Chart.instances[k].resize(); }
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
})();
