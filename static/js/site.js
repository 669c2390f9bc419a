// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A phone folds the navigation behind the "Menu" button (the CSS hides it when the class
// js-menu is set and the menu is not open); without JavaScript the menu simply stays open.
(function () {
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!toggle || !menu) {
    return;
  }
  document.documentElement.classList.add("js-menu");
  toggle.hidden = false;
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
})();

// A table wrapper is a focusable region so that the keyboard can scroll a wide table; while the
// table fits, that tab stop serves nothing: take it out, and put it back when it no longer fits.
(function () {
  var wraps = document.querySelectorAll(".table-wrap[tabindex]");
  if (!wraps.length || !window.ResizeObserver) {
    return;
  }
  var observer = new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target;
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
      } else {
        wrap.removeAttribute("tabindex");
      }
    });
  });
  wraps.forEach(function (wrap) { observer.observe(wrap); });
})();

// Filters sit in a side column on a wide screen: unfold them there. On a phone they stay folded
// behind "Filtrer" so that the results come first (and without JavaScript, folded everywhere).
(function () {
  if (window.matchMedia && window.matchMedia("(min-width: 50.0625rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
      panel.open = true;
    });
  }
})();
