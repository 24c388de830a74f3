/* Nâng Tầm course pages: tap-to-load videos, offline reading. No dependencies. */
(function () {
  "use strict";
  var script = document.currentScript;

  // A video from another site loads nothing until the learner taps "play".
  document.querySelectorAll("[data-video]").forEach(function (box) {
    var tpl = box.querySelector("template");
    var button = box.querySelector("[data-video-play]");
    if (!tpl || !button) return;
    box.hidden = false;
    button.addEventListener("click", function () {
      var player = tpl.content.cloneNode(true);
      var frame = player.querySelector("iframe");
      if (frame) {
        try {
          var src = new URL(frame.getAttribute("src"), location.href);
          src.searchParams.set("autoplay", "1");
          frame.src = src.href;
        } catch (e) { /* keep the provider's URL */ }
        frame.setAttribute("allow", (frame.getAttribute("allow") || "") + "; autoplay; fullscreen");
        frame.setAttribute("tabindex", "0");
      }
      box.replaceChildren(player);
      if (frame) frame.focus();
    });
  });

  // Lessons opened once stay readable offline.
  var sw = script && script.getAttribute("data-sw");
  if (sw && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(sw, { scope: "/" }).catch(function () {});
    });
  }
})();
