// Discussions: @mention suggestions in the message boxes, and the write-up fields shown only for
// a write-up. Progressive enhancement: without JavaScript, typing @prenom.nom (or the member's
// full name) mentions them all the same, and every field of the form stays visible.
(function () {
  "use strict";

  var MIN_CHARS = 1;
  var DELAY_MS = 150;

  // The "@…" being typed just before the caret, or null: an "@" at the start or after a space
  // or an opening bracket, followed by letters, digits, dots or hyphens (no space yet).
  function currentMention(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|[\s(\[])@([^\s@()\[\]]{0,40})$/.exec(before);
    if (!match) { return null; }
    return { start: before.length - match[2].length - 1, query: match[2] };
  }

  function Autocomplete(textarea, url, index) {
    this.textarea = textarea;
    this.url = url;
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    var id = "mention-list-" + index;
    this.list = document.createElement("ul");
    this.list.id = id;
    this.list.className = "mention-list";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Membres à mentionner");
    this.list.hidden = true;
    this.status = document.createElement("p");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    textarea.insertAdjacentElement("afterend", this.status);
    textarea.insertAdjacentElement("afterend", this.list);
    // A textarea keeps its textbox role (ARIA allows no combobox role on it): the list is tied
    // to it by aria-controls and aria-activedescendant, and announced through the status line.
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", id);
    var self = this;
    textarea.addEventListener("input", function () { self.schedule(); });
    textarea.addEventListener("keydown", function (event) { self.onKey(event); });
    textarea.addEventListener("blur", function () { window.setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) {
        event.preventDefault();  // keep the focus in the text box
        self.choose(Number(option.getAttribute("data-index")));
      }
    });
  }

  Autocomplete.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    var mention = currentMention(this.textarea);
    if (!mention || mention.query.length < MIN_CHARS) { this.close(); return; }
    this.timer = window.setTimeout(function () { self.fetch(mention.query); }, DELAY_MS);
  };

  Autocomplete.prototype.fetch = function (query) {
    var self = this;
    if (this.request) { this.request.abort(); }
    var request = this.request = new XMLHttpRequest();
    request.open("GET", this.url + "?q=" + encodeURIComponent(query));
    request.setRequestHeader("Accept", "application/json");
    request.addEventListener("load", function () {
      if (request.status !== 200) { self.close(); return; }
      var mention = currentMention(self.textarea);
      if (!mention || mention.query !== query) { return; }  // the text moved on meanwhile
      try { self.show(JSON.parse(request.responseText)); } catch (e) { self.close(); }
    });
    request.send();
  };

  Autocomplete.prototype.show = function (members) {
    this.items = members;
    this.list.textContent = "";
    if (!members.length) {
      this.status.textContent = "Aucun membre ne correspond.";
      this.close();
      return;
    }
    var self = this;
    members.forEach(function (member, i) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("data-index", String(i));
      option.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "mention-name";
      name.textContent = member.name;
      var handle = document.createElement("span");
      handle.className = "mention-handle";
      handle.textContent = "@" + member.handle;
      option.appendChild(name);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(handle);
      self.list.appendChild(option);
    });
    this.list.hidden = false;
    this.status.textContent = members.length === 1 ? "1 membre proposé, flèches pour choisir, Entrée pour valider."
      : members.length + " membres proposés, flèches pour choisir, Entrée pour valider.";
    this.highlight(0);
  };

  Autocomplete.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    this.active = (index + options.length) % options.length;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    this.textarea.setAttribute("aria-activedescendant", options[this.active].id);
  };

  Autocomplete.prototype.close = function () {
    this.list.hidden = true;
    this.items = [];
    this.active = -1;
    this.textarea.removeAttribute("aria-activedescendant");
  };

  Autocomplete.prototype.choose = function (index) {
    var member = this.items[index];
    var mention = currentMention(this.textarea);
    if (!member || !mention) { this.close(); return; }
    var value = this.textarea.value;
    var caret = this.textarea.selectionStart;
    var inserted = "@" + member.handle + " ";
    this.textarea.value = value.slice(0, mention.start) + inserted + value.slice(caret);
    var position = mention.start + inserted.length;
    this.textarea.setSelectionRange(position, position);
    this.status.textContent = member.name + " sera mentionné·e.";
    this.close();
    this.textarea.focus();
  };

  Autocomplete.prototype.onKey = function (event) {
    if (this.list.hidden) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.highlight(this.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    }
  };

  // The write-up fields matter only for a write-up: hidden otherwise (never emptied, so a change
  // of mind loses nothing).
  function toggleWriteup(form) {
    var fields = form.querySelector(".writeup-fields");
    var checked = form.querySelector('input[name="kind"]:checked');
    if (!fields || !checked) { return; }
    fields.hidden = checked.value !== "writeup";
    var hint = fields.querySelector(".writeup-hint");
    if (hint) { hint.hidden = true; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var helps = document.querySelectorAll("[data-mention-url]");
    Array.prototype.forEach.call(helps, function (help, i) {
      var form = help.closest("form");
      var textarea = form && form.querySelector(".mention-field textarea");
      if (textarea) {
        new Autocomplete(textarea, help.getAttribute("data-mention-url"), i);
        textarea.setAttribute("aria-describedby",
          ((textarea.getAttribute("aria-describedby") || "") + " " + help.id).trim());
      }
    });
    var threadForm = document.querySelector(".thread-form");
    if (threadForm) {
      toggleWriteup(threadForm);
      threadForm.addEventListener("change", function (event) {
        if (event.target.name === "kind") { toggleWriteup(threadForm); }
      });
    }
  });
})();
