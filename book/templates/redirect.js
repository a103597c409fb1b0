// An address of an earlier release that now lives elsewhere (releases/moved_pages.csv): go there at once, keeping
// the #claim-... or #chart-... the reader followed.
(function () {
  var target = document.currentScript && document.currentScript.getAttribute("data-target");
  if (target) { window.location.replace(target + window.location.hash); }
})();
