/* The one-map page: layer tree, search, district filter, live redraws and alert toasts. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = config.text;
  var el = window.CCMap.el;

  window.onemapInit = function (map) {
    map.setView([22.27, 113.45], 10);
    var cmap = new window.CCMap.CatalogueMap(map, config);
    window.ccOnemap = cmap;
    cmap.buildTree(document.getElementById("layer-tree"));
    document.dispatchEvent(new CustomEvent("onemap:ready", { detail: cmap }));

    document.getElementById("district-filter").addEventListener("change", function (e) {
      if (!e.target.value) { cmap.clearHighlight(); map.setView([22.27, 113.45], 10); return; }
      cmap.showFeature("districts", e.target.value);
    });

    var results = document.getElementById("search-results");
    document.getElementById("map-search").addEventListener("submit", function (e) {
      e.preventDefault();
      var q = document.getElementById("search-input").value.trim();
      results.innerHTML = "";
      if (!q) return;
      fetch("/api/layers/search/?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (!body.results || !body.results.length) {
            results.appendChild(el("li", { class: "hint", text: text.no_results }));
            return;
          }
          body.results.forEach(function (hit) {
            var button = el("button", { type: "button", class: "link-like", text: hit.label });
            button.addEventListener("click", function () { cmap.showFeature(hit.layer, hit.id, { popup: true }); });
            results.appendChild(el("li", {}, [button, el("span", { class: "meta", text: " · " + hit.layer_name })]));
          });
        });
    });

    var live = config.live;
    if (!live) return;
    var state = document.getElementById("live-state");
    var toasts = document.getElementById("toasts");
    var socket = new window.CCLive.LiveSocket({
      path: live.socket,
      syncSeconds: live.sync_seconds,
      onState: function (s) {
        state.dataset.state = s;
        state.textContent = live.text["state_" + s] || s;
      },
      onLayer: function (key) { cmap.refresh(key); },
      onAlert: function (alert, isNew) {
        if (!isNew) return;
        var toast = el("div", { class: "toast level-" + alert.level, "data-alert-id": alert.id }, [
          el("strong", { text: (live.labels.levels[alert.level] || alert.level) + " · " + alert.title }),
          el("p", { text: alert.body }),
        ]);
        toast.style.borderColor = alert.colour;
        toasts.prepend(toast);
        setTimeout(function () { toast.remove(); }, 30000);
        if (alert.geometry) cmap.refresh("alerts");
      },
    });
    socket.start();
    window.ccLive = socket;
  };
})();
