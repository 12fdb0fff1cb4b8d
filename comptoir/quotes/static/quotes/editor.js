// The quote editor.
// Variant tabs: one tab per variant fieldset, named after it; without JavaScript every variant simply
// shows one under the other.
// Lines: the description searches the catalogue and the lot as it is typed (htmx puts the results,
// quotes/_product_results.html, under it); a result picked with the mouse, or with ↓ ↑ and Entrée, fills
// the line: its text, the product's code or the unit, the price, the cost (a unit's only for whoever
// may see it: the server fills it otherwise), the tax class, and a quantity of 1 when there was none;
// then the totals follow. Without JavaScript the line shows its « Produit (code ou nom) » field, which the
// server reads by code or by name.
(function () {
  function setupTabs() {
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

  function setupLines() {
    var form = document.getElementById("quote-form");
    var variants = document.getElementById("variants");
    if (!form || !variants) return;
    form.classList.add("js-lines");

    function lineOf(element) { return element.closest("tr.quote-line"); }
    function part(line, name) { return line.querySelector("." + name); }
    function options(line) { return Array.prototype.slice.call(part(line, "line-results").querySelectorAll(".sellable")); }
    function current(line) { return options(line).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; }); }

    function close(line) {
      part(line, "line-results").textContent = "";
      part(line, "line-description").setAttribute("aria-expanded", "false");
      part(line, "line-description").removeAttribute("aria-activedescendant");
    }

    function highlight(line, index) {
      var all = options(line);
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        if (i === index) {
          option.id = option.id || (part(line, "line-results").id + "-" + i);
          part(line, "line-description").setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
    }

    function link(line, code) {
      var chip = part(line, "line-link");
      part(chip, "line-link-code").textContent = code;
      chip.hidden = !code;
    }

    function totals(line) {
      // The live totals listen for typing (editor.html's hx-trigger): tell them the figures changed.
      part(line, "line-price").dispatchEvent(new Event("input", { bubbles: true }));
    }

    function pick(line, option) {
      var data = option.dataset;
      var description = part(line, "line-description");
      if (window.htmx) window.htmx.trigger(description, "htmx:abort");
      description.value = data.label;
      description.title = data.label;
      part(line, "line-product").value = data.kind === "product" ? data.code : "";
      part(line, "line-unit").value = data.kind === "unit" ? data.id : "";
      var quantity = part(line, "line-quantity");
      if (!quantity.value.trim()) quantity.value = "1";
      part(line, "line-price").value = data.price;
      var cost = part(line, "line-cost");
      cost.value = data.cost;
      cost.placeholder = data.costHidden ? form.dataset.unitCost : "";
      var tax = part(line, "line-tax");
      tax.value = data.tax;
      if (tax.value !== data.tax) tax.value = "";
      link(line, data.kind === "unit" ? form.dataset.unitWord : data.code);
      close(line);
      totals(line);
      quantity.focus();
      quantity.select();
    }

    variants.addEventListener("keydown", function (event) {
      if (!event.target.matches(".line-description")) return;
      var line = lineOf(event.target);
      var all = options(line);
      if (!all.length) return;
      var index = current(line);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(line, (index + step + all.length) % all.length);
      } else if (event.key === "Enter") {
        event.preventDefault();  // picks rather than saving the quote half typed
        pick(line, all[Math.max(index, 0)]);
      } else if (event.key === "Escape") {
        close(line);
      }
    });

    // mousedown, not click: the description keeps its focus until the result is taken.
    variants.addEventListener("mousedown", function (event) {
      var option = event.target.closest(".sellable");
      if (!option) return;
      event.preventDefault();
      pick(lineOf(option), option);
    });
    // The keyboard's Entrée or Espace on a focused result (a screen reader's way).
    variants.addEventListener("click", function (event) {
      var option = event.target.closest(".sellable");
      if (option && event.detail === 0) pick(lineOf(option), option);
      var unlink = event.target.closest(".line-unlink");
      if (!unlink) return;
      var line = lineOf(unlink);
      part(line, "line-product").value = "";
      part(line, "line-unit").value = "";
      part(line, "line-cost").placeholder = "";
      link(line, "");
      part(line, "line-description").focus();
      totals(line);
    });

    variants.addEventListener("focusout", function (event) {
      if (!event.target.matches(".line-description")) return;
      var line = lineOf(event.target);
      setTimeout(function () { if (!line.contains(document.activeElement)) close(line); }, 150);
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      var box = event.detail.target;
      if (!box.classList || !box.classList.contains("line-results")) return;
      var line = lineOf(box);
      var description = part(line, "line-description");
      if (document.activeElement !== description || !options(line).length) { close(line); return; }
      description.setAttribute("aria-expanded", "true");
    });
  }

  function setup() { setupTabs(); setupLines(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
