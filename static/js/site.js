/* Site-wide touches; every page works without this file. */
(function () {
  "use strict";

  /* The language switch returns to the same place on the page: the server never
     sees the #fragment, so add it to `next` on the way out. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches(".language-switch") || !location.hash) return;
    var next = form.querySelector("input[name=next]");
    if (next && next.value.indexOf("#") === -1) next.value += location.hash;
  });

  /* Embeds wait for a click (blog/blocks.py): the button appears only with
     JavaScript, and puts the provider's frame where the notice was. */
  document.querySelectorAll("[data-embed] .embed__load").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".embed__load");
    if (!button) return;
    var figure = button.closest("[data-embed]");
    var frame = figure.querySelector("template.embed__frame");
    if (frame) figure.replaceChildren(frame.content.cloneNode(true));
  });
})();
