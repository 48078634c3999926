/* Small behaviours shared by every page. No inline scripts: the CSP allows scripts from this site only.
   Every page works without this file; it only smooths things. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.hidden = false;
    el.addEventListener("click", function () { window.print(); });
  });

  // The menu is a <details> disclosure. On wide screens the stylesheet shows its content inline
  // (::details-content); browsers without that selector get the disclosure opened instead.
  var menu = document.getElementById("site-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 1000px)");
    var inlineByCss = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    var follow = function () {
      if (!inlineByCss) { menu.open = wide.matches; }
    };
    follow();
    if (wide.addEventListener) { wide.addEventListener("change", follow); }
    // Escape closes the open menu on a phone and gives focus back to its button.
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // "Show password" next to every password field (OWASP ASVS 2.1.12): one typo less in a long
  // passphrase on a phone. The field goes back to hidden when its form is sent.
  var showText = document.body.getAttribute("data-password-show");
  var hideText = document.body.getAttribute("data-password-hide");
  document.querySelectorAll("input[type=password]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "password-toggle small";
    if (input.id) { button.setAttribute("aria-controls", input.id); }
    button.setAttribute("aria-pressed", "false");
    button.textContent = showText;
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
      button.textContent = shown ? showText : hideText;
    });
    input.insertAdjacentElement("afterend", button);
    if (input.form) {
      input.form.addEventListener("submit", function () { input.type = "password"; });
    }
  });

  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // A form that changes something is sent once: a second click or Enter while the first is under
  // way does nothing (the server refuses a repeated case action anyway, see requests_desk.flow).
  // The buttons are disabled after the browser has collected the submitter's name and value.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") { return; }
    if (form.hasAttribute("hx-post")) { return; }  // htmx forms: hx-disabled-elt does the same
    if (form.getAttribute("data-submitting") === "true") { event.preventDefault(); return; }
    if (event.defaultPrevented) { return; }
    form.setAttribute("data-submitting", "true");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });
  // Back to a page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      form.removeAttribute("data-submitting");
      form.querySelectorAll("[disabled]").forEach(function (b) { b.disabled = false; });
    });
  });

  // After a failed submit the error summary takes the focus, so that a screen reader reads it
  // and a keyboard user starts from the list of what to fix.
  // After a page part is replaced (htmx), the focus goes to what it announces ([data-focus]).
  function focusSummary(root, swapped) {
    if (!root || !root.isConnected) { root = document; }
    var summary = root.querySelector(".error-summary[tabindex]") ||
      (swapped ? document.querySelector("[data-focus]") : null);
    if (summary) { summary.focus(); }
  }
  focusSummary(document, false);
  document.body.addEventListener("htmx:afterSettle", function (event) { focusSummary(event.target, true); });
})();
