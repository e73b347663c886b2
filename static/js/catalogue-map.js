/* Map layers built from the server's layer catalogue (gis.catalogue): vector tiles, styles,
 * legend, popups and live redraws. Nothing about a particular layer is written here. */
(function () {
  "use strict";

  function colourFor(style, props) {
    if (style.field && props && props[style.field] !== undefined) {
      return style.colours[props[style.field]] || style.colour;
    }
    return style.colour;
  }

  function styleFn(style) {
    return function (props, zoom, geometryDimension) {
      var colour = colourFor(style, props);
      if (geometryDimension === 1) {
        return { radius: style.radius, color: "#ffffff", weight: 1.5, fill: true, fillColor: colour, fillOpacity: 0.95 };
      }
      if (geometryDimension === 2) return { color: colour, weight: style.weight, opacity: 0.9 };
      return { color: colour, weight: style.weight, fill: true, fillColor: colour, fillOpacity: style.fill_opacity };
    };
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function CatalogueMap(map, config, opts) {
    this.map = map;
    this.config = config;
    this.opts = opts || {};
    this.text = config.text || {};
    this.layers = {};
    this.redrawTimers = {};
    this.highlight = null;
    var self = this;
    config.catalogue.forEach(function (layer) { self.addLayer(layer); });
  }

  CatalogueMap.prototype.addLayer = function (layer) {
    var self = this;
    var styles = {};
    styles[layer.key] = styleFn(layer.style);
    var grid = L.vectorGrid.protobuf(layer.tiles, {
      vectorTileLayerStyles: styles,
      interactive: true,
      rendererFactory: L.canvas.tile,
      getFeatureId: function (f) { return f.properties.id; },
      fetchOptions: { credentials: "same-origin", cache: "no-cache" },
      maxNativeZoom: 18,
      maxZoom: 22,
      zIndex: 400 + (layer.geometry_type === "polygon" ? 0 : 10),
    });
    grid.on("click", function (e) {
      L.DomEvent.stop(e);
      self.openPopup(layer, e.layer.properties.id, e.latlng);
    });
    this.layers[layer.key] = { meta: layer, grid: grid, on: false };
    if (layer.visible) this.toggle(layer.key, true);
  };

  CatalogueMap.prototype.toggle = function (key, on) {
    var entry = this.layers[key];
    if (!entry) return;
    if (on && !entry.on) entry.grid.addTo(this.map);
    if (!on && entry.on) this.map.removeLayer(entry.grid);
    entry.on = on;
  };

  CatalogueMap.prototype.refresh = function (key) {
    // Many changes in a burst cost one redraw.
    var self = this;
    var entry = this.layers[key];
    if (!entry || !entry.on) return;
    clearTimeout(this.redrawTimers[key]);
    this.redrawTimers[key] = setTimeout(function () { entry.grid.redraw(); }, 150);
  };

  CatalogueMap.prototype.openPopup = function (layer, id, latlng) {
    var self = this;
    fetch("/api/layers/" + layer.key + "/features/" + id + "/", { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        var box = el("div", { class: "feature-popup" });
        if (!res.ok) {
          box.appendChild(el("p", { class: "error", text: res.body.detail || self.text.popup_error }));
        } else {
          var f = res.body;
          box.appendChild(el("h3", { text: f.label }));
          box.appendChild(el("p", { class: "meta", text: layer.name }));
          var dl = el("dl");
          f.fields.forEach(function (field) {
            if (field.value === null) return;
            dl.appendChild(el("dt", { text: field.label }));
            dl.appendChild(el("dd", { text: field.value }));
          });
          box.appendChild(dl);
          if (f.url) box.appendChild(el("a", { href: f.url, text: self.text.open_record, target: "_blank", rel: "noopener" }));
        }
        L.popup().setLatLng(latlng || self.map.getCenter()).setContent(box).openOn(self.map);
      });
  };

  CatalogueMap.prototype.showFeature = function (layerKey, id, options) {
    var self = this;
    return fetch("/api/layers/" + layerKey + "/features/" + id + "/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (f) {
        if (self.highlight) self.map.removeLayer(self.highlight);
        if (f.geometry) {
          self.highlight = L.geoJSON(f.geometry, {
            style: { color: "#00e5ff", weight: 4, fill: false, dashArray: "6 4" },
            pointToLayer: function (feat, ll) { return L.circleMarker(ll, { radius: 14, color: "#00e5ff", weight: 3, fill: false }); },
          }).addTo(self.map);
          var b = self.highlight.getBounds();
          if (b.isValid()) self.map.fitBounds(b, { padding: [30, 30], maxZoom: 15 });
        }
        if (options && options.popup) {
          var meta = self.layers[layerKey] ? self.layers[layerKey].meta : { key: layerKey, name: "" };
          var center = self.highlight ? self.highlight.getBounds().getCenter() : null;
          self.openPopup(meta, id, center);
        }
        return f;
      });
  };

  CatalogueMap.prototype.clearHighlight = function () {
    if (this.highlight) this.map.removeLayer(this.highlight);
    this.highlight = null;
  };

  CatalogueMap.prototype.buildTree = function (container) {
    var self = this;
    var groups = {};
    var order = [];
    this.config.catalogue.forEach(function (layer) {
      if (!groups[layer.group]) { groups[layer.group] = []; order.push(layer.group); }
      groups[layer.group].push(layer);
    });
    container.innerHTML = "";
    order.forEach(function (group) {
      var fs = el("fieldset", { class: "layer-group" }, [el("legend", { text: group })]);
      groups[group].forEach(function (layer) {
        var box = el("input", { type: "checkbox", "data-layer": layer.key });
        box.checked = self.layers[layer.key].on;
        box.addEventListener("change", function () { self.toggle(layer.key, box.checked); });
        var label = el("label", { class: "layer-item" }, [box, el("span", { class: "swatch", style: "background:" + layer.style.colour }), el("span", { text: layer.name })]);
        if (layer.live) label.appendChild(el("span", { class: "badge live", text: self.text.live }));
        if (layer.min_zoom) label.appendChild(el("span", { class: "hint", text: self.text.min_zoom.replace("%s", layer.min_zoom) }));
        fs.appendChild(label);
        if (layer.legend.length) {
          var ul = el("ul", { class: "legend" });
          layer.legend.forEach(function (item) {
            ul.appendChild(el("li", {}, [el("span", { class: "swatch", style: "background:" + item.colour }), el("span", { text: item.label })]));
          });
          fs.appendChild(ul);
        }
      });
      container.appendChild(fs);
    });
  };

  window.CCMap = { CatalogueMap: CatalogueMap, el: el };
})();
