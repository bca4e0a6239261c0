/* Follows an upload job: polls its status URL and updates the page; reloads once the job has
   finished so the page shows the result (link to the schedule, or the located error). */
(function () {
  "use strict";

  var job = document.getElementById("job");
  if (!job) {
    return;
  }
  var url = job.dataset.statusUrl;
  var delay = (parseFloat(job.dataset.pollSeconds) || 2) * 1000;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-progress-text");
  var phase = document.getElementById("job-phase");
  var state = document.getElementById("job-state");

  function show(status) {
    bar.value = status.progress;
    bar.textContent = percent.textContent = Math.round(status.progress * 100) + " %";
    phase.textContent = status.phase || "waiting for a worker";
    state.textContent = status.state.charAt(0).toUpperCase() + status.state.slice(1);
    state.className = "pill pill-state-" + status.state;
    job.dataset.state = status.state;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        window.setTimeout(poll, delay * 3);
      });
  }

  window.setTimeout(poll, delay);
})();
