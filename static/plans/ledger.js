// Follows a ledger import while it is read; reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("ledger-progress");
  if (!box) return;
  var bar = document.getElementById("ledger-progress-bar");
  var text = document.getElementById("ledger-progress-text");
  var template = text.getAttribute("data-template");
  var rowsFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (!data.working) { window.location.assign(data.url); return; }
        bar.value = data.percent;
        bar.textContent = data.percent + " %";
        text.textContent = template
          .replace("{percent}", data.percent + "\u00a0%")
          .replace("{rows}", rowsFormat.format(data.rows));
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
