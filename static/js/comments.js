/* Comment area enhancements. Everything works without this file:
   replies via ?replytocom=, posting via a normal form submit. */
(function () {
  "use strict";

  function respond() { return document.getElementById("respond"); }
  function form() { return document.getElementById("commentform"); }

  var home = null; // where #respond lives when not replying

  function rememberHome() {
    var box = respond();
    if (box && !home) {
      home = document.createElement("div");
      home.id = "respond-home";
      box.parentNode.insertBefore(home, box);
    }
  }

  function setReply(comment) {
    var box = respond(), f = form();
    if (!box || !f) return;
    rememberHome();
    var heading = box.querySelector(".comment-respond__heading");
    var cancel = document.getElementById("cancel-comment-reply-link");
    var replyTo = f.querySelector("input[name=reply_to]");
    if (comment) {
      comment.querySelector(".comment__body").after(box);
      replyTo.value = comment.dataset.commentId;
      heading.textContent = f.dataset.replyTemplate.replace("{name}", comment.dataset.author);
      cancel.hidden = false;
    } else {
      home.after(box);
      replyTo.value = "0";
      heading.textContent = heading.dataset.default;
      cancel.hidden = true;
    }
    f.querySelector("textarea").focus();
  }

  document.addEventListener("click", function (event) {
    var reply = event.target.closest("[data-reply-to]");
    if (reply) {
      event.preventDefault();
      setReply(reply.closest(".comment"));
      return;
    }
    if (event.target.closest("#cancel-comment-reply-link")) {
      event.preventDefault();
      setReply(null);
    }
    var suggestion = event.target.closest(".mention-suggestions__item");
    if (suggestion) {
      event.preventDefault();
      insertMention(suggestion.dataset.name);
    }
  });

  /* Post in place: swap in the server's new comment area, keep the scroll position. */
  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (f.id !== "commentform" || !window.fetch || !window.DOMParser) return;
    if (event.submitter && event.submitter.hasAttribute("formaction")) return; // login buttons
    event.preventDefault();
    var button = f.querySelector("button[type=submit]");
    button.disabled = true;
    var replyTo = f.querySelector("input[name=reply_to]").value;
    var before = new Set(Array.from(document.querySelectorAll(".comment")).map(function (c) { return c.id; }));
    fetch(f.action, { method: "POST", body: new FormData(f), credentials: "same-origin",
                      headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("comments");
        var old = document.getElementById("comments");
        if (!fresh || !old) { f.submit(); return; }
        var y = window.scrollY;
        old.replaceWith(fresh);
        home = null;
        window.scrollTo(0, y);
        var added = Array.from(document.querySelectorAll(".comment--mine")).filter(function (c) { return !before.has(c.id); })[0];
        if (added) {
          if (window.sessionStorage) sessionStorage.removeItem(draftKey);
          added.scrollIntoView({ block: "center" });
          added.classList.add("comment--new");
        } else {
          if (replyTo !== "0") {
            var target = document.getElementById("comment-" + replyTo);
            if (target) setReply(target);
          }
          var error = document.querySelector("#respond [role=alert]");
          if (error) error.scrollIntoView({ block: "center" });
        }
      })
      .catch(function () { f.submit(); });
  });

  /* Keep what the reader typed in this tab, e.g. across a trip to a login provider. */
  var draftKey = "kommentar-draft:" + location.pathname;

  function restoreDraft() {
    var f = form();
    if (!f || !window.sessionStorage) return;
    var textarea = f.querySelector("textarea");
    var saved = sessionStorage.getItem(draftKey);
    if (saved && !textarea.value) textarea.value = saved;
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("#commentform textarea") && window.sessionStorage) {
      sessionStorage.setItem(draftKey, event.target.value);
    }
  });

  document.addEventListener("DOMContentLoaded", restoreDraft);

  /* @-mention suggestions from the names in this thread. */
  function names() {
    var seen = {};
    return Array.from(document.querySelectorAll(".comment[data-author]"))
      .map(function (c) { return c.dataset.author; })
      .filter(function (n) { if (seen[n]) return false; seen[n] = true; return true; });
  }

  function currentMention(textarea) {
    var upto = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|\s)@([\w.\-]*)$/u.exec(upto);
    return match ? match[2] : null;
  }

  function insertMention(name) {
    var textarea = form().querySelector("textarea");
    var pos = textarea.selectionStart;
    var upto = textarea.value.slice(0, pos).replace(/@([\w.\-]*)$/u, "@" + name.split(" ")[0] + " ");
    textarea.value = upto + textarea.value.slice(pos);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = upto.length;
    hideSuggestions();
  }

  function hideSuggestions() {
    var list = document.getElementById("mention-suggestions");
    if (list) list.remove();
  }

  document.addEventListener("input", function (event) {
    if (!event.target.matches("#commentform textarea")) return;
    hideSuggestions();
    var typed = currentMention(event.target);
    if (typed === null) return;
    var matches = names().filter(function (n) { return n.toLowerCase().startsWith(typed.toLowerCase()); }).slice(0, 6);
    if (!matches.length) return;
    var list = document.createElement("ul");
    list.id = "mention-suggestions";
    list.className = "mention-suggestions";
    list.setAttribute("role", "listbox");
    matches.forEach(function (n) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mention-suggestions__item";
      button.dataset.name = n;
      button.textContent = "@" + n;
      item.appendChild(button);
      list.appendChild(item);
    });
    event.target.after(list);
  });
})();
