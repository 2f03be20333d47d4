// Backroom's few behaviours that need the browser: toasts, type-ahead picks, copying a secret
// key, and showing or hiding a field that depends on another. Everything else is htmx and
// server-rendered HTML; every page also works (more plainly) without this file.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function toast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box || !text) return;
    var item = document.createElement("div");
    item.className = "toast" + (kind ? " " + kind : "");
    item.setAttribute("role", "status");
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 4000);
  }
  window.backroomToast = toast;

  // Server messages rendered into the page fade out after a while.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (item) {
      setTimeout(function () { item.remove(); }, 6000);
    });
    document.querySelectorAll("[data-count-of]").forEach(updateCount);
  });

  // htmx responses ask for a toast with the HX-Trigger header: {"toast": "text"}.
  document.addEventListener("toast", function (event) {
    toast(event.detail && event.detail.value);
  });

  function fire(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Type-ahead: a result button names the hidden input it fills and the text to show.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick]");
    if (!pick) return;
    event.preventDefault();
    var box = document.getElementById(pick.dataset.pick);
    var hidden = box.querySelector("input[type=hidden]");
    var text = box.querySelector("input[type=search]");
    hidden.value = pick.dataset.id;
    text.value = pick.dataset.label;
    box.querySelector(".picks").innerHTML = "";
    fire(hidden);
  });

  // Emptying a type-ahead's text clears its choice.
  document.addEventListener("input", function (event) {
    var text = event.target;
    if (!text.matches(".typeahead input[type=search]") || text.value !== "") return;
    var hidden = text.closest(".typeahead").querySelector("input[type=hidden]");
    if (hidden.value !== "") {
      hidden.value = "";
      fire(hidden);
    }
  });

  // A field shown only for one value of a select ([data-show-when="name=value"]); hiding it
  // clears it, so a stale choice is never saved.
  function applyShowWhen(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var parts = block.dataset.showWhen.split("=");
      var select = form.querySelector('[name="' + parts[0] + '"]');
      if (!select) return;
      var show = select.value === parts[1];
      if (block.hidden === !show) return;
      block.hidden = !show;
      if (!show) {
        block.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        block.querySelectorAll(".picks").forEach(function (list) { list.innerHTML = ""; });
      }
    });
  }
  document.addEventListener("change", function (event) {
    var form = event.target.form || event.target.closest("form");
    if (form) applyShowWhen(form);
    if (event.target.matches("[data-counted]")) {
      document.querySelectorAll('[data-count-of="' + event.target.name + '"]').forEach(updateCount);
    }
  }, true);

  // "n selected" beside a group of checkboxes.
  function updateCount(label) {
    var name = label.dataset.countOf;
    var n = document.querySelectorAll('input[name="' + name + '"]:checked').length;
    label.textContent = n + " selected";
  }
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-count-of]").forEach(updateCount);
  });

  // Copy the secret key: asked from the server at the moment of copying (it is not in the
  // page), then put on the clipboard, with a toast either way.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-url], [data-copy-text]");
    if (!button) return;
    event.preventDefault();
    var text = button.dataset.copyText;
    var got = text !== undefined
      ? Promise.resolve(text)
      : fetch(button.dataset.copyUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        }).then(function (response) {
          if (!response.ok) throw new Error(response.statusText);
          return response.text();
        });
    got
      .then(function (value) { return navigator.clipboard.writeText(value); })
      .then(function () { toast("Copied", "success"); })
      .catch(function () { toast("Could not copy to the clipboard", "error"); });
  });
})();
