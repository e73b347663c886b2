/* The one map's station panel (三防 monitoring): clicking a station on the "stations" layer opens a
 * panel with its computed status (state, rolling rainfall, trend, rainstorm signal) and an ECharts
 * line chart of its readings over the last 24 hours, from /api/sanfang/stations/. The words come
 * from the sanfang app's map-page provider (sanfang.ready_monitoring). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var setup = config.sanfang_stations;
  if (!setup || !window.echarts) return;
  var text = setup.text;
  var el = window.CCMap.el;
  var STATE_COLOURS = { normal: "#2fbf71", warning: "#ff9800", danger: "#e02020", no_data: "#8c9bab" };
  var SIGNAL_COLOURS = { blue: "#1e88e5", yellow: "#f2c200", orange: "#ff7a00", red: "#e02020", white: "#cbd5e1" };
  var panel = null;
  var chart = null;
  var current = null;

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { return r.ok ? body : Promise.reject(body); });
    });
  }

  function fmtNumber(v, unit) {
    if (v === null || v === undefined) return "–";
    return (Math.round(v * 100) / 100) + (unit ? " " + unit : "");
  }

  function fmtTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }

  function ensurePanel() {
    if (panel) return panel;
    var close = el("button", { type: "button", class: "station-panel-close", "aria-label": text.close, text: "×" });
    close.addEventListener("click", hide);
    panel = el("section", { id: "station-panel", class: "station-panel", role: "dialog", "aria-label": text.title }, [
      el("header", {}, [el("h3", { class: "station-panel-title" }), close]),
      el("div", { class: "station-panel-status" }),
      el("p", { class: "station-panel-chart-title", text: text.recent }),
      el("div", { id: "station-chart", class: "station-chart" }),
      el("p", { class: "station-panel-message", role: "status" }),
    ]);
    document.querySelector(".map-main").appendChild(panel);
    return panel;
  }

  function hide() {
    if (panel) panel.hidden = true;
    current = null;
  }

  function row(label, value, colour) {
    var dd = el("dd", { text: value });
    if (colour) dd.insertBefore(el("span", { class: "swatch", style: "background:" + colour }), dd.firstChild);
    return [el("dt", { text: label }), dd];
  }

  function renderStatus(station) {
    var box = panel.querySelector(".station-panel-status");
    box.innerHTML = "";
    var s = station.status || {};
    var dl = el("dl");
    var rows = [
      row(text.state, s.state_label || text.none, STATE_COLOURS[station.state]),
      s.reason ? row(text.reason, s.reason) : null,
      s.value !== undefined && s.value !== null ? row(text.latest, fmtNumber(s.value) + " (" + fmtTime(s.value_time) + ")") : null,
      s.trend ? row(text.trend, s.trend_label) : null,
      s.rain_1h !== null && s.rain_1h !== undefined
        ? row(text.rain, [1, 3, 6, 12, 24].map(function (w) { return w + "h " + fmtNumber(s["rain_" + w + "h"]); }).join(" · "))
        : null,
      s.rain_1h !== null && s.rain_1h !== undefined
        ? row(text.signal, s.rain_signal ? s.rain_signal_label : text.none, SIGNAL_COLOURS[s.rain_signal])
        : null,
    ];
    rows.forEach(function (pair) { if (pair) { dl.appendChild(pair[0]); dl.appendChild(pair[1]); } });
    box.appendChild(dl);
    panel.dataset.state = station.state;
  }

  function renderChart(data) {
    var node = panel.querySelector("#station-chart");
    var message = panel.querySelector(".station-panel-message");
    var series = data.series[0];
    if (!series || !series.points.length) {
      node.hidden = true;
      message.textContent = text.no_readings;
      if (chart) { chart.dispose(); chart = null; }
      return;
    }
    node.hidden = false;
    message.textContent = "";
    if (!chart) chart = window.echarts.init(node, null, { renderer: "canvas" });
    var rain = series.variable === "rain";
    var marks = [];
    if (data.threshold_variable === series.variable) {
      if (data.warning_value !== null) marks.push({ yAxis: data.warning_value, name: text.warning, lineStyle: { color: STATE_COLOURS.warning } });
      if (data.danger_value !== null) marks.push({ yAxis: data.danger_value, name: text.danger, lineStyle: { color: STATE_COLOURS.danger } });
    }
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 64, top: 28, bottom: 28 },
      tooltip: { trigger: "axis" },
      legend: { data: [series.label], top: 0 },
      xAxis: { type: "time" },
      yAxis: { type: "value", name: series.unit, scale: !rain },
      series: [{
        name: series.label,
        type: rain ? "bar" : "line",
        showSymbol: false,
        data: series.points,
        markLine: marks.length ? { symbol: "none", label: { formatter: "{b}" }, data: marks } : undefined,
      }],
    }, true);
    chart.resize();
    panel.dataset.points = String(series.points.length);
  }

  function show(id) {
    ensurePanel();
    current = id;
    panel.hidden = false;
    panel.dataset.station = String(id);
    panel.dataset.points = "";
    panel.querySelector(".station-panel-title").textContent = text.loading;
    panel.querySelector(".station-panel-message").textContent = "";
    Promise.all([
      getJson("/api/sanfang/stations/" + id + "/"),
      getJson("/api/sanfang/stations/" + id + "/readings/?hours=24"),
    ]).then(function (res) {
      if (current !== id) return;
      panel.querySelector(".station-panel-title").textContent = res[0].name + " (" + res[0].code + ")";
      renderStatus(res[0]);
      renderChart(res[1]);
    }).catch(function (err) {
      if (current !== id) return;
      panel.querySelector(".station-panel-title").textContent = text.title;
      panel.querySelector(".station-panel-message").textContent = (err && err.detail) || text.error;
    });
  }

  function init(cmap) {
    var entry = cmap.layers[setup.layer];
    if (!entry) return;
    entry.grid.on("click", function (e) { show(e.layer.properties.id); });
    // A station found by the search opens its panel too.
    var showFeature = cmap.showFeature;
    cmap.showFeature = function (layerKey, id, options) {
      if (layerKey === setup.layer) show(id);
      return showFeature.call(cmap, layerKey, id, options);
    };
    // Keep the open panel current: a changed state redraws the layer live, and the panel with it.
    var refresh = cmap.refresh;
    cmap.refresh = function (key) {
      if (key === setup.layer && current !== null && panel && !panel.hidden) show(current);
      return refresh.call(cmap, key);
    };
    window.addEventListener("resize", function () { if (chart) chart.resize(); });
  }

  if (window.ccOnemap) init(window.ccOnemap);
  else document.addEventListener("onemap:ready", function (e) { init(e.detail); });
})();
