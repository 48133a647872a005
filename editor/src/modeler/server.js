// The modeler's calls to the server: the diagram, the roles, save and validate. JSON posts
// carry the page's CSRF token (<meta name="csrf-token">) in X-CSRFToken. Answers are turned
// into plain results or a ServerError whose message can be shown as it is.

/** An answer the modeler cannot use; `message` is meant for the user. */
export class ServerError extends Error {
  constructor(message, { status = 0, code = '' } = {}) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute('content') : '';
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** The message of an error answer `{"error": {"code", "message"}}`, if it has one. */
function errorOf(data) {
  const error = data && data.error;
  if (error && typeof error === 'object') {
    return { code: error.code || '', message: error.message || '' };
  }
  return { code: '', message: typeof error === 'string' ? error : '' };
}

export class Server {
  /** `urls`: { xml, save, validate, roles }; `ui`: the toolbar's messages. */
  constructor(urls, ui) {
    this.urls = urls;
    this.ui = ui;
  }

  async _fetch(url, options = {}) {
    try {
      return await fetch(url, { credentials: 'same-origin', ...options });
    } catch (cause) {
      if (cause && cause.name === 'AbortError') {
        throw cause;
      }
      throw new ServerError(this.ui.network);
    }
  }

  _post(url, body, signal) {
    return this._fetch(url, {
      method: 'POST',
      signal,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRFToken': csrfToken()
      },
      body: JSON.stringify(body)
    });
  }

  /** The diagram's BPMN XML. */
  async diagram() {
    if (!this.urls.xml) {
      throw new ServerError(this.ui.missing);
    }
    const response = await this._fetch(this.urls.xml, {
      headers: { Accept: 'application/xml, text/xml' }
    });
    if (!response.ok) {
      throw new ServerError(this.ui.fetch(response.status), { status: response.status });
    }
    return response.text();
  }

  /** The role codes offered for lanes; [] when there is no roles URL. */
  async roles() {
    if (!this.urls.roles) {
      return [];
    }
    const response = await this._fetch(this.urls.roles, {
      headers: { Accept: 'application/json' }
    });
    const data = response.ok ? await readJson(response) : null;
    if (!data || !Array.isArray(data.roles)) {
      throw new ServerError(this.ui.rolesFailed, { status: response.status });
    }
    return data.roles.filter((role) => typeof role === 'string');
  }

  /** Save `xml` over version `lock`: { lock, savedAt } or a ServerError (code "Conflict" for
   * a stale lock). */
  async save(xml, lock) {
    const response = await this._post(this.urls.save, { xml, lock });
    const data = await readJson(response);
    if (response.ok && data && Number.isInteger(data.lock)) {
      return { lock: data.lock, savedAt: data.saved_at || null };
    }
    const { code, message } = errorOf(data);
    if (response.status === 409) {
      throw new ServerError(message || this.ui.conflict, { status: 409, code: code || 'Conflict' });
    }
    if (response.status === 422 || response.status === 400) {
      throw new ServerError(message || this.ui.rejected, { status: response.status, code });
    }
    throw new ServerError(message || this.ui.saveFailed(response.status),
      { status: response.status, code });
  }

  /** The validator's findings for `xml`. */
  async validate(xml, signal) {
    const response = await this._post(this.urls.validate, { xml }, signal);
    const data = await readJson(response);
    if (!response.ok || !data || !Array.isArray(data.findings)) {
      const { message } = errorOf(data);
      throw new ServerError(message || `HTTP ${response.status}`, { status: response.status });
    }
    return data.findings;
  }
}
