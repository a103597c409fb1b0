// Keep the reader's place when switching version: claim and chart anchors (#claim-<id>, #chart-<id>) are stable
// across releases, so the same fragment is added to a version link that leads to the same page. Without this
// script the links still lead to the same page, at its top.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("#sa-versions a[data-same-page='true']") : null;
  if (link && window.location.hash && link.getAttribute("href").indexOf("#") < 0) {
    link.setAttribute("href", link.getAttribute("href") + window.location.hash);
  }
});

