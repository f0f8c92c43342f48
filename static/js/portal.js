// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Long Thai text fields grow with what is typed.
  function grow(el) { el.style.height = "auto"; el.style.height = (el.scrollHeight + 2) + "px"; }
  document.querySelectorAll("textarea.autogrow").forEach(function (el) {
    grow(el);
    el.addEventListener("input", function () { grow(el); });
  });
  // A limited text field shows its length against the limit once it is near (the server
  // checks the limit and keeps the text; nothing is cut in the browser).
  document.querySelectorAll("[data-maxlength]").forEach(function (el) {
    var limit = parseInt(el.getAttribute("data-maxlength"), 10);
    var counter = document.createElement("div");
    counter.className = "form-text text-end";
    counter.setAttribute("aria-live", "polite");
    el.insertAdjacentElement("afterend", counter);
    function count() {
      var length = el.value.length;
      counter.hidden = length < limit * 0.8;
      counter.textContent = length.toLocaleString("th-TH") + " / " + limit.toLocaleString("th-TH");
      counter.classList.toggle("text-danger", length > limit);
    }
    count();
    el.addEventListener("input", count);
  });
  // Warn before leaving a form with unsaved typing.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
  // A form being sent cannot be sent again (a double tap over a slow connection): its buttons are
  // disabled until the next page; the button pressed still counts (its name and value go along).
  document.querySelectorAll('form[method="post"], form[method="POST"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      var submitter = event.submitter;
      if (submitter && submitter.name) {
        var carry = document.createElement("input");
        carry.type = "hidden"; carry.name = submitter.name; carry.value = submitter.value;
        form.appendChild(carry);
      }
      var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
      buttons.forEach(function (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); });
      if (submitter && submitter.dataset.sending) { submitter.textContent = submitter.dataset.sending; }
      // A download answers without a new page: the buttons come back after a while.
      window.setTimeout(function () {
        buttons.forEach(function (button) { button.disabled = false; button.removeAttribute("aria-busy"); });
      }, 15000);
    });
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("button[aria-busy]").forEach(function (button) {
      button.disabled = false; button.removeAttribute("aria-busy");
    });
  });
  // "Copy link for ITAS": put a document's permanent address on the clipboard.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      var done = function () { button.textContent = "คัดลอกแล้ว ✓"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        window.prompt("คัดลอกลิงก์นี้", text);
      }
    });
  });
  // "Print" (the recovery codes): the browser's print dialogue.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // "Back" on the error pages: shown only when the browser has a page to go back to.
  document.querySelectorAll("[data-history-back]").forEach(function (link) {
    if (window.history.length < 2) { return; }
    link.hidden = false;
    link.addEventListener("click", function (event) { event.preventDefault(); window.history.back(); });
  });
  // Ask before destructive or irreversible actions.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // A table wider than the screen scrolls inside its box (.table-responsive): while it does, the
  // box takes the keyboard focus, so that it can be scrolled with the arrow keys (WCAG 2.1.1).
  var boxes = document.querySelectorAll(".table-responsive:not([tabindex])");
  function focusable() {
    boxes.forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) { box.setAttribute("tabindex", "0"); }
      else { box.removeAttribute("tabindex"); }
    });
  }
  if (boxes.length) {
    focusable();
    window.addEventListener("load", focusable);
    window.addEventListener("resize", focusable);
  }
  // A folded card named by the address (#measure-12, after moving a measure) opens.
  function openTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  openTarget();
  window.addEventListener("hashchange", openTarget);
  // A long form refused: its error summary at the top takes the focus (a screen reader reads it).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
