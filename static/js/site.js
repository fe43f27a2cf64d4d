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
})();
