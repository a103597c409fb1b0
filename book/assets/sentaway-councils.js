// The council list (councils.html): a box that narrows the list to the councils whose name, code or region holds what
// is typed, and keeps it in the address (councils.html#find=stock), so a found list can be shared or bookmarked.
// Progressive: with scripts off the whole list, by region, is there. A file of the site's own, so the pages'
// Content-Security-Policy (scripts from 'self' only) allows it; it works from disk as from a server.
(function () {
  "use strict";

  var PREFIX = "#find=";

  function fold(text) {
    return (text || "").replace(/[\u2018\u2019]/g, "'").replace(/[\u2013\u2014]/g, "-").replace(/\s+/g, " ")
      .trim().toLowerCase();
  }

  function start() {
    var finder = document.querySelector("[data-sa-council-finder]");
    if (!finder) { return; }
    var items = Array.prototype.slice.call(finder.querySelectorAll("li[data-search]"));
    var regions = Array.prototype.slice.call(finder.querySelectorAll("section.sa-council-region"));
    // While a name is typed, the list's preamble (the regions' links) steps aside, so the councils found come first.
    var preamble = Array.prototype.slice.call(finder.querySelectorAll(".sa-council-preamble"));
    var box = document.createElement("div");
    box.className = "sa-council-search";
    box.setAttribute("role", "search");
    var label = document.createElement("label");
    label.setAttribute("for", "sa-council-find");
    label.textContent = "Find a council";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "sa-council-find";
    input.setAttribute("autocomplete", "off");
    input.placeholder = "part of its name or code, e.g. stock";
    var count = document.createElement("p");
    count.className = "sa-count";
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    finder.insertBefore(box, finder.firstChild);

    function apply(keep) {
      var words = fold(input.value).split(" ").filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = fold(item.getAttribute("data-search"));
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      regions.forEach(function (region) {
        region.hidden = !region.querySelector("li[data-search]:not([hidden])");
      });
      preamble.forEach(function (part) { part.hidden = words.length > 0; });
      count.textContent = words.length ? shown + " of " + items.length + " councils" : items.length + " councils";
      if (keep && window.history && history.replaceState) {
        var hash = words.length ? PREFIX + encodeURIComponent(input.value.trim()) : " ";
        history.replaceState(null, "", hash === " " ? location.pathname + location.search : hash);
      }
    }

    input.addEventListener("input", function () { apply(true); });
    input.addEventListener("keydown", function (event) {
      // Enter with one council left opens its page.
      if (event.key !== "Enter") { return; }
      var left = items.filter(function (item) { return !item.hidden; });
      if (left.length === 1) { window.location.href = left[0].querySelector("a").getAttribute("href"); }
    });
    if (location.hash.indexOf(PREFIX) === 0) {
      input.value = decodeURIComponent(location.hash.slice(PREFIX.length));
    }
    apply(false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
