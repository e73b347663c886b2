/* The big screen: updated only by push over the live socket (no polling, no reloads). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var live = config.live;
  var text = live.text;
  var labels = live.labels;
  var el = window.CCMap.el;
  var fmt = window.CCLive.formatTime;
  var cmap = null;
  var charts = {};
  var flashQueue = [];
  var flashing = null;
  var lastData = null;

  function fit() {
    var stage = document.getElementById("stage");
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "scale(" + scale + ")";
  }
  window.addEventListener("resize", fit);
  fit();

  function tick() {
    var now = new Date();
    document.getElementById("clock").textContent = now.getFullYear() + "-" + fmt(now.toISOString());
    var fresh = document.getElementById("freshness");
    if (lastData) {
      var secs = Math.round((now - lastData) / 1000);
      fresh.textContent = text.freshness.replace("%(time)s", text.seconds_ago.replace("%(n)s", secs));
      fresh.classList.toggle("stale", secs > live.sync_seconds * 2);
    }
  }
  setInterval(tick, 1000);
  tick();

  function renderPanel(panel) {
    var box = document.querySelector('[data-panel="' + panel.key + '"]');
    if (!box) {
      box = el("section", { class: "panel", "data-panel": panel.key }, [el("h2", { text: panel.title }), el("div", { class: "panel-body" })]);
      document.getElementById("panels").appendChild(box);
    }
    var body = box.querySelector(".panel-body");
    box.dataset.updated = panel.updated;
    var data = panel.data || {};
    if (panel.chart === "table") {
      if (charts[panel.key]) { charts[panel.key].dispose(); delete charts[panel.key]; }
      body.innerHTML = "";
      var rows = data.rows || [];
      if (!rows.length) { body.appendChild(el("p", { class: "empty", text: panel.empty })); return; }
      var table = el("table", { class: "panel-table" });
      rows.forEach(function (row) {
        table.appendChild(el("tr", { class: "state-" + (row.state || "ok") }, [el("td", { text: row.label }), el("td", { text: String(row.value) })]));
      });
      body.appendChild(table);
      return;
    }
    var series = data.series || [];
    var total = series.reduce(function (s, item) { return s + (item.value || 0); }, 0);
    box.dataset.total = total;
    if (!total) {
      if (charts[panel.key]) { charts[panel.key].dispose(); delete charts[panel.key]; }
      body.innerHTML = "";
      body.appendChild(el("p", { class: "empty", text: panel.empty }));
      return;
    }
    var chart = charts[panel.key];
    if (!chart) { body.innerHTML = ""; chart = charts[panel.key] = echarts.init(body, null, { renderer: "canvas" }); }
    var textStyle = { color: "#dbe7ff", fontSize: 18 };
    var option;
    if (panel.chart === "pie") {
      option = {
        animation: false,
        title: { text: String(total), left: "center", top: "center", textStyle: { color: "#fff", fontSize: 36 } },
        legend: { bottom: 0, textStyle: textStyle },
        series: [{ type: "pie", stillShowZeroSum: false, radius: ["45%", "70%"], center: ["50%", "45%"], label: { color: "#fff", fontSize: 18, formatter: "{c}" },
          data: series.map(function (s) { return { name: s.name, value: s.value, itemStyle: { color: s.colour } }; }) }],
      };
    } else {
      option = {
        animation: false,
        grid: { left: 110, right: 30, top: 10, bottom: 30 },
        xAxis: { type: "value", axisLabel: textStyle, splitLine: { lineStyle: { color: "#24406b" } } },
        yAxis: { type: "category", data: series.map(function (s) { return s.name; }), axisLabel: textStyle },
        series: [{ type: "bar", label: { show: true, position: "right", color: "#fff", fontSize: 18 },
          data: series.map(function (s) { return { value: s.value, itemStyle: { color: s.colour || "#3fa7ff" } }; }) }],
      };
    }
    chart.setOption(option, true);
  }

  function alertItem(alert) {
    var li = el("li", { class: "alert-item level-" + alert.level + (alert.acknowledged_at ? " acked" : "") + (alert.cleared_at ? " cleared" : ""), "data-alert-id": alert.id });
    li.style.borderLeftColor = alert.colour;
    var head = el("div", { class: "alert-head" }, [
      el("span", { class: "alert-level", text: labels.levels[alert.level] || alert.level }),
      alert.drill ? el("span", { class: "badge drill", text: text.drill }) : null,
      el("time", { text: fmt(alert.created) }),
    ]);
    li.appendChild(head);
    li.appendChild(el("div", { class: "alert-title", text: alert.title }));
    if (alert.acknowledged_at) {
      li.appendChild(el("div", { class: "alert-ack", text: text.acknowledged_by.replace("%(user)s", alert.acknowledged_by).replace("%(time)s", fmt(alert.acknowledged_at)) }));
    } else if (live.can_acknowledge) {
      var b = el("button", { type: "button", class: "ack", text: text.acknowledge });
      b.addEventListener("click", function () { ack(alert.id); });
      li.appendChild(b);
    }
    if (alert.cleared_at) li.appendChild(el("div", { class: "alert-cleared", text: text.cleared }));
    return li;
  }

  function renderAlerts() {
    var list = document.getElementById("alert-list");
    var alerts = socket.sortedAlerts().slice(0, 30);
    list.innerHTML = "";
    if (!alerts.length) { list.appendChild(el("li", { class: "empty", text: text.no_alerts })); return; }
    alerts.forEach(function (a) { list.appendChild(alertItem(a)); });
  }

  function ack(id) {
    window.CCLive.acknowledge(id).then(function (res) {
      if (!res.ok && res.status !== 409) {
        document.getElementById("flash-error").textContent = text.ack_failed.replace("%(reason)s", res.body.detail || res.status);
      }
    });
  }

  function showNextFlash() {
    var box = document.getElementById("flash");
    while (flashQueue.length) {
      var next = socket.alerts.get(flashQueue[0]);
      if (next && !next.acknowledged_at) break;
      flashQueue.shift();
    }
    if (!flashQueue.length) { flashing = null; box.hidden = true; return; }
    var alert = socket.alerts.get(flashQueue[0]);
    flashing = alert.id;
    box.hidden = false;
    box.dataset.alertId = alert.id;
    box.style.setProperty("--flash", alert.colour);
    document.getElementById("flash-level").textContent = labels.levels[alert.level] || alert.level;
    document.getElementById("flash-title").textContent = alert.title;
    document.getElementById("flash-body").textContent = alert.body;
    document.getElementById("flash-error").textContent = "";
    document.getElementById("flash-ack").hidden = !live.can_acknowledge;
  }
  document.getElementById("flash-ack").addEventListener("click", function () { if (flashing) ack(flashing); });
  document.getElementById("flash-hide").addEventListener("click", function () { flashQueue.shift(); showNextFlash(); });

  var socket = new window.CCLive.LiveSocket({
    path: live.socket,
    syncSeconds: live.sync_seconds,
    panels: true,
    onState: function (s) {
      var node = document.getElementById("live-state");
      node.dataset.state = s;
      node.textContent = text["state_" + s] || s;
      document.body.classList.toggle("disconnected", s !== "open");
    },
    onSynced: function () { lastData = new Date(); renderAlerts(); },
    onPanels: function (list) {
      lastData = new Date();
      list.forEach(renderPanel);
      // New panels change every panel's height: charts must follow their boxes.
      Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    },
    onLayer: function (key) { lastData = new Date(); if (cmap) cmap.refresh(key); },
    onAlert: function (alert, isNew) {
      lastData = new Date();
      renderAlerts();
      if (isNew && alert.urgent && !alert.acknowledged_at) {
        flashQueue.push(alert.id);
        if (!flashing) showNextFlash();
      } else if (alert.id === flashing && alert.acknowledged_at) {
        flashQueue.shift();
        showNextFlash();
      }
    },
  });
  window.ccLive = socket;

  window.bigmapInit = function (map) {
    map.setView([22.22, 113.45], 10);
    map.attributionControl.setPrefix("");
    cmap = new window.CCMap.CatalogueMap(map, config);
    window.ccBigmap = cmap;
  };
  socket.start();
})();
