// The idle session's countdown in the header (KWCAG 2.2.1: time limits can be extended). The server renders the
// seconds left (data-session-seconds) and a plain POST form to extend them, which is all that works without
// JavaScript. Here: the clock counts down; two minutes before the end a warning (role="alertdialog") appears and
// takes the focus; its button extends the session with a fetch POST (CSRF token from the form) and gives the focus
// back. At zero the page goes to the login page, which brings the resident back here after logging in.
(() => {
  const timer = document.querySelector(".session-timer[data-session-seconds]");
  if (!timer) return;
  const clock = timer.querySelector(".session-timer__clock");
  const warning = document.getElementById("session-warning");
  const warningClock = warning ? warning.querySelector(".session-warning__clock") : null;
  const WARN_SECONDS = 120;
  let deadline = Date.now() + Number(timer.dataset.sessionSeconds) * 1000;
  let warned = false;
  let returnFocus = null;

  const format = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

  function show() {
    warned = true;
    if (!warning) return;
    returnFocus = document.activeElement;
    warning.hidden = false;
    warning.focus();
  }

  function hide() {
    warned = false;
    if (!warning || warning.hidden) return;
    warning.hidden = true;
    if (returnFocus && document.contains(returnFocus) && returnFocus !== document.body) returnFocus.focus();
  }

  function tick() {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    clock.textContent = format(left);
    if (warningClock) warningClock.textContent = format(left);
    if (left === 0) {
      window.clearInterval(interval);
      window.location.assign(timer.dataset.loginUrl);
    } else if (left <= WARN_SECONDS && !warned) {
      show();
    }
  }

  async function extend(event) {
    if (!window.fetch) return; // the form posts normally
    event.preventDefault();
    const form = event.currentTarget;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
        body: new FormData(form),
      });
      const json = response.ok && (response.headers.get("Content-Type") || "").includes("application/json");
      if (!json) {
        window.location.assign(timer.dataset.loginUrl); // the session had already ended
        return;
      }
      const data = await response.json();
      deadline = Date.now() + Number(data.seconds) * 1000;
      hide();
      tick();
    } catch {
      form.submit(); // no network answer: try the plain form
    }
  }

  for (const form of document.querySelectorAll(".session-timer__form, .session-warning__form")) {
    form.addEventListener("submit", extend);
  }
  if (warning) {
    warning.addEventListener("keydown", (event) => {
      if (event.key === "Escape") hide();
    });
  }
  const interval = window.setInterval(tick, 1000);
  tick();
})();
