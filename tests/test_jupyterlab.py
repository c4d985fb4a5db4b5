"""JupyterLab check: a Jupyter server from the project's environment opens every notebook through its
REST API, starts the notebook's kernel and runs its first cells (imports, parameters, validation)."""

from __future__ import annotations

import concurrent.futures
import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from drugflows import paths

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted(p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, root: Path):
        self.port, self.token = free_port(), secrets.token_hex(16)
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(
            [
                str(jupyter),
                "server",
                "--no-browser",
                f"--ServerApp.root_dir={root}",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                "--allow-root",
            ],  # CI machines run as root
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.request("GET", "/api/status")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"jupyter server did not start: {self.process.stderr.read()}"
                    ) from None
                time.sleep(0.3)

    def request(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def server():
    started = Server(paths.NOTEBOOKS_DIR)
    yield started
    started.stop()


def execute(ws, code: str, timeout: float = 120) -> dict:
    """Run ``code`` on the kernel behind the websocket; the execute_reply content."""
    msg_id = uuid.uuid4().hex
    ws.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "channel": "shell",
                "buffers": [],
                "content": {
                    "code": code,
                    "silent": False,
                    "store_history": False,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": True,
                },
            }
        )
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv())
        if message.get("msg_type") == "execute_reply" and message["parent_header"].get("msg_id") == msg_id:
            return message["content"]
    raise TimeoutError(f"no reply within {timeout} s")


def open_and_run_first_cells(server: Server, name: str) -> dict:
    """Open ``name`` through the server, start its kernel in a session, run its code cells up to the
    validating one and close the session: what the test asserts, as data."""
    import websocket  # websocket-client, a jupyter_server dependency

    model = server.request("GET", f"/api/contents/{name}?content=1")
    if model["type"] != "notebook":
        return {"type": model["type"], "replies": []}
    cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
    tagged = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    first = [c["source"] for c in cells[: tagged + 2]]  # up to the validating cell
    session = server.request(
        "POST",
        "/api/sessions",
        {
            "path": name,
            "type": "notebook",
            "name": name,
            "kernel": {"name": model["content"]["metadata"]["kernelspec"]["name"]},
        },
    )
    kernel = session["kernel"]["id"]
    replies = []
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels?token={server.token}", timeout=120
    )
    try:
        for source in first:
            replies.append(execute(ws, source))
            if replies[-1]["status"] != "ok":
                break
    finally:
        ws.close()
        server.request("DELETE", f"/api/sessions/{session['id']}")
    return {"type": model["type"], "cells": len(first), "replies": replies}


@pytest.fixture(scope="module")
def opened(server, request):
    """Every notebook of the selected tests opened and its first cells run, two at a time (two kernels
    at once, each in a session of its own): {notebook: future of :func:`open_and_run_first_cells`}."""
    names = [
        item.callspec.params["name"]
        for item in request.session.items
        if getattr(item, "module", None) is request.module  # nbval cells have no module
        and hasattr(item, "callspec")
        and "name" in item.callspec.params
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        yield {name: pool.submit(open_and_run_first_cells, server, name) for name in names}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_opens_and_its_first_cells_run_in_a_jupyter_server(opened, name):
    result = opened[name].result(timeout=600)
    assert result["type"] == "notebook"
    for reply in result["replies"]:
        assert reply["status"] == "ok", f"{name}: {reply.get('ename')}: {reply.get('evalue')}"
    assert len(result["replies"]) == result["cells"] >= 2  # every cell up to the validation ran
