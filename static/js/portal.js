// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Long Thai text fields grow with what is typed.
  function grow(el) { el.style.height = "auto"; el.style.height = (el.scrollHeight + 2) + "px"; }
  document.querySelectorAll("textarea.autogrow").forEach(function (el) {
    grow(el);
    el.addEventListener("input", function () { grow(el); });
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
  // Ask before destructive or irreversible actions.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
