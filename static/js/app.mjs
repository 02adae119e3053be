// mappa's only script. Everything works without it; it adds GOV.UK Frontend's behaviours and
// the idle-timeout warning. Loaded as a module so no inline script (beyond the nonce'd
// js-enabled line) is needed under our Content Security Policy.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// Idle timeout: the server signs the user out after `timeout` seconds without a request. Shortly
// before that, take them to the warning page, which offers to keep them signed in. The warning
// page itself does not count as activity, so visiting it does not extend the session.
const timer = document.getElementById("app-session-timeout");
if (timer && !document.body.dataset.sessionWarningPage) {
  const timeout = Number(timer.dataset.timeout);
  const warning = Number(timer.dataset.warning);
  const delay = Math.max(timeout - warning, 1) * 1000;
  window.setTimeout(() => {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`${timer.dataset.warningUrl}?next=${next}`);
  }, delay);
}

// On the warning page: count down, then show the signed-out page when the session has ended.
const countdown = document.getElementById("app-session-countdown");
if (countdown) {
  let remaining = Number(countdown.dataset.seconds);
  const signedOutUrl = countdown.dataset.signedOutUrl;
  const tick = () => {
    remaining -= 1;
    if (remaining <= 0) {
      window.location.assign(signedOutUrl);
      return;
    }
    const minutes = Math.floor(remaining / 60);
    const seconds = remaining % 60;
    countdown.textContent = minutes > 0 ? `${minutes} minute${minutes === 1 ? "" : "s"} ${seconds} second${seconds === 1 ? "" : "s"}` : `${seconds} second${seconds === 1 ? "" : "s"}`;
  };
  window.setInterval(tick, 1000);
}
