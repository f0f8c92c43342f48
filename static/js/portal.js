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
  // Ask before destructive or irreversible actions.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
