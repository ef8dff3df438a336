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

__all__ = ["SCRIPT", "server_args", "launch"]

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
        *([] if network else ["--browser.serverAddress", LOCALHOST]),
    ]


def port_free(port: int, host: str = LOCALHOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def command(project: str | Path, port: int, *, network: bool = False) -> list[str]:
    """The server's command line (the project also goes in ``UDSATTE_PROJECT``; see :func:`launch`)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(SCRIPT), *server_args(port, network=network),
        "--", "--project", str(project),
    ]


def launch(project: str | Path, port: int = 8501, *, network: bool = False, embedder: str | None = None) -> int:
    """Run the app in the foreground until it is stopped (Ctrl-C). Returns Streamlit's exit code."""
    project = Path(project).expanduser().resolve()
    if project.is_dir():
        raise ConfigError("Stien er en mappe, ikke en projektfil", path=project, hint="Angiv en fil som projekt.db")
    if not project.parent.is_dir():
        raise ConfigError("Mappen til projektet findes ikke", path=project.parent, hint="Opret mappen først")
    if not 1 <= port <= 65535:
        raise ConfigError(f"Port {port} er ugyldig", hint="Vælg en port mellem 1024 og 65535 med --port")
    if not port_free(port, "0.0.0.0" if network else LOCALHOST):
        raise ConfigError(f"Port {port} er optaget", hint="Vælg en anden med --port, fx --port 8502")
    env = dict(os.environ, UDSATTE_PROJECT=str(project), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
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
