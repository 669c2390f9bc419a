// Library: upload progress bar and kind-dependent fields. Progressive: without JavaScript the
// forms post normally and every field stays visible.
(function () {
  "use strict";

  function showKindFields(form) {
    var checked = form.querySelector('input[name="kind"]:checked');
    if (!checked) { return; }
    ["file", "link", "note"].forEach(function (kind) {
      var block = form.querySelector(".kind-" + kind);
      if (block) { block.hidden = checked.value !== kind; }
    });
  }

  function addTag(input, tag) {
    var parts = input.value.split(",").map(function (p) { return p.trim(); }).filter(Boolean);
    if (parts.map(function (p) { return p.toLowerCase(); }).indexOf(tag.toLowerCase()) === -1) {
      parts.push(tag);
      input.value = parts.join(", ");
    }
  }

  function uploadWithProgress(form, event) {
    var fileInput = form.querySelector('input[type="file"]');
    if (!window.FormData || !window.XMLHttpRequest || !fileInput || !fileInput.files.length) { return; }
    if (fileInput.closest("[hidden]")) { return; }
    event.preventDefault();
    var box = form.querySelector(".upload-progress");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".upload-progress-text");
    var button = form.querySelector('button[type="submit"]');
    box.hidden = false;
    button.disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var percent = Math.round(e.loaded / e.total * 100);
        bar.value = percent;
        text.textContent = percent + " %";
      }
    });
    request.upload.addEventListener("load", function () {
      text.textContent = "Fichier reçu, analyse du contenu…";
    });
    request.addEventListener("load", function () {
      // The answer is shown as it came: the form again with its messages and the typed values,
      // or the resource page the redirect led to. Loading that page a second time would lose
      // its one-time "Ressource ajoutée" message.
      document.open();
      document.write(request.responseText);
      document.close();
      if (request.responseURL && request.responseURL !== form.action) {
        window.history.replaceState(null, "", request.responseURL);
      }
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      box.hidden = true;
      form.submit();
    });
    request.send(new FormData(form));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.library-form").forEach(function (form) {
      if (form.querySelector('input[name="kind"]')) {
        showKindFields(form);
        form.addEventListener("change", function (e) {
          if (e.target.name === "kind") { showKindFields(form); }
        });
      }
      var tags = form.querySelector('input[name="tags"]');
      form.querySelectorAll(".tag-suggestions [data-tag]").forEach(function (chip) {
        chip.setAttribute("role", "button");
        chip.setAttribute("tabindex", "0");
        function pick() { addTag(tags, chip.getAttribute("data-tag")); tags.focus(); }
        chip.addEventListener("click", pick);
        chip.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); }
        });
      });
    });
    document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
      form.addEventListener("submit", function (e) { uploadWithProgress(form, e); });
    });
  });
})();
