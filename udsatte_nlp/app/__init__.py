"""The review app (Streamlit): staff explore, relabel and reshape themes in the browser.

``udsatte-nlp app --project P.db`` runs :data:`SCRIPT` with :func:`launch`.
Nothing here imports Streamlit, so the CLI stays fast; the pages live in
``sider/`` and call :mod:`udsatte_nlp.review` and the project store.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from ..errors import ConfigError
from .access import TOKEN_ENV, new_token

__all__ = ["SCRIPT", "server_args", "launch", "port_free", "free_port", "new_token", "urls"]

SCRIPT = Path(__file__).with_name("main.py")
LOCALHOST = "127.0.0.1"


def server_args(port: int, *, network: bool = False) -> list[str]:
    """Streamlit options: local only unless ``network``, headless, no usage statistics, no file watcher."""
    return [
        "--server.address", "0.0.0.0" if network else LOCALHOST,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--client.showErrorDetails", "false",
        "--theme.base", "light",
        "--theme.primaryColor", "#2f6f8f",
        "--server.enableAgentApi", "false",  # no other way in than the browser page (and its access key)
        "--server.enableStaticServing", "false",
        *([] if network else ["--browser.serverAddress", LOCALHOST]),
    ]


def port_free(port: int, host: str = LOCALHOST) -> bool:
    """Whether a server may listen on ``port`` now.

    The address is bound as the server binds it, with ``SO_REUSEADDR`` (Tornado's
    default): connections of a stopped app that linger in TIME_WAIT do not count, so
    the app starts again at once; only a program that listens on the port does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            s.listen()
        except OSError:
            return False
    return True


def free_port(start: int, host: str = LOCALHOST, tries: int = 100) -> int | None:
    """The first port from ``start`` on that is free (for the error message of a busy port)."""
    for port in range(max(start, 1024), min(start + tries, 65536)):
        if port_free(port, host):
            return port
    return None


def urls(port: int, *, network: bool = False, token: str | None = None) -> list[str]:
    """The addresses to open the app at: this computer's, and in network mode the machine's name on
    the network (nothing is looked up outside the machine). With a key, each ends in ``?token=…``."""
    hosts = [LOCALHOST]
    if network:
        name = socket.gethostname()
        if name and name not in ("localhost", LOCALHOST):
            hosts.append(name)
    tail = f"/?token={token}" if token else ""
    return [f"http://{h}:{port}{tail}" for h in hosts]


def command(project: str | Path, port: int, *, network: bool = False) -> list[str]:
    """The server's command line (the project also goes in ``UDSATTE_PROJECT``; see :func:`launch`)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(SCRIPT), *server_args(port, network=network),
        "--", "--project", str(project),
    ]


def launch(
    project: str | Path,
    port: int = 8501,
    *,
    network: bool = False,
    embedder: str | None = None,
    token: str | None = None,
) -> int:
    """Run the app in the foreground until it is stopped (Ctrl-C). Returns Streamlit's exit code.

    With ``token`` every browser must present it (``?token=…`` in the URL, or typed
    into the app) before it sees anything of the project (:mod:`udsatte_nlp.app.access`).
    """
    project = Path(project).expanduser().resolve()
    if project.is_dir():
        raise ConfigError("Stien er en mappe, ikke en projektfil", path=project, hint="Angiv en fil som projekt.db")
    if not project.parent.is_dir():
        raise ConfigError("Mappen til projektet findes ikke", path=project.parent, hint="Opret mappen først")
    if not 1 <= port <= 65535:
        raise ConfigError(f"Port {port} er ugyldig", hint="Vælg en port mellem 1024 og 65535 med --port")
    host = "0.0.0.0" if network else LOCALHOST
    if not port_free(port, host):
        other = free_port(port + 1, host)
        hint = f"Den bruges af et andet program. Vælg en anden med --port, fx --port {other}" if other else (
            "Den bruges af et andet program. Vælg en anden med --port")
        raise ConfigError(f"Port {port} er optaget", hint=hint)
    env = dict(os.environ, UDSATTE_PROJECT=str(project), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop(TOKEN_ENV, None)
    if token:
        env[TOKEN_ENV] = token
    if embedder:
        env["UDSATTE_EMBEDDER"] = embedder
    proc = subprocess.Popen(command(project, port, network=network), env=env)

    def stop(signum: int, frame: object) -> None:  # a service manager's SIGTERM reaches the server too
        proc.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches the whole process group; let the server stop cleanly
        try:
            return proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
