"""gunicorn's configuration for the isobpmn web processes (docs/deploy.md).

    gunicorn --config /etc/isobpmn/gunicorn.conf.py isobpmn.web.wsgi:app

Install it as /etc/isobpmn/gunicorn.conf.py. The numbers that differ from one server to the
next come from the environment (the GUNICORN_* lines of isobpmn.env.example), so the same file
serves every host; the app's own settings are the ISOBPMN_* lines (docs/configuration.md).
"""

import multiprocessing
import os


def _number(name: str, default: int) -> int:
    """A whole number from the environment, or ``default`` when the variable is unset."""
    return int(os.environ.get(name) or default)


# --- where and how many ------------------------------------------------------------------------

# nginx reaches gunicorn on the loopback interface only; nothing else should.
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"

# N web processes. Each serves one request at a time (sync workers): nginx buffers slow clients,
# so a worker is never held by a slow upload or a slow phone. 2 × cores + 1 is the usual start;
# every process may hold a few PostgreSQL connections, count them against max_connections
# (docs/deploy.md, "Sizing").
workers = _number("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)

# Threads per process; above 1 gunicorn switches to its threaded worker (gthread). Keep 1 unless
# memory is short: the app is safe with threads, but one process per core is simpler to size.
threads = _number("GUNICORN_THREADS", 1)

# Load the app once in the master before forking: workers share its memory (the engine, the
# parsed diagrams' code) and a broken release fails at start instead of in every worker.
# Creating the app opens no database connection, so no connection crosses the fork. The price:
# `systemctl reload` (HUP) does not load new code; upgrades use `systemctl restart`.
preload_app = True

# --- time limits -------------------------------------------------------------------------------

# A worker silent for this long is killed and replaced. The slowest pages (a dossier's PDF form,
# Biểu II.06a for a province, the ISO procedure document as DOCX) take a few seconds; 60 s
# leaves room without letting a stuck request hold a worker for ever. nginx waits a little
# longer (proxy_read_timeout 75s), so it answers 502/504 itself rather than cutting gunicorn off.
timeout = _number("GUNICORN_TIMEOUT", 60)

# On restart, requests under way get this long to finish before their worker is killed.
graceful_timeout = 30

# Keep-alive connections from nginx (its upstream `keepalive`) stay open this long.
keepalive = 5

# Replace each worker after this many requests (± jitter, so they do not all restart together):
# bounds the memory a long-running process can gather.
max_requests = 2000
max_requests_jitter = 200

# The heartbeat file of each worker lives in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"

# --- behind the proxy ----------------------------------------------------------------------------

# gunicorn trusts X-Forwarded-Proto (https) only from these addresses: nginx on this host. The
# client's address (X-Forwarded-For) is the app's business: ISOBPMN_PROXY_FIX=1.
forwarded_allow_ips = "127.0.0.1,::1"

# Requests larger than what nginx lets through never reach gunicorn; these are gunicorn's own
# guards on the request line and headers (its defaults, stated).
limit_request_line = 4094
limit_request_fields = 100

# --- logs ----------------------------------------------------------------------------------------

# gunicorn's own messages (start, stop, a worker that timed out) go to stderr, with the level
# the app uses.
errorlog = "-"
loglevel = (os.environ.get("ISOBPMN_LOG_LEVEL") or "info").lower()

# The access log is off by default: with ISOBPMN_LOG_REQUESTS=true the app writes one line per
# request itself, with the user and the request id. Set GUNICORN_ACCESSLOG=- to have gunicorn's
# too (on stdout). Its format: client, method, path without the query string (a lookup's query
# holds a citizen's code), status, bytes, duration in ms, nginx's request id, user agent.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = ('%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms '
                     'id=%({x-request-id}i)s "%(a)s"')

# The process title in `ps` and `top`.
proc_name = "isobpmn-web"

# Recent gunicorn versions open a control socket (for `gunicornc`) in the user's home; here
# systemd controls gunicorn with signals, and the service may not write in its home.
control_socket_disable = True

# With ISOBPMN_LOG_FORMAT=json gunicorn's own lines are JSON objects too, written by the app's
# formatter (isobpmn.logsetup.JsonFormatter), so that one collector reads every line of the host.
if (os.environ.get("ISOBPMN_LOG_FORMAT") or "text").lower() == "json":
    from gunicorn.glogging import Logger

    class JsonLogger(Logger):
        """gunicorn's logger, its handlers formatted as JSON (again after each reload)."""

        def setup(self, cfg):
            super().setup(cfg)
            from isobpmn.logsetup import JsonFormatter

            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())

    logger_class = JsonLogger
