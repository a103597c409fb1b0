// Search, filters and sorting for the claims register, and a "copy citation" button on every claim, chart and council
// figure.
// Progressive: the page is complete without this script (the full table, the cite lines); it only adds tools.
// A file of the site's own, so the pages' Content-Security-Policy (scripts from 'self' only) allows it.
(function () {
  "use strict";

  function meta(name) {
    var el = document.querySelector('meta[name="sentaway:' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  function canonical() {
    var link = document.querySelector('link[rel="canonical"]');
    return link ? link.href : meta("canonical");
  }

  function fold(text) {
    // Curly quotes, apostrophes and dashes as typed on a keyboard; spaces collapsed; case ignored.
    return (text || "").replace(/[\u2018\u2019\u201b\u2032]/g, "'").replace(/[\u201c\u201d\u2033]/g, '"')
      .replace(/[\u2013\u2014]/g, "-").replace(/\s+/g, " ").trim().toLowerCase();
  }

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text) { el.textContent = text; }
    return el;
  }

  // --- copy citation -----------------------------------------------------------------------------
  // A citation names what was said, the conclusion and the official figure with its release (written into the page
  // at build time: data-cite-*), then who wrote and publishes the book, its version and the absolute address to
  // cite (the page's sentaway:* meta tags, from CITATION.cff, _config.yml and the releases; a development build
  // says it is one and gives the last release's address).

  function address(anchor) {
    var base = meta("address") || canonical().split("#")[0];
    var development = meta("development");
    if (anchor && development && anchor.indexOf("claim-") === 0) {
      // A development build cites the last release: a claim that release does not hold is cited at its page.
      var claims = (meta("release-claims") || "").split(" ");
      if (claims.indexOf(anchor.slice("claim-".length)) < 0) { return base; }
    }
    // A development build of a page the last release does not have cites that release's home page: an anchor of this
    // page means nothing there.
    var page = (meta("canonical") || canonical()).split("#")[0].split("/").pop();
    if (anchor && development && base.split("/").pop() !== page) { return base; }
    return base + (anchor ? "#" + anchor : "");
  }

  function citation(parts, anchor) {
    var development = meta("development");
    var edition = "Sent Away, version " + meta("version") + " (built " + meta("built") + ")";
    if (development) {
      edition += ", a development version, not a release: the address is that of release " + development;
    }
    return parts.filter(Boolean).join(" ") + " " + meta("authors") + ". " + edition + ". Published by " +
      meta("publisher") + ". " + address(anchor) + " (accessed " + today() + ").";
  }

  function claimCitation(element) {
    return citation([element.getAttribute("data-cite-claim"), element.getAttribute("data-cite-conclusion"),
                     element.getAttribute("data-cite-official")], "claim-" + element.getAttribute("data-claim"));
  }

  function copy(text, status) {
    function done() { status.textContent = "Copied: " + text; }
    function fallback() {
      var area = element("textarea", { "aria-hidden": "true", readonly: "" });
      area.value = text;
      area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); } catch (e) { /* the text is shown below the button anyway */ }
      document.body.removeChild(area);
      done();
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function copyButton(label, makeText) {
    var wrap = element("span", { "class": "sa-copy" });
    var button = element("button", { type: "button", "class": "sa-copy-button" }, label);
    var status = element("span", { "class": "sa-copy-status", role: "status", "aria-live": "polite" });
    button.addEventListener("click", function () {
      var text = makeText();
      button.setAttribute("data-citation", text);
      copy(text, status);
    });
    wrap.appendChild(button);
    wrap.appendChild(status);
    return wrap;
  }

  function addClaimButtons(table) {
    table.querySelectorAll("tbody tr[data-claim]").forEach(function (row) {
      var cell = row.querySelector(".sa-col-evidence") || row.lastElementChild;
      cell.appendChild(copyButton("Copy citation", function () { return claimCitation(row); }));
    });
  }

  function addEvidenceButtons() {
    // Each claim's evidence: the citation shown whole where the build wrote a shorter one, and a button to copy it.
    document.querySelectorAll("section.sa-claim[data-cite-claim]").forEach(function (section) {
      var line = section.querySelector(".sa-cite");
      var text = line && line.querySelector(".sa-cite-text");
      if (!line) { return; }
      if (text) { text.textContent = claimCitation(section); }
      line.appendChild(copyButton("Copy citation", function () { return claimCitation(section); }));
    });
  }

  function addFigureButtons() {
    // Each figure of a council page (a table row, a finding): its words, release and council written at build time
    // (data-cite-figure), and a button to copy them with the book's citation and the figure's address.
    document.querySelectorAll("[data-cite-figure]").forEach(function (figure) {
      var cell = figure.tagName === "TR" ? figure.lastElementChild : figure;
      cell.appendChild(copyButton("Copy citation", function () {
        return citation([figure.getAttribute("data-cite-figure")], figure.getAttribute("data-cite-anchor"));
      }));
    });
  }

  function addChartButtons() {
    document.querySelectorAll("figure.sa-chart").forEach(function (figure) {
      var line = figure.querySelector(".sa-cite") || figure.querySelector("figcaption");
      line.appendChild(copyButton("Copy citation", function () {
        var title = figure.getAttribute("data-title") || figure.getAttribute("aria-label") || figure.id;
        return citation(["Chart: \u201c" + title + "\u201d."], figure.id);
      }));
    });
  }

  // --- search, filters, sort -----------------------------------------------------------------------

  var FILTERS = [["verdict", "Verdict"], ["speaker", "Speaker"], ["outlet", "Outlet"], ["topic", "Topic"]];

  function tools(table, index) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
    var box = element("div", { "class": "sa-register-tools", role: "search" });
    var id = "sa-register-" + index;
    var search = element("input", { type: "search", id: id + "-q", "class": "sa-search",
                                     placeholder: "words from a quote, a name, a figure" });
    var searchField = element("span", { "class": "sa-field sa-field-search" });
    searchField.appendChild(element("label", { "for": id + "-q" }, "Search the register"));
    searchField.appendChild(search);
    box.appendChild(searchField);
    var selects = {};
    FILTERS.forEach(function (pair) {
      var values = [];
      rows.forEach(function (row) {
        var value = row.getAttribute("data-" + pair[0]);
        if (value && values.indexOf(value) < 0) { values.push(value); }
      });
      var select = element("select", { id: id + "-" + pair[0], "data-filter": pair[0] });
      select.appendChild(element("option", { value: "" }, "All"));
      values.sort().forEach(function (value) { select.appendChild(element("option", { value: value }, value)); });
      var label = element("label", { "for": select.id }, pair[1]);
      var field = element("span", { "class": "sa-field" });
      field.appendChild(label);
      field.appendChild(select);
      box.appendChild(field);
      selects[pair[0]] = select;
    });
    var sort = element("select", { id: id + "-sort" });
    [["order", "As in the texts"], ["date", "Date said (newest first)"], ["speaker", "Speaker"],
     ["rank", "Verdict"]].forEach(function (pair) {
      sort.appendChild(element("option", { value: pair[0] }, pair[1]));
    });
    var sortField = element("span", { "class": "sa-field" });
    sortField.appendChild(element("label", { "for": sort.id }, "Sort by"));
    sortField.appendChild(sort);
    box.appendChild(sortField);
    var count = element("p", { "class": "sa-count", role: "status", "aria-live": "polite" });
    box.appendChild(count);
    table.parentNode.insertBefore(box, table);

    function apply() {
      var words = fold(search.value).split(" ").filter(Boolean);
      var phrase = fold(search.value).replace(/^"|"$/g, "");
      var shown = 0;
      rows.forEach(function (row) {
        var text = fold(row.textContent + " " + row.getAttribute("data-quote"));
        var match = !words.length || text.indexOf(phrase) >= 0 || words.every(function (w) { return text.indexOf(w.replace(/"/g, "")) >= 0; });
        Object.keys(selects).forEach(function (key) {
          var wanted = selects[key].value;
          if (wanted && row.getAttribute("data-" + key) !== wanted) { match = false; }
        });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = shown + " of " + rows.length + " claims shown";
    }

    function order() {
      var key = sort.value;
      var sorted = rows.slice().sort(function (a, b) {
        if (key === "order" || key === "rank") {
          var attr = key === "rank" ? "data-rank" : "data-order";
          return (Number(a.getAttribute(attr)) - Number(b.getAttribute(attr))) ||
                 (Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order")));
        }
        var x = a.getAttribute("data-" + key) || "", y = b.getAttribute("data-" + key) || "";
        return key === "date" ? y.localeCompare(x) : x.localeCompare(y);
      });
      sorted.forEach(function (row) { table.tBodies[0].appendChild(row); });
    }

    search.addEventListener("input", apply);
    Object.keys(selects).forEach(function (key) { selects[key].addEventListener("change", apply); });
    sort.addEventListener("change", order);
    apply();
  }

  function start() {
    document.querySelectorAll("table[data-sa-register]").forEach(function (table, index) {
      if (table.tBodies.length) { tools(table, index); }
      addClaimButtons(table);
    });
    addEvidenceButtons();
    addChartButtons();
    addFigureButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
