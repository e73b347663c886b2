/* 三防 impact panel: choose a zone (drawn polygon, rainfall over a threshold, typhoon forecast),
 * ask /api/sanfang/impact/, draw the zone and fill in the counts and the lists grouped by district
 * and town; export to Excel; send the lists as tasks through an active response.
 *
 * Used on the one map (mounted in the side bar when the map is ready) and on /sanfang/impact/ (its
 * own map). All words and URLs come from the page configuration (``sanfang_impact``). */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function fmt(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  function errorText(data, fallback) {
    if (data && data.errors && data.errors.length) {
      return data.errors.map(function (e) { return (e.field ? e.field + ": " : "") + e.message; }).join(" ");
    }
    return (data && data.detail) || fallback;
  }

  function Panel(root, map, setup) {
    this.root = root;
    this.map = map;
    this.setup = setup;
    this.text = setup.text;
    this.vertices = [];
    this.drawing = false;
    this.zoneLayer = L.geoJSON(null, { style: { color: "#d7301f", weight: 2, fillOpacity: 0.12 } }).addTo(map);
    this.sketch = L.polyline([], { color: "#d7301f", dashArray: "4 4" }).addTo(map);
    this.request = null;
    this.build();
  }

  Panel.prototype.build = function () {
    var t = this.text, self = this;
    var kind = el("select", { id: "impact-kind", name: "kind" });
    this.setup.kinds.forEach(function (k) {
      kind.appendChild(el("option", { value: k, text: (t.kinds && t.kinds[k]) || k }));
    });
    this.kind = kind;
    // Polygon: draw on the map.
    this.drawButton = el("button", { type: "button", id: "impact-draw", text: t.draw });
    this.finishButton = el("button", { type: "button", id: "impact-finish", text: t.finish });
    this.clearButton = el("button", { type: "button", id: "impact-clear", text: t.clear });
    var polygonBox = el("div", { class: "impact-params", "data-kind": "polygon" }, [
      el("p", { class: "hint", text: t.draw_hint }),
      el("div", { class: "impact-buttons" }, [this.drawButton, this.finishButton, this.clearButton]),
    ]);
    // Rain: window and threshold.
    this.window = el("select", { id: "impact-window" });
    ["1h", "3h", "6h", "12h", "24h"].forEach(function (w) { self.window.appendChild(el("option", { value: w, text: w })); });
    this.window.value = "24h";
    this.minMm = el("input", { id: "impact-min-mm", type: "number", min: "0", step: "1", value: "50" });
    var rainBox = el("div", { class: "impact-params", "data-kind": "rain" }, [
      el("label", { for: "impact-window", text: t.window }), this.window,
      el("label", { for: "impact-min-mm", text: t.min_mm }), this.minMm,
    ]);
    // Storm: the typhoon part's kind (code and hours).
    this.storm = el("input", { id: "impact-storm", type: "text", maxlength: "20", placeholder: "1713" });
    this.hours = el("input", { id: "impact-hours", type: "number", min: "0", max: "120", value: "24" });
    var stormBox = el("div", { class: "impact-params", "data-kind": "storm" }, [
      el("label", { for: "impact-storm", text: t.storm }), this.storm,
      el("label", { for: "impact-hours", text: t.hours }), this.hours,
    ]);
    this.paramBoxes = [polygonBox, rainBox, stormBox];
    this.analyseButton = el("button", { type: "button", id: "impact-analyse", class: "primary", text: t.analyse });
    this.exportButton = el("button", { type: "button", id: "impact-export", text: t.export, disabled: "disabled" });
    this.status = el("p", { id: "impact-status", class: "impact-status", role: "status", "aria-live": "polite" });
    this.results = el("div", { id: "impact-results", class: "impact-results" });
    var tasks = null;
    if (this.setup.can_send_tasks) {
      this.responseSelect = el("select", { id: "impact-response" });
      this.sendButton = el("button", { type: "button", id: "impact-send", text: t.send, disabled: "disabled" });
      tasks = el("div", { class: "impact-tasks" }, [
        el("label", { for: "impact-response", text: t.response }), this.responseSelect, this.sendButton,
      ]);
    }
    this.root.appendChild(el("section", { class: "impact-panel", id: "impact-panel" }, [
      el("h2", { text: t.title }),
      el("label", { for: "impact-kind", text: t.kind }), kind,
      polygonBox, rainBox, stormBox,
      el("div", { class: "impact-buttons" }, [this.analyseButton, this.exportButton]),
      tasks,
      this.status,
      this.results,
    ]));
    kind.addEventListener("change", function () { self.showParams(); });
    this.drawButton.addEventListener("click", function () { self.startDrawing(); });
    this.finishButton.addEventListener("click", function () { self.finishDrawing(); });
    this.clearButton.addEventListener("click", function () { self.clearDrawing(); });
    this.analyseButton.addEventListener("click", function () { self.analyse(); });
    this.exportButton.addEventListener("click", function () { self.exportXlsx(); });
    if (this.sendButton) this.sendButton.addEventListener("click", function () { self.sendTasks(); });
    // Listen on the container in the capture phase: the layers' canvas tiles handle their own clicks
    // (popups) and may not pass them on to the map while a polygon is being drawn.
    var container = this.map.getContainer();
    container.addEventListener("click", function (e) {
      if (!self.drawing || e.target.closest(".leaflet-control")) return;
      e.stopPropagation();
      self.addVertex(self.map.mouseEventToLatLng(e));
    }, true);
    container.addEventListener("dblclick", function (e) {
      if (!self.drawing) return;
      e.stopPropagation();
      self.finishDrawing();
    }, true);
    this.showParams();
    this.loadResponses();
  };

  Panel.prototype.showParams = function () {
    var k = this.kind.value;
    this.paramBoxes.forEach(function (box) { box.hidden = box.getAttribute("data-kind") !== k; });
  };

  Panel.prototype.startDrawing = function () {
    this.clearDrawing();
    this.drawing = true;
    this.map.doubleClickZoom.disable();
    this.root.classList.add("impact-drawing");
  };

  Panel.prototype.addVertex = function (latlng) {
    this.vertices.push([latlng.lng, latlng.lat]);
    this.sketch.setLatLngs(this.vertices.map(function (v) { return [v[1], v[0]]; }));
  };

  Panel.prototype.finishDrawing = function () {
    this.drawing = false;
    this.map.doubleClickZoom.enable();
    this.root.classList.remove("impact-drawing");
    // A double-click adds the same corner twice: drop repeats before closing the ring.
    var ring = this.vertices.filter(function (v, i, all) {
      return i === 0 || v[0] !== all[i - 1][0] || v[1] !== all[i - 1][1];
    });
    if (ring.length < 3) return;
    this.polygon = { type: "Polygon", coordinates: [ring.concat([ring[0]])] };
    this.sketch.setLatLngs([]);
    this.zoneLayer.clearLayers();
    this.zoneLayer.addData(this.polygon);
  };

  Panel.prototype.clearDrawing = function () {
    this.vertices = [];
    this.polygon = null;
    this.sketch.setLatLngs([]);
    this.zoneLayer.clearLayers();
  };

  /** Set a polygon from code (tests, and other scripts such as a storm replay). */
  Panel.prototype.setPolygon = function (geometry) {
    this.kind.value = "polygon";
    this.showParams();
    this.polygon = geometry;
    this.zoneLayer.clearLayers();
    this.zoneLayer.addData(geometry);
  };

  Panel.prototype.body = function () {
    var k = this.kind.value;
    if (k === "polygon") return { kind: k, params: this.polygon ? { geometry: this.polygon } : {} };
    if (k === "rain") return { kind: k, params: { window: this.window.value, min_mm: Number(this.minMm.value) } };
    if (k === "storm") return { kind: k, params: { storm: this.storm.value.trim(), hours: Number(this.hours.value) } };
    return { kind: k, params: {} };
  };

  Panel.prototype.analyse = function () {
    var self = this, t = this.text;
    var body = this.body();
    this.status.textContent = t.analysing;
    this.status.classList.remove("error");
    this.results.textContent = "";
    this.exportButton.disabled = true;
    if (this.sendButton) this.sendButton.disabled = true;
    post(this.setup.api, body)
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok) throw new Error(errorText(res.data, t.error));
        self.request = body;
        self.render(res.data);
      })
      .catch(function (err) {
        self.status.textContent = err.message || t.error;
        self.status.classList.add("error");
      });
  };

  Panel.prototype.render = function (data) {
    var t = this.text, self = this;
    this.status.textContent = fmt(t.area, { area: data.area_km2 });
    if (data.zone) {
      this.zoneLayer.clearLayers();
      this.zoneLayer.addData(JSON.parse(data.zone));
      try { this.map.fitBounds(this.zoneLayer.getBounds(), { maxZoom: 13 }); } catch (e) { /* empty zone */ }
    }
    var summary = el("ul", { class: "impact-summary", id: "impact-summary" });
    this.results.appendChild(summary);
    Object.keys(t.lists).forEach(function (key) {
      var item = data.lists[key];
      var li = el("li", { "data-list": key }, [el("span", { class: "impact-label", text: t.lists[key] })]);
      if (!item) {
        li.classList.add("hidden-list");
        li.appendChild(el("span", { class: "impact-count", text: "—", title: t.hidden }));
      } else {
        li.appendChild(el("span", { class: "impact-count", text: String(item.total.count) }));
        if (item.measure_label) {
          li.appendChild(el("span", { class: "impact-measure", text: item.total.measure + " " + item.measure_label }));
        }
      }
      summary.appendChild(li);
    });
    Object.keys(t.lists).forEach(function (key) {
      var item = data.lists[key];
      if (item) self.results.appendChild(self.renderList(key, item));
    });
    this.exportButton.disabled = false;
    if (this.sendButton) this.sendButton.disabled = !this.responseSelect.value;
  };

  Panel.prototype.renderList = function (key, item) {
    var t = this.text, self = this;
    var details = el("details", { class: "impact-list", "data-list": key }, [
      el("summary", {}, [t.lists[key] + " (" + item.total.count + ")"]),
    ]);
    if (!item.total.count) {
      details.appendChild(el("p", { class: "hint", text: t.empty }));
      return details;
    }
    var groups = el("table", { class: "impact-groups" });
    item.groups.forEach(function (g) {
      groups.appendChild(el("tr", { class: "impact-district" }, [
        el("th", { text: g.district || t.no_district }), el("td", { text: String(g.count) }),
        el("td", { text: item.measure_label ? String(g.measure) : "" }),
      ]));
      g.towns.forEach(function (town) {
        groups.appendChild(el("tr", { class: "impact-town" }, [
          el("td", { text: town.town || t.no_town }), el("td", { text: String(town.count) }),
          el("td", { text: item.measure_label ? String(town.measure) : "" }),
        ]));
      });
    });
    details.appendChild(groups);
    var rows = el("ol", { class: "impact-rows" });
    function addRows(list) {
      list.forEach(function (r) {
        var extra = [r.district, r.town, r.kind_label, r.contact_name, r.contact_phone].filter(Boolean).join(" · ");
        var li = el("li", {}, [el("strong", { text: r.name }), el("span", { class: "hint", text: " " + extra })]);
        li.addEventListener("click", function () { self.map.setView([r.lat, r.lon], Math.max(self.map.getZoom(), 14)); });
        rows.appendChild(li);
      });
    }
    addRows(item.rows);
    details.appendChild(rows);
    if (item.rows.length < item.total.count) {
      var page = 1;
      var more = el("button", { type: "button", class: "impact-more", text: t.more });
      more.addEventListener("click", function () {
        page += 1;
        post(self.setup.api + key + "/", Object.assign({ page: page }, self.request))
          .then(function (r) { return r.json(); })
          .then(function (data) {
            // The first page of the paged list repeats the preview rows: skip what is shown.
            var shown = rows.children.length;
            var start = (data.page - 1) * data.page_size;
            addRows(data.rows.slice(Math.max(0, shown - start)));
            if (rows.children.length >= item.total.count || data.page >= data.pages) more.remove();
          });
      });
      details.appendChild(more);
    }
    return details;
  };

  Panel.prototype.exportXlsx = function () {
    var self = this;
    if (!this.request) return;
    post(this.setup.export, this.request)
      .then(function (r) {
        if (!r.ok) return r.json().then(function (d) { throw new Error(errorText(d, self.text.error)); });
        return r.blob();
      })
      .then(function (blob) {
        var a = el("a", { href: URL.createObjectURL(blob), download: "impact-" + self.request.kind + ".xlsx" });
        document.body.appendChild(a);
        a.click();
        a.remove();
      })
      .catch(function (err) { self.status.textContent = err.message; self.status.classList.add("error"); });
  };

  Panel.prototype.loadResponses = function () {
    var self = this;
    if (!this.responseSelect) return;
    fetch(this.setup.responses + "?status=active&limit=50", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        var list = data.results || data;
        self.responseSelect.textContent = "";
        if (!list.length) {
          self.responseSelect.appendChild(el("option", { value: "", text: self.text.no_response }));
          return;
        }
        list.forEach(function (r) {
          self.responseSelect.appendChild(el("option", {
            value: String(r.id), text: r.plan_name + " · " + r.level + " · " + (r.event_name || r.incident_title || ""),
          }));
        });
      });
  };

  Panel.prototype.sendTasks = function () {
    var self = this;
    if (!this.request || !this.responseSelect.value) return;
    var lists = Array.prototype.map.call(this.results.querySelectorAll("details.impact-list"), function (d) {
      return d.getAttribute("data-list");
    });
    var body = Object.assign({ response: Number(this.responseSelect.value), lists: lists }, this.request);
    post(this.setup.tasks, body)
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok) throw new Error(errorText(res.data, self.text.error));
        self.status.classList.remove("error");
        self.status.textContent = fmt(self.text.sent, { n: res.data.tasks.length });
      })
      .catch(function (err) { self.status.textContent = err.message; self.status.classList.add("error"); });
  };

  function configFrom(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  window.SanfangImpact = {
    Panel: Panel,
    mount: function (root, map, setup) {
      var panel = new Panel(root, map, setup);
      window.sanfangImpactPanel = panel;
      return panel;
    },
  };

  // The one map: mount in the side bar once the catalogue map is ready.
  var mapConfig = configFrom("map-config");
  if (mapConfig.sanfang_impact) {
    var mountOnMap = function (cmap) {
      var side = document.querySelector(".map-side");
      var box = el("div", { class: "impact-box" });
      side.appendChild(box);
      window.SanfangImpact.mount(box, cmap.map, mapConfig.sanfang_impact);
    };
    if (window.ccOnemap) mountOnMap(window.ccOnemap);
    else document.addEventListener("onemap:ready", function (e) { mountOnMap(e.detail); });
  }

  // The impact page: its own map (leaflet callback) and configuration.
  window.sanfangImpactPageInit = function (map) {
    var setup = configFrom("impact-config");
    map.setView(setup.center || [22.25, 113.45], setup.zoom || 10);
    window.SanfangImpact.mount(document.getElementById("impact-root"), map, setup);
  };
})();
