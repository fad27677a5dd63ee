(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-figures");
  var every = Number(body.getAttribute("data-poll-seconds")) * 1000;
  var status = document.getElementById("status");
  var gauge = document.getElementById("thermometer");
  var shownAt = null;
  function clock(at) { return at.toLocaleTimeString("en-GB"); }
  function show(figures) {
    var fields = document.querySelectorAll("[data-field]");
    for (var i = 0; i < fields.length; i++) {
      var text = figures.text[fields[i].getAttribute("data-field")];
      if (typeof text !== "string" || fields[i].textContent === text) continue;
      fields[i].textContent = text;
      if (fields[i].classList.contains("number")) {
        fields[i].classList.remove("bump");
        void fields[i].offsetWidth;
        fields[i].classList.add("bump");
      }
    }
    gauge.max = Math.max(figures.match.cap_pence, 1);
    gauge.value = figures.match.used_pence;
    gauge.classList.toggle("hidden", !figures.text.thermometer);
    document.title = figures.text.headline;
    body.setAttribute("data-donors", String(figures.new_monthly_donors));
  }
  function tick() {
    fetch(url, { cache: "no-cache", credentials: "omit" })
      .then(function (answer) {
        if (!answer.ok) throw new Error("HTTP " + answer.status);
        return answer.json();
      })
      .then(function (figures) {
        show(figures);
        shownAt = new Date();
        body.classList.remove("stale");
        status.textContent = "Updated " + clock(shownAt);
      })
      .catch(function () {
        body.classList.add("stale");
        status.textContent = "Connection lost: showing the figures from " +
          (shownAt ? clock(shownAt) : "when the page opened") + ", trying again";
      })
      .then(function () { setTimeout(tick, every); });
  }
  if (navigator.wakeLock) navigator.wakeLock.request("screen").catch(function () {});
  shownAt = new Date();
  tick();
})();
