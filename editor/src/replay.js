// The replay player of a dossier (`/ho-so/<code>/phat-lai`): its audit events, one frame each,
// played on the diagram of the procedure version it ran on.
//
//   <div class="replay" id="replay" data-frames-url="/ho-so/CODE/phat-lai.json">
//     <div class="diagram" data-bpmn-url="/ho-so/CODE/so-do.bpmn"></div>
//     <div class="replay-controls"> buttons [data-action=first|previous|play|next|last],
//       input.replay-slider, .replay-position </div>
//     <aside class="replay-panel"> .replay-at, .replay-who, .replay-what, .replay-status,
//       .replay-appointment, table.replay-steps, ul.replay-pauses, ul.replay-forms </aside>
//   </div>
//   <ol class="replay-events"><li data-index="0"><button>…</button></li>…</ol>
//   <script type="application/json" id="replay-texts">{"labels": {...}, "play": …}</script>
//
// The diagram is drawn by the viewer (viewer.js); each frame moves the markers `done` and
// `current` (and `replay-event` on the step the event concerns) with canvas.addMarker /
// removeMarker. Keys: ←/→ previous/next, Home/End first/last, space play/pause. The root
// gets `data-state` ("loading", "ready", "error") and `data-frame` (the frame's index) and
// `data-seq` (its event's number), for the page and for tests.
import { render } from './viewer.js';

/** Markers a frame sets, each from a list of diagram ids of the frame. */
const MARKERS = {
  done: (frame) => frame.done,
  current: (frame) => frame.current,
  'replay-event': (frame) => (frame.bpmn_id ? [frame.bpmn_id] : [])
};

/** Milliseconds between frames while playing. */
const STEP_MS = 1200;

function readTexts() {
  const script = document.getElementById('replay-texts');
  return script ? JSON.parse(script.textContent) : { labels: {} };
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));
}

/** Resolves to the bpmn-js viewer of `diagram` once it is drawn (null when it failed). */
function viewerOf(diagram) {
  return new Promise((resolve) => {
    diagram.addEventListener('diagram:ready', (event) => resolve(event.detail), { once: true });
    diagram.addEventListener('diagram:error', () => resolve(null), { once: true });
    render(diagram); // nothing when the viewer's own start is drawing it already
  });
}

export class Player {
  constructor(root, frames, texts, viewer) {
    this.root = root;
    this.frames = frames;
    this.texts = texts;
    this.labels = texts.labels || {};
    this.viewer = viewer;
    this.index = -1;
    this.timer = null;
    this.marked = {};
    this.slider = root.querySelector('.replay-slider');
    this.playButton = root.querySelector('[data-action=play]');
    this.events = Array.from(document.querySelectorAll('.replay-events li[data-index]'));
  }

  label(key) {
    return (key && this.labels[key]) || key || '';
  }

  /** Show frame `index` (clamped to the frames). */
  show(index) {
    if (!this.frames.length) {
      return;
    }
    const next = Math.max(0, Math.min(this.frames.length - 1, index));
    this.index = next;
    const frame = this.frames[next];
    this.mark(frame);
    this.panel(frame);
    this.controls();
    this.root.dataset.frame = String(next);
    this.root.dataset.seq = String(frame.seq);
    this.root.dispatchEvent(new CustomEvent('replay:frame', { detail: frame, bubbles: true }));
  }

  first() { this.show(0); }
  last() { this.show(this.frames.length - 1); }
  previous() { this.show(this.index - 1); }
  next() { this.show(this.index + 1); }

  get playing() {
    return this.timer !== null;
  }

  play() {
    if (this.playing) {
      return;
    }
    if (this.index >= this.frames.length - 1) {
      this.show(0);
    }
    this.timer = setInterval(() => {
      if (this.index >= this.frames.length - 1) {
        this.pause();
      } else {
        this.next();
      }
    }, STEP_MS);
    this.controls();
  }

  pause() {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.controls();
  }

  toggle() {
    if (this.playing) {
      this.pause();
    } else {
      this.play();
    }
  }

  mark(frame) {
    if (!this.viewer) {
      return;
    }
    const canvas = this.viewer.get('canvas');
    const registry = this.viewer.get('elementRegistry');
    for (const [marker, idsOf] of Object.entries(MARKERS)) {
      const wanted = new Set(idsOf(frame).filter((id) => registry.get(id)));
      const had = this.marked[marker] || new Set();
      for (const id of had) {
        if (!wanted.has(id)) {
          canvas.removeMarker(id, marker);
        }
      }
      for (const id of wanted) {
        if (!had.has(id)) {
          canvas.addMarker(id, marker);
        }
      }
      this.marked[marker] = wanted;
    }
  }

