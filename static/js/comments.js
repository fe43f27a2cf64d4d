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
        updateCounters();
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

  /* A live count instead of a silent cut: the textarea has no maxlength. */
  function updateCounter(counter) {
    var textarea = document.getElementById(counter.dataset.counterFor);
    if (!textarea) return;
    var count = Array.from(textarea.value).length, limit = Number(counter.dataset.limit);
    var over = count > limit;
    counter.textContent = over
      ? counter.dataset.over.replace("{count}", count).replace("{limit}", limit).replace("{over}", count - limit)
      : count + " / " + limit;
    counter.classList.toggle("comment-form__counter--over", over);
    counter.hidden = false;
  }

  function updateCounters() {
    document.querySelectorAll("[data-counter-for]").forEach(updateCounter);
  }

  document.addEventListener("input", function (event) {
    if (!event.target.id) return;
    var counter = document.querySelector('[data-counter-for="' + event.target.id + '"]');
    if (counter) updateCounter(counter);
  });

  document.addEventListener("DOMContentLoaded", updateCounters);

  /* A mention's link is the comment's permalink; when the comment is on this page, stay. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.mention");
    var id = link && /\/comments\/(\d+)\/$/.exec(link.pathname);
    var target = id && document.getElementById("comment-" + id[1]);
    if (!target || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    location.hash = "comment-" + id[1];
  });

  /* @-mention suggestions: names of the approved comments on this page (never a
     linkback's or anyone else's), matched without case or accents ("@hub" finds
     "Hübner"), picked with the mouse or with arrows, Enter and Escape. */
  var MENTION = /(^|\s)@([\p{L}\p{N}_.\-]*)$/u;
  var active = -1;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function names() {
    var seen = {};
    return Array.from(document.querySelectorAll(".comment[data-mention]"))
      .map(function (c) { return c.dataset.mention; })
      .filter(function (n) { if (seen[n]) return false; seen[n] = true; return true; });
  }

  function matching(typed) {
    var wanted = fold(typed);
    return names().filter(function (name) {
      return fold(name).split(/\s+/).some(function (word) { return word.startsWith(wanted); });
    }).slice(0, 6);
  }

  function currentMention(textarea) {
    var match = MENTION.exec(textarea.value.slice(0, textarea.selectionStart));
    return match ? match[2] : null;
  }

  function mentionBox() { return document.getElementById("mention-suggestions"); }
  function mentionTextarea() { var f = form(); return f && f.querySelector("textarea"); }

  function insertMention(name) {
    var textarea = mentionTextarea();
    var pos = textarea.selectionStart;
    var upto = textarea.value.slice(0, pos).replace(/@[\p{L}\p{N}_.\-]*$/u, "@" + name.split(" ")[0] + " ");
    textarea.value = upto + textarea.value.slice(pos);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = upto.length;
    hideSuggestions();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function hideSuggestions() {
    var list = mentionBox(), textarea = mentionTextarea();
    if (list) list.remove();
    active = -1;
    if (textarea) {
      textarea.setAttribute("aria-expanded", "false");
      textarea.removeAttribute("aria-activedescendant");
    }
  }

  function setActive(index) {
    var options = mentionBox().querySelectorAll("[role=option]");
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === active)); });
    mentionTextarea().setAttribute("aria-activedescendant", options[active].id);
  }

  function showSuggestions(textarea, matches) {
    var list = document.createElement("ul");
    list.id = "mention-suggestions";
    list.className = "mention-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "@");
    matches.forEach(function (name, i) {
      var item = document.createElement("li");
      item.id = "mention-option-" + i;
      item.className = "mention-suggestions__item";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.name = name;
      item.textContent = "@" + name;
      list.appendChild(item);
    });
    textarea.after(list);
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-expanded", "true");
  }

  document.addEventListener("input", function (event) {
    if (!event.target.matches("#commentform textarea")) return;
    hideSuggestions();
    var typed = currentMention(event.target);
    if (typed === null) return;
    var matches = matching(typed);
    if (matches.length) showSuggestions(event.target, matches);
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches("#commentform textarea") || !mentionBox()) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setActive(active + (event.key === "ArrowDown" ? 1 : active === -1 ? 0 : -1));
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      insertMention(mentionBox().querySelectorAll("[role=option]")[active].dataset.name);
    } else if (event.key === "Escape") {
      event.preventDefault();
      hideSuggestions();
    }
  });

  document.addEventListener("mousedown", function (event) {
    // Keep the focus in the textarea while an option is clicked.
    if (event.target.closest(".mention-suggestions__item")) event.preventDefault();
  });

  document.addEventListener("focusout", function (event) {
    if (event.target.matches("#commentform textarea")) setTimeout(hideSuggestions, 150);
  });
})();
