// Live import progress: polls the job's progress.json, updates <progress> and the aria-live
// text, and reloads the page (which then shows the report) when the import has finished.
// Without JavaScript the page still offers a reload link.
(function () {
  "use strict";
  var box = document.getElementById("progress-box");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  var lastSaid = -1;
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        if (!state.running) { window.location.reload(); return; }
        bar.value = state.percent;
        bar.textContent = state.percent + " %";
        var tens = Math.floor(state.percent / 10);
        if (tens !== lastSaid) {  // announce every ten percent, not every poll
          lastSaid = tens;
          text.textContent = Math.floor(state.percent) + " % read. The kiosk keeps serving meanwhile.";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
