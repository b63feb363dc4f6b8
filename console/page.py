"""The console's two pages: the PIN login and the board. Plain HTML, CSS and a
little JavaScript (no framework, nothing fetched from elsewhere), usable on a
360-px-wide phone. The board draws the kiosks from the server-sent events of
``/events``; "J'arrive" posts the acknowledgement with the page's CSRF token.
"""

from __future__ import annotations

from html import escape

_STYLE = """
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f6f6; color: #161616; font-size: 17px; }
header { background: #000091; color: #fff; padding: 12px 16px; display: flex; justify-content: space-between;
         align-items: center; gap: 8px; flex-wrap: wrap; }
header h1 { font-size: 19px; margin: 0; }
main { padding: 12px; max-width: 720px; margin: auto; }
.kiosk { background: #fff; border: 1px solid #ccc; border-left: 8px solid #ccc; border-radius: 6px; padding: 12px;
         margin-bottom: 10px; display: flex; flex-wrap: wrap; justify-content: space-between; gap: 8px; }
.kiosk h2 { font-size: 18px; margin: 0 0 4px; }
.kiosk p { margin: 0; }
.kiosk.call { border-left-color: #ce0500; background: #fff4f3; }
.kiosk.acked { border-left-color: #18753c; }
.kiosk.off { border-left-color: #666; color: #555; }
.kiosk.fault { border-left-color: #b34000; }
button { font-size: 17px; min-height: 48px; min-width: 48px; padding: 8px 16px; border-radius: 6px;
         border: 2px solid #000091; background: #000091; color: #fff; }
button.secondary { background: #fff; color: #000091; }
form.login { display: flex; flex-direction: column; gap: 12px; max-width: 320px; margin: 32px auto; }
input { font-size: 24px; padding: 8px; letter-spacing: 4px; }
.error { color: #ce0500; font-weight: bold; }
#status { font-size: 14px; }
"""

_SCRIPT = """
const csrf = document.querySelector('meta[name=csrf]').content;
const board = document.getElementById('board');
let heard = new Set();
function ago(since) {
  if (!since) return '';
  const s = Math.max(0, Math.round(Date.now() / 1000 - since));
  return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min';
}
function beep() {
  try {
    const ctx = new AudioContext(), o = ctx.createOscillator();
    o.connect(ctx.destination); o.frequency.value = 880; o.start(); o.stop(ctx.currentTime + 0.3);
  } catch (e) {}
}
function label(k) {
  if (k.state === 'hors ligne') return 'Hors ligne';
  if (k.state === 'hors service') return 'Hors service';
  if (k.state === 'en cours') {
    return 'En cours : ' + k.procedure + ', étape ' + k.step + '/' + k.steps + ' (depuis ' + ago(k.since) + ')';
  }
  return 'Libre';
}
function render(kiosks) {
  board.replaceChildren();
  for (const k of kiosks) {
    const div = document.createElement('div');
    const call = k.call, waiting = call && !call.acked;
    div.className = 'kiosk' + (waiting ? ' call' : call ? ' acked' : '') +
      (k.state === 'hors ligne' || k.state === 'hors service' ? ' off' : '') + (k.faults.length ? ' fault' : '');
    div.dataset.kiosk = k.id; div.dataset.state = k.state; div.dataset.step = k.step;
    div.dataset.call = waiting ? 'waiting' : call ? 'acked' : 'none';
    const text = document.createElement('div');
    const h = document.createElement('h2'); h.textContent = k.id + (k.training ? ' (formation)' : '');
    const p = document.createElement('p'); p.className = 'state'; p.textContent = label(k);
    text.append(h, p);
    if (waiting) {
      const c = document.createElement('p'); c.className = 'error';
      c.textContent = 'Aide demandée depuis ' + ago(call.since); text.append(c);
    } else if (call) {
      const c = document.createElement('p'); c.textContent = 'Un médiateur arrive'; text.append(c);
    }
    for (const f of k.faults) { const fp = document.createElement('p'); fp.textContent = f; text.append(fp); }
    if (k.assisted) { const a = document.createElement('p'); a.textContent = 'Médiateur présent'; text.append(a); }
    div.append(text);
    if (waiting) {
      const b = document.createElement('button'); b.textContent = "J'arrive"; b.className = 'ack';
      b.onclick = () => fetch('/ack/' + encodeURIComponent(k.id), {method: 'POST', headers: {'X-CSRF-Token': csrf}});
      div.append(b);
      if (!heard.has(call.since + k.id)) { heard.add(call.since + k.id); beep(); }
    }
    board.append(div);
  }
  window.renderedAt = Date.now();
}
const events = new EventSource('/events');
events.onmessage = (e) => { render(JSON.parse(e.data)); document.getElementById('status').textContent = 'en direct'; };
events.onerror = () => { document.getElementById('status').textContent = 'connexion perdue, nouvel essai…'; };
"""


def _page(title: str, body: str, csrf: str = "") -> str:
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta name='csrf' content='{escape(csrf)}'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def login_page(error: str = "") -> str:
    err = f"<p class='error' role='alert'>{escape(error)}</p>" if error else ""
    return _page(
        "Console des médiateurs",
        "<header><h1>Console des médiateurs</h1></header><main>"
        "<form class='login' method='post' action='/login'>"
        f"<label for='pin'>Votre code personnel</label>{err}"
        "<input id='pin' name='pin' type='password' inputmode='numeric' autocomplete='off' required>"
        "<button type='submit'>Se connecter</button></form></main>",
    )


def board_page(mediator: str, csrf: str) -> str:
    return _page(
        "Console des médiateurs",
        f"<header><h1>Bornes du site</h1><span>{escape(mediator)} · <span id='status'>connexion…</span></span>"
        "<form method='post' action='/logout'>"
        f"<input type='hidden' name='csrf' value='{escape(csrf)}'>"
        "<button class='secondary' type='submit'>Se déconnecter</button></form></header>"
        f"<main id='board' aria-live='polite'></main><script>{_SCRIPT}</script>",
        csrf,
    )
