/* The one map's typhoon panel (台风路径与动态推演): pick a storm, draw its track coloured by class,
 * the forecast track and cone, the wind circles of force 7/10/12, China's 24 h / 48 h warning lines
 * with the centre's distance to each, the nearest approach to the city, and a time slider that
 * replays the storm. Everything comes from /api/sanfang/typhoons/ (see docs/sanfang-typhoons.md). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var setup = config.typhoon;
  if (!setup) return;
  var text = setup.text;
  var CIRCLE_COLOURS = { 7: "#f2c80f", 10: "#f28c0f", 12: "#e8384f" };

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  function localTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return d.toLocaleString(document.documentElement.lang || undefined, {
      month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    });
  }

  function init(cmap) {
    var map = cmap.map;
    var el = window.CCMap.el;
    var side = document.querySelector(".map-side");
    if (!side || document.getElementById("typhoon-panel")) return;

    var select = el("select", { id: "typhoon-storm", "aria-label": text.choose }, [el("option", { value: "", text: text.choose })]);
    var slider = el("input", { type: "range", id: "typhoon-slider", min: "0", max: "0", value: "0", step: "1", disabled: "disabled", "aria-label": text.time });
    var play = el("button", { type: "button", id: "typhoon-play", text: text.play, disabled: "disabled" });
    var timeLabel = el("output", { id: "typhoon-time", for: "typhoon-slider" });
    var info = el("dl", { id: "typhoon-info", class: "typhoon-info" });
    var toggles = {};
    function toggle(key, label) {
      var box = el("input", { type: "checkbox", id: "typhoon-show-" + key, checked: "checked" });
      toggles[key] = box;
      box.addEventListener("change", function () { showGroup(key, box.checked); });
      return el("label", { class: "typhoon-toggle" }, [box, el("span", { text: " " + label })]);
    }
    var panel = el("section", { id: "typhoon-panel", class: "typhoon-panel", "data-state": "idle" }, [
      el("h2", { text: text.title }),
      select,
      el("div", { class: "typhoon-toggles" }, [
        toggle("track", text.track), toggle("forecast", text.forecast), toggle("circles", text.circles), toggle("lines", text.lines),
      ]),
      el("div", { class: "typhoon-slider" }, [play, slider, timeLabel]),
      info,
      el("ul", { class: "typhoon-legend" }, Object.keys(setup.class_colours).map(function (c) {
        return el("li", {}, [el("span", { class: "swatch", style: "background:" + setup.class_colours[c] }), el("span", { text: " " + (setup.class_labels[c] || c) })]);
      })),
    ]);
    side.insertBefore(panel, side.querySelector("h2"));

    var groups = {
      track: L.layerGroup().addTo(map),
      forecast: L.layerGroup().addTo(map),
      circles: L.layerGroup().addTo(map),
      lines: L.layerGroup().addTo(map),
    };
    function showGroup(key, on) {
      if (on) groups[key].addTo(map); else map.removeLayer(groups[key]);
    }

    var state = { storm: null, fixes: [], timer: null, request: 0, pending: null };
    var active = {};

    getJSON(setup.api).then(function (data) {
      if (!data.results.length) {
        select.appendChild(el("option", { value: "", text: text.no_storms, disabled: "disabled" }));
        return;
      }
      data.results.forEach(function (s) {
        active[s.code] = s.active;
        var label = s.code + " " + [s.name, s.name_en].filter(Boolean).join(" ") + (s.synthetic ? " · " + text.synthetic : "");
        select.appendChild(el("option", { value: s.code, text: label }));
      });
    });

    getJSON(setup.api.replace(/storms\/$/, "warning-lines/")).then(function (data) { drawLines(data); });

    function drawLines(data) {
      groups.lines.clearLayers();
      data.features.forEach(function (f) {
        var is24 = f.properties.line === "24h";
        L.geoJSON(f, { style: { color: is24 ? "#e8384f" : "#1e6fd9", weight: 2, dashArray: is24 ? "8 4" : "2 6" }, interactive: false }).addTo(groups.lines);
      });
    }

    function stormUrl(part, at) {
      return setup.api + encodeURIComponent(state.storm) + "/" + part + "/" + (at ? "?at=" + encodeURIComponent(at) : "");
    }

    function drawTrack(data) {
      groups.track.clearLayers();
      var colours = setup.class_colours;
      data.features.forEach(function (f) {
        var colour = colours[f.properties.tc_class] || "#666";
        if (f.properties.kind === "segment") {
          L.geoJSON(f, { style: { color: colour, weight: 3 }, interactive: false }).addTo(groups.track);
        } else {
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { radius: 4, color: colour, fillColor: colour, fillOpacity: 0.9, weight: 1, className: "typhoon-fix" })
            .bindTooltip(localTime(f.properties.time) + " · " + (f.properties.tc_class_label || "") + (f.properties.wind_ms ? " · " + f.properties.wind_ms + " m/s" : ""))
            .addTo(groups.track);
        }
      });
    }

    function row(label, value) {
      info.appendChild(el("dt", { text: label }));
      info.appendChild(el("dd", { text: value }));
    }

    function showMoment(index) {
      var fix = state.fixes[index];
      if (!fix) return;
      var at = fix.properties.time;
      timeLabel.textContent = localTime(at);
      var ticket = ++state.request;
      panel.setAttribute("data-state", "loading");
      Promise.all([
        getJSON(stormUrl("circles", at)),
        getJSON(stormUrl("forecasts", at)),
        getJSON(stormUrl("cone", at)),
        getJSON(stormUrl("approach", at)),
        getJSON(setup.api.replace(/storms\/$/, "warning-lines/") + "?storm=" + encodeURIComponent(state.storm) + "&at=" + encodeURIComponent(at)),
      ]).then(function (res) {
        if (ticket !== state.request) return; // a newer moment was asked for meanwhile
        var circles = res[0], forecasts = res[1], cone = res[2], approach = res[3], lines = res[4];
        groups.circles.clearLayers();
        circles.features.forEach(function (f) {
          if (f.properties.kind === "wind_circle") {
            var colour = CIRCLE_COLOURS[f.properties.force] || "#999";
            L.geoJSON(f, { style: { color: colour, weight: 1.5, fillColor: colour, fillOpacity: 0.15 }, interactive: false, className: "typhoon-circle" }).addTo(groups.circles);
          } else {
            var c = f.geometry.coordinates;
            L.circleMarker([c[1], c[0]], { radius: 8, color: "#222", weight: 2, fillColor: setup.class_colours[f.properties.tc_class] || "#666", fillOpacity: 1, className: "typhoon-centre" }).addTo(groups.circles);
          }
        });
        groups.forecast.clearLayers();
        cone.features.forEach(function (f) {
          L.geoJSON(f, { style: { color: "#888", weight: 1, fillColor: "#aaa", fillOpacity: 0.2 }, interactive: false }).addTo(groups.forecast);
        });
        forecasts.features.forEach(function (f) {
          if (f.properties.kind === "forecast_line") {
            L.geoJSON(f, { style: { color: "#444", weight: 2, dashArray: "6 4" }, interactive: false }).addTo(groups.forecast);
          } else {
            var c = f.geometry.coordinates;
            L.circleMarker([c[1], c[0]], { radius: 3, color: "#444", fillOpacity: 0.6 }).bindTooltip(localTime(f.properties.valid_time)).addTo(groups.forecast);
          }
        });
        drawLines(lines);
        info.innerHTML = "";
        row(text.distance, approach.distance_km + " km");
        row(text.force_here, String(approach.wind_force_here));
        if (approach.approach) {
          row(text.approach, localTime(approach.approach.time) + " · " + fmt(text.approach_in, { hours: approach.approach.hours, km: approach.approach.distance_km }));
        }
        if (approach.landfall) row(text.landfall, localTime(approach.landfall.time) + " · " + fmt(text.approach_in, { hours: approach.landfall.hours, km: "-" }).replace(/, -.*$/, ""));
        lines.features.forEach(function (f) {
          var label = f.properties.line === "24h" ? text.line24 : text.line48;
          row(label, f.properties.inside ? text.inside : fmt(text.outside, { km: f.properties.distance_km }));
        });
        panel.setAttribute("data-state", "ready");
        panel.setAttribute("data-at", at);
      }).catch(function () {
        if (ticket === state.request) panel.setAttribute("data-state", "error");
      });
    }

    function pick(code) {
      stop();
      state.storm = code || null;
      ["track", "forecast", "circles"].forEach(function (k) { groups[k].clearLayers(); });
      info.innerHTML = "";
      slider.disabled = play.disabled = !code;
      if (!code) { panel.setAttribute("data-state", "idle"); return; }
      panel.setAttribute("data-state", "loading");
      getJSON(stormUrl("track")).then(function (data) {
        drawTrack(data);
        state.fixes = data.features.filter(function (f) { return f.properties.kind === "fix"; });
        panel.setAttribute("data-fixes", String(state.fixes.length));
        slider.max = String(Math.max(0, state.fixes.length - 1));
        slider.value = slider.max;
        var bounds = groups.track.getLayers().length ? L.featureGroup(groups.track.getLayers()).getBounds() : null;
        if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.1));
        showMoment(Number(slider.value));
      }).catch(function () { panel.setAttribute("data-state", "error"); info.textContent = text.error; });
    }

    function stop() {
      if (state.timer) { clearInterval(state.timer); state.timer = null; play.textContent = text.play; }
    }

    select.addEventListener("change", function () { pick(select.value); });
    slider.addEventListener("input", function () {
      clearTimeout(state.pending);
      state.pending = setTimeout(function () { showMoment(Number(slider.value)); }, 120);
    });
    play.addEventListener("click", function () {
      if (state.timer) { stop(); return; }
      if (Number(slider.value) >= Number(slider.max)) slider.value = "0";
      play.textContent = text.pause;
      showMoment(Number(slider.value));
      state.timer = setInterval(function () {
        var next = Number(slider.value) + 1;
        if (next > Number(slider.max)) { stop(); return; }
        slider.value = String(next);
        showMoment(next);
      }, 700);
    });
    // A live storm (or a running replay) gains fixes: follow it while the slider is at its end.
    setInterval(function () {
      if (!state.storm || state.timer || !active[state.storm]) return;
      if (Number(slider.value) < Number(slider.max)) return;
      pick(state.storm);
    }, 15000);
  }

  if (window.ccOnemap) init(window.ccOnemap);
  else document.addEventListener("onemap:ready", function (e) { init(e.detail); });
})();
