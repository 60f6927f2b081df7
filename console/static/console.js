// The console works without this script; it adds a live SLA countdown and refreshes a
// queue every so often, replacing only its rows (same origin, the session's own cookie).
"use strict";
(function () {
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var hours = Math.floor(minutes / 60);
    var days = Math.floor(hours / 24);
    if (days > 0) return days + "d " + (hours % 24) + "h";
    if (hours > 0) return hours + "h " + String(minutes % 60).padStart(2, "0") + "m";
    return minutes + "m";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown[datetime]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("datetime")) - now;
      el.textContent = left >= 0 ? "due in " + span(left) : "overdue by " + span(left);
      el.classList.toggle("overdue", left < 0);
    });
  }
  function refresh(table) {
    var seconds = parseInt(table.getAttribute("data-refresh"), 10);
    if (!seconds) return;
    setInterval(function () {
      if (document.hidden) return;
      fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var fresh = new DOMParser().parseFromString(html, "text/html");
          var rows = fresh.getElementById("queue-rows");
          var shown = fresh.getElementById("refreshed");
          if (rows) document.getElementById("queue-rows").replaceWith(rows);
          if (shown) document.getElementById("refreshed").replaceWith(shown);
          tick();
        })
        .catch(function () {});
    }, seconds * 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 15000);
    document.querySelectorAll("table[data-refresh]").forEach(refresh);
  });
})();
