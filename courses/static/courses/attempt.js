// Countdown of a timed quiz attempt; submits the answers when time is up.
// The server enforces the deadline itself: this only helps the learner.
(function () {
  "use strict";
  var box = document.getElementById("deadline");
  var form = document.getElementById("attempt-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  }
  if (!box || !form) { return; }
  var deadline = Date.parse(box.getAttribute("data-deadline"));
  var out = box.querySelector("[data-countdown]");
  var wrap = box.querySelector(".countdown");
  if (isNaN(deadline) || !out) { return; }
  wrap.hidden = false;
  var sent = false;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    if (left <= 60) { box.classList.add("is-late"); }
    if (left === 0 && !sent) {
      sent = true;
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
