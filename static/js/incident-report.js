/* The one map's "report an incident" mode: click to place the point, fill the form, submit to the
 * incidents API, then list and highlight the nearest shelters and rescue teams. The configuration
 * (types, levels, words) comes from the emergency app's map-page provider. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var setup = config.incident_report;
  if (!setup) return;
  var text = setup.text;
  var el = window.CCMap.el;

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function field(name, label, input) {
    input.id = "report-" + name;
    input.name = name;
    return el("p", { class: "report-field", "data-field": name }, [
      el("label", { for: input.id, text: label }),
      input,
      el("span", { class: "field-error", "data-error-for": name }),
    ]);
  }

  function select(options) {
    var node = el("select", {}, [el("option", { value: "", text: text.choose })]);
    options.forEach(function (o) { node.appendChild(el("option", { value: o.value, text: o.label })); });
    return node;
  }

  function init(cmap) {
    var map = cmap.map;
    var side = document.querySelector(".map-side");
    var startButton = el("button", { type: "button", id: "report-start", class: "primary", text: text.start });
    var hint = el("p", { class: "hint", id: "report-hint", text: text.click_map });
    var form = el("form", { id: "report-form", class: "report-form", novalidate: "novalidate" }, [
      hint,
      field("title", text.title, el("input", { type: "text", maxlength: "200", required: "required" })),
      field("type", text.type, select(setup.types.map(function (t) { return { value: t.code, label: t.category + " · " + t.label }; }))),
      field("level", text.level, select(setup.levels)),
      field("address", text.address, el("input", { type: "text", maxlength: "300" })),
      field("description", text.description, el("textarea", { rows: "3" })),
      el("p", { class: "field-error", "data-error-for": "geometry" }),
      el("p", { class: "field-error", "data-error-for": "__all__" }),
      el("button", { type: "submit", class: "primary", id: "report-submit", text: text.submit }),
      el("button", { type: "button", id: "report-cancel", text: text.cancel }),
    ]);
    form.hidden = true;
    var result = el("div", { id: "report-result", class: "report-result", "aria-live": "polite" });
    var box = el("section", { class: "report-box" }, [startButton, form, result]);
    side.insertBefore(box, side.firstChild);

    var marker = null;
    var found = L.layerGroup().addTo(map);
    var placing = false;

    function clearErrors() {
      form.querySelectorAll("[data-error-for]").forEach(function (n) { n.textContent = ""; });
    }
    function showError(name, message) {
      var node = form.querySelector('[data-error-for="' + name + '"]') || form.querySelector('[data-error-for="__all__"]');
      node.textContent = (node.textContent ? node.textContent + " " : "") + message;
    }
    function stop() {
      placing = false;
      form.hidden = true;
      startButton.hidden = false;
      map.getContainer().classList.remove("placing");
    }

    startButton.addEventListener("click", function () {
      placing = true;
      form.hidden = false;
      startButton.hidden = true;
      result.innerHTML = "";
      found.clearLayers();
      clearErrors();
      hint.textContent = text.click_map;
      map.getContainer().classList.add("placing");
    });
    document.getElementById("report-cancel").addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      stop();
    });
    // Listen on the container in the capture phase: a click on a map feature (a canvas tile, a marker)
    // must place the incident too, and must not open that feature's popup while placing.
    map.getContainer().addEventListener("click", function (e) {
      if (!placing || e.target.closest(".leaflet-control, .leaflet-popup, .leaflet-marker-icon")) return;
      e.stopPropagation();
      var latlng = map.mouseEventToLatLng(e);
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng, { draggable: true }).addTo(map);
      hint.textContent = fmt(text.placed, { lat: latlng.lat.toFixed(5), lon: latlng.lng.toFixed(5) });
      form.querySelector('[data-error-for="geometry"]').textContent = "";
    }, true);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearErrors();
      if (!marker) { showError("geometry", text.no_point); return; }
      var ll = marker.getLatLng();
      var body = {
        title: form.elements.title.value.trim(),
        type: form.elements.type.value,
        level: form.elements.level.value,
        address: form.elements.address.value.trim(),
        description: form.elements.description.value.trim(),
        source: "web",
        geometry: { type: "Point", coordinates: [ll.lng, ll.lat] },
      };
      var submit = document.getElementById("report-submit");
      submit.disabled = true;
      fetch(setup.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body),
      })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          submit.disabled = false;
          if (!res.ok) {
            var errors = res.data.errors || [];
            if (!errors.length) showError("__all__", fmt(text.failed, { reason: res.data.detail || "" }));
            errors.forEach(function (err) { showError(err.field || "__all__", err.message); });
            return;
          }
          stop();
          form.reset();
          if (marker) { marker.dragging.disable(); }
          cmap.refresh("incidents");
          showResult(res.data, ll);
        })
        .catch(function (err) {
          submit.disabled = false;
          showError("__all__", fmt(text.failed, { reason: String(err) }));
        });
    });

    function showResult(incident, ll) {
      result.innerHTML = "";
      var link = el("a", { href: setup.detail_url.replace("/0/", "/" + incident.id + "/"), id: "report-open", text: text.open });
      result.appendChild(el("p", { class: "report-saved", "data-incident-id": incident.id }, [
        el("strong", { text: fmt(text.saved, { title: incident.title }) }), el("br"), link,
      ]));
      var bounds = L.latLngBounds([ll]);
      var pending = setup.kinds.length;
      setup.kinds.forEach(function (k) {
        var list = el("ol", { class: "nearest-list", "data-kind": k.kind });
        result.appendChild(el("h3", { text: k.label }));
        result.appendChild(list);
        var url = setup.api + incident.id + "/nearest/?kind=" + k.kind + "&radius=" + setup.radius_m + "&limit=" + setup.limit;
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (rows) {
            if (!Array.isArray(rows) || !rows.length) {
              list.appendChild(el("li", { class: "hint", text: fmt(text.none_near, { km: setup.radius_m / 1000 }) }));
            } else {
              rows.forEach(function (row) {
                var c = row.geometry.coordinates;
                var point = L.latLng(c[1], c[0]);
                bounds.extend(point);
                var km = fmt(text.distance, { km: (row.distance_m / 1000).toFixed(2) });
                var circle = L.circleMarker(point, {
                  radius: 9, color: "#ffffff", weight: 2, fillColor: k.kind === "shelter" ? "#2e9d4a" : "#d9480f", fillOpacity: 1,
                }).bindTooltip(row.name + " · " + km).addTo(found);
                var item = el("li", { class: "nearest-item", "data-kind": k.kind, "data-id": row.id }, [
                  el("button", { type: "button", class: "link-like", text: row.name }),
                  el("span", { class: "meta", text: " · " + km }),
                ]);
                item.firstChild.addEventListener("click", function () { map.setView(point, 15); circle.openTooltip(); });
                list.appendChild(item);
              });
            }
          })
          .finally(function () {
            pending -= 1;
            if (!pending) map.fitBounds(bounds.pad(0.3), { maxZoom: 15 });
          });
      });
    }
  }

  if (window.ccOnemap) init(window.ccOnemap);
  else document.addEventListener("onemap:ready", function (e) { init(e.detail); });
})();
