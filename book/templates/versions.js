// Keep the reader's place when switching version: claim and chart anchors (#claim-<id>, #chart-<id>) are stable
// across releases, so the same fragment is added to a version link that leads to the same page. Without this
// script the links still lead to the same page, at its top.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("#sa-versions a[data-same-page='true']") : null;
  if (link && window.location.hash && link.getAttribute("href").indexOf("#") < 0) {
    link.setAttribute("href", link.getAttribute("href") + window.location.hash);
  }
});

// An earlier release's address of a claim now on another page (make site's list of moved claims) goes there at once.
(function () {
  var id = decodeURIComponent(window.location.hash.slice(1));
  var target = id && document.getElementById(id);
  var link = target && target.classList.contains("sa-moved-claim") ? target.querySelector("a") : null;
  if (link) { window.location.replace(link.getAttribute("href")); }
})();
