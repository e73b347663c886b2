// Defence overview: refresh the totals against targets every 30 s from the REST API, without a reload.
(function () {
  "use strict";
  var box = document.getElementById("defence-totals");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-api");
  function apply(data) {
    (data.totals || []).forEach(function (line) {
      var card = box.querySelector('[data-category="' + line.category + '"]');
      if (!card) { return; }
      card.querySelector(".done").textContent = line.done;
      var target = card.querySelector(".target");
      if (target) { target.textContent = line.target; }
      var pct = line.percent === null ? 0 : Math.min(100, line.percent);
      card.querySelector(".bar span").style.width = pct + "%";
      card.querySelector(".bar").setAttribute("aria-valuenow", pct);
      if (line.percent !== null) { card.querySelector(".percent").textContent = line.percent + "%"; }
      card.classList.toggle("complete", line.target > 0 && line.done >= line.target);
    });
  }
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* keep the last figures; the next round tries again */ });
  }
  window.setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
