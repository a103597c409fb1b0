// The search page from disk: excerpts from text written at build time (no fetch, which browsers refuse for
// files), pages Sphinx's index misses, and the register's claims (sentaway/publish/search.py writes SA_SEARCH).
(function () {
  "use strict";
  if (!window.SA_SEARCH || typeof DOCUMENTATION_OPTIONS === "undefined") { return; }
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;  // Sphinx's own excerpts would fetch each page

  function fold(text) {
    return (text || "").replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').toLowerCase();
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var terms = fold(query).split(/\s+/).map(function (t) { return t.replace(/^["']|["']$/g, ""); }).filter(Boolean);
  if (!terms.length) { return; }
  var root = document.documentElement.dataset.content_root || "";

  function excerpt(text) {
    var low = fold(text), at = -1;
    terms.some(function (t) { at = low.indexOf(t); return at >= 0; });
    if (at < 0) { return null; }
    var start = Math.max(0, at - 110), end = Math.min(text.length, at + 170);
    var p = document.createElement("p");
    p.className = "context sa-excerpt";
    p.textContent = (start > 0 ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
    return p;
  }

  var pages = {};
  SA_SEARCH.pages.forEach(function (page) { pages[page.doc] = page; });

  var base = new URL(".", window.location.href).href;
  function docOf(href) {
    var url = href.split("#")[0].split("?")[0];
    if (url.indexOf(base) === 0) { url = url.slice(base.length); }
    return url.replace(/\.html$/, "");
  }

  function decorate(item) {
    if (item.querySelector(".sa-excerpt")) { return; }
    var link = item.querySelector("a");
    if (!link) { return; }
    var page = pages[docOf(link.href)];
    var p = page && excerpt(page.text);
    if (p) { item.appendChild(p); }
  }

  function claimsFound(results) {
    var found = SA_SEARCH.claims.filter(function (c) {
      var text = fold([c.quote, c.speaker, c.outlet, c.verdict, c.topic, c.id].join(" "));
      return terms.every(function (t) { return text.indexOf(t) >= 0; });
    });
    if (!found.length) { return; }
    var box = document.createElement("section");
    box.className = "sa-claim-results";
    var h = document.createElement("h2");
    h.textContent = found.length + (found.length === 1 ? " claim" : " claims") + " in the register";
    box.appendChild(h);
    var list = document.createElement("ul");
    found.forEach(function (c) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + c.url;
      a.textContent = "\u201c" + c.quote + "\u201d";
      li.appendChild(a);
      li.appendChild(document.createTextNode(" \u2014 " + c.speaker + ", " + c.outlet + ", " + c.date + ". Verdict: " + c.verdict + "."));
      list.appendChild(li);
    });
    box.appendChild(list);
    results.parentNode.insertBefore(box, results);
  }

  function missingPages(results) {
    var list = results.querySelector("ul.search");
    if (!list) {
      list = document.createElement("ul");
      list.className = "search";
      results.appendChild(list);
    }
    var shown = {}, added = 0;
    list.querySelectorAll("li > a").forEach(function (a) { shown[docOf(a.href)] = true; });
    SA_SEARCH.pages.forEach(function (page) {
      var low = fold(page.text);
      if (shown[page.doc] || !terms.every(function (t) { return low.indexOf(t) >= 0; })) { return; }
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + page.doc + ".html";
      a.textContent = page.title;
      li.appendChild(a);
      li.appendChild(excerpt(page.text));
      list.appendChild(li);
      added += 1;
    });
    var summary = results.querySelector("p.search-summary");
    if (added && summary) {
      summary.textContent = "Search finished: " + list.children.length + " page(s) match, including tables and claims.";
    }
  }

  var done = false;
  function check(results) {
    results.querySelectorAll("ul.search > li").forEach(decorate);
    var summary = results.querySelector("p.search-summary");
    if (!done && summary && /finished|did not match/i.test(summary.textContent)) {
      done = true;
      missingPages(results);
      claimsFound(results);
    }
  }
  function watch() {
    var results = document.getElementById("search-results");
    if (!results) { return; }
    new MutationObserver(function () { check(results); })
      .observe(results, { childList: true, subtree: true, characterData: true });
    check(results);  // a search with no hits finishes before this script's turn
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", watch); } else { watch(); }
})();
