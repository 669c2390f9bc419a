// Progressive enhancement only: every page works without JavaScript.
// A form (or the button that submits it) may ask for a confirmation. A form posted once is not
// posted again by a double click or an impatient second click while the page loads: that made
// two threads or two replies. A download leaves the page where it is: the form is free again
// after a few seconds.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
    return;
  }
  if (form.hasAttribute("data-sending")) {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-sending", "");
  setTimeout(function () { form.removeAttribute("data-sending"); }, 4000);
});
// Back to a page from the browser's cache: its forms may be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    form.removeAttribute("data-sending");
  });
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

// A form marked data-warn-unsaved (the minutes editor, the attendance of an event, the notification
// preferences): leaving the page with something typed in it and not submitted asks first. Its own
// submit buttons save everything typed, so they do not ask; another form of the page (register a
// walk-in, stop following) asks in words before it goes, as it would reload the page without it.
(function () {
  var form = document.querySelector("form[data-warn-unsaved]");
  if (!form) {
    return;
  }
  var dirty = false;
  function mark(event) {
    var owner = event.target && event.target.form;
    if (owner === form) {
      dirty = true;
    }
  }
  document.addEventListener("input", mark);
  document.addEventListener("change", mark);
  document.addEventListener("submit", function (event) {
    if (event.target === form) {
      dirty = false;
    } else if (dirty) {
      if (window.confirm(form.getAttribute("data-warn-unsaved") + " " + form.getAttribute("data-warn-continue"))) {
        dirty = false;  // asked once: the page's own warning does not ask again
      } else {
        event.preventDefault();
        event.stopImmediatePropagation();  // nor is the form held as sent (the double-submit guard)
      }
    }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = form.getAttribute("data-warn-unsaved");
      return event.returnValue;
    }
  });
})();

// A long list of checkboxes (the checkboxes macro, data-filter): a search box above it shows only
// the choices whose label holds what is typed, accents and capitals aside. Hidden choices keep
// their state: a checked one filtered out is still sent.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  document.querySelectorAll("fieldset[data-filter]").forEach(function (fieldset) {
    var box = fieldset.querySelector(".checkbox-scroll");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "checkbox-filter";
    input.setAttribute("aria-label", fieldset.getAttribute("data-filter-label"));
    input.placeholder = fieldset.getAttribute("data-filter") + "…";
    var none = document.createElement("p");
    none.className = "checkbox-none muted";
    none.setAttribute("role", "status");
    box.parentNode.insertBefore(input, box);
    box.parentNode.insertBefore(none, box.nextSibling);
    var items = Array.prototype.map.call(box.querySelectorAll("li"), function (li) {
      return {li: li, text: fold(li.textContent)};
    });
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      var shown = 0;
      items.forEach(function (item) {
        var visible = !wanted || item.text.indexOf(wanted) !== -1;
        item.li.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      box.querySelectorAll(".checkbox-list").forEach(function (list) {
        var empty = !list.querySelector("li:not([hidden])");
        list.hidden = empty;
        var heading = list.previousElementSibling;
        if (heading && heading.classList.contains("checkbox-group")) {
          heading.hidden = empty;
        }
      });
      none.textContent = shown ? "" : fieldset.getAttribute("data-filter-empty");
      box.hidden = !shown;  // no empty frame above the message
    });
    // Enter in the filter must not submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
  });
})();
