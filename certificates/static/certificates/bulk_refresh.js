// A bulk issue is running: reload its list every few seconds to show progress.
(function () {
  "use strict";
  var script = document.currentScript;
  var delay = parseInt((script && script.getAttribute("data-refresh-ms")) || "4000", 10);
  setTimeout(function () { window.location.reload(); }, delay);
})();