  panel(frame) {
    const root = this.root;
    const put = (selector, text) => {
      root.querySelector(selector).textContent = text || '—';
    };
    put('.replay-at', frame.at_text);
    put('.replay-who', frame.actor);
    put('.replay-what', [this.label(frame.kind), frame.step].filter(Boolean).join(' · '));
    put('.replay-status', this.label(frame.status));
    put('.replay-appointment', frame.appointment);

    const rows = frame.steps.map((step) => {
      const row = element('tr');
      row.dataset.bpmnId = step.bpmn_id;
      row.dataset.state = step.state;
      row.append(element('td', step.number || ''), element('td', step.name));
      const state = element('td', this.label(step.state));
      if (step.outcome) {
        state.append(' ', element('span', this.label(step.outcome), `sla outcome-${step.outcome}`));
      }
      row.append(state);
      const over = step.allotted_seconds !== null && step.used_seconds > step.allotted_seconds;
      row.append(element('td', `${step.used} / ${step.allotment || '—'}`, over ? 'over' : ''));
      return row;
    });
    root.querySelector('.replay-steps tbody').replaceChildren(...rows);

    const pauses = frame.pauses.map((pause) => element('li', [
      this.label(pause.reason), pause.started_at, pause.requested_by, pause.note
    ].filter(Boolean).join(' · ')));
    root.querySelector('.replay-pauses').replaceChildren(
      ...(pauses.length ? pauses : [element('li', this.texts.none, 'muted')]));

    const forms = frame.forms.map((form) => {
      const item = element('li');
      const link = element('a', `${form.number}: ${form.title}${form.no ? ` (${form.no})` : ''}`);
      link.href = form.url;
      link.dataset.kind = form.kind;
      item.append(link);
      return item;
    });
    root.querySelector('.replay-forms').replaceChildren(
      ...(forms.length ? forms : [element('li', this.texts.none, 'muted')]));
  }

  controls() {
    const atFirst = this.index <= 0;
    const atLast = this.index >= this.frames.length - 1;
    for (const [action, disabled] of [['first', atFirst], ['previous', atFirst],
                                      ['next', atLast], ['last', atLast]]) {
      this.root.querySelector(`[data-action=${action}]`).disabled = disabled;
    }
    this.playButton.disabled = this.frames.length < 2;
    this.playButton.textContent = this.playing ? this.texts.pause : this.texts.play;
    this.playButton.setAttribute('aria-pressed', String(this.playing));
    this.slider.disabled = this.frames.length < 2;
    this.slider.max = String(Math.max(0, this.frames.length - 1));
    this.slider.value = String(this.index);
    const position = this.root.querySelector('.replay-position');
    position.textContent = format(this.texts.position || '%(n)s / %(total)s',
                                  { n: this.index + 1, total: this.frames.length });
    for (const item of this.events) {
      const here = Number(item.dataset.index) === this.index;
      item.classList.toggle('current', here);
      if (here) {
        item.setAttribute('aria-current', 'step');
        keepInView(item);
      } else {
        item.removeAttribute('aria-current');
      }
    }
  }

  /** Wire the buttons, the slider, the event list and the keyboard. */
  bind() {
    for (const button of this.root.querySelectorAll('[data-action]')) {
      button.addEventListener('click', () => {
        const action = button.dataset.action;
        if (action === 'play') {
          this.toggle();
        } else {
          this.pause();
          this[action]();
        }
      });
    }
    this.slider.addEventListener('input', () => {
      const chosen = Number(this.slider.value);
      this.pause();
      this.show(chosen);
    });
    for (const item of this.events) {
      const button = item.querySelector('button');
      button.disabled = false;
      button.addEventListener('click', () => {
        this.pause();
        this.show(Number(item.dataset.index));
      });
    }
    document.addEventListener('keydown', (event) => this.key(event));
  }

  key(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) {
      return;
    }
    const target = event.target;
    const onSlider = target === this.slider;
    if (!onSlider && target instanceof HTMLElement
        && (target.isContentEditable || target.closest('input, textarea, select'))) {
      return;
    }
    const moves = { ArrowLeft: 'previous', ArrowRight: 'next', Home: 'first', End: 'last' };
    if (event.key in moves) {
      if (onSlider) {
        return; // the slider moves itself and says so with an input event
      }
      event.preventDefault();
      this.pause();
      this[moves[event.key]]();
    } else if (event.key === ' ' || event.key === 'Spacebar') {
      if (target instanceof HTMLElement && target.closest('button, a')) {
        return; // a focused button or link acts on its own
      }
      event.preventDefault();
      this.toggle();
    }
  }
}

/** Scroll the event list (not the page) so that `item` shows; the list is positioned, so
 *  an item's offsetTop is measured from the list's top. */
function keepInView(item) {
  const box = item.parentElement;
  if (!box || box.scrollHeight <= box.clientHeight) {
    return;
  }
  const top = item.offsetTop;
  if (top < box.scrollTop) {
    box.scrollTop = top;
  } else if (top + item.offsetHeight > box.scrollTop + box.clientHeight) {
    box.scrollTop = top + item.offsetHeight - box.clientHeight;
  }
}

async function loadFrames(url) {
  const response = await fetch(url, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' }
  });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  return (await response.json()).frames;
}

const players = new WeakMap();

/** The player of a `.replay` element (once started). */
export function playerOf(root) {
  return players.get(root) || null;
}

/** Start the player of `root`: load the frames and the diagram, show the first frame. */
export async function start(root) {
  if (root.dataset.state) {
    return playerOf(root);
  }
  root.dataset.state = 'loading';
  const texts = readTexts();
  const message = root.querySelector('.replay-message');
  const diagram = root.querySelector('.diagram');
  let frames;
  let viewer;
  try {
    [frames, viewer] = await Promise.all([loadFrames(root.dataset.framesUrl),
                                          diagram ? viewerOf(diagram) : null]);
  } catch (error) {
    root.dataset.state = 'error';
    if (message) {
      message.textContent = `${texts.failed} (${error.message})`;
      message.setAttribute('role', 'alert');
    }
    return null;
  }
  const player = new Player(root, frames, texts, viewer);
  players.set(root, player);
  player.bind();
  if (message) {
    message.hidden = true;
  }
  player.show(0);
  root.dataset.state = 'ready';
  return player;
}

function startAll() {
  return Promise.all(Array.from(document.querySelectorAll('.replay[data-frames-url]'), start));
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => startAll());
} else {
  startAll();
}
