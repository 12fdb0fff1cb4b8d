// Variant tabs of the quote editor: one tab per variant fieldset, named after it; without
// JavaScript every variant simply shows one under the other.
(function () {
  function setup() {
    var variants = document.getElementById("variants");
    var bar = document.getElementById("variant-tabs");
    if (!variants || !bar) return;
    var active = 0;

    function fieldsets() { return Array.prototype.slice.call(variants.querySelectorAll("fieldset.variant")); }

    function show(index) {
      active = index;
      fieldsets().forEach(function (fieldset, i) { fieldset.hidden = i !== index; });
      Array.prototype.forEach.call(bar.children, function (tab, i) {
        tab.setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }

    function render() {
      bar.textContent = "";
      fieldsets().forEach(function (fieldset, i) {
        var name = fieldset.querySelector("legend input");
        var tab = document.createElement("button");
        tab.type = "button";
        tab.setAttribute("role", "tab");
        tab.textContent = (name && name.value) || String(i + 1);
        tab.addEventListener("click", function () { show(i); });
        bar.appendChild(tab);
      });
      bar.hidden = false;
      show(Math.min(active, fieldsets().length - 1));
    }

    variants.addEventListener("input", function (event) {
      if (event.target.matches("legend input")) render();
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === variants) { active = fieldsets().length - 1; render(); }
    });
    render();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
