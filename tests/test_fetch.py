"""drugflows data fetch against a local HTTP server on 127.0.0.1 serving copies of the raw files."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from drugflows._io import sha256_file
from drugflows.fetch import REMOTE_FILES, FetchError, RemoteFile, fetch


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def mirror(tmp_path, shared_data):
    """A web root holding owid/ and a tampered copy of one file, served on 127.0.0.1."""
    root = tmp_path / "www"
    shutil.copytree(shared_data / "owid", root / "owid")
    (root / "tampered").mkdir()
    original = shared_data / "owid" / "homicide-rate-unodc.csv"
    (root / "tampered" / "homicide-rate-unodc.csv").write_bytes(
        original.read_bytes().replace(b"Colombia", b"Columbia", 1)
    )
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll: shutdown() waits up to one poll interval (0.5 s by default) per test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_downloads_through_a_mirror(tmp_path, mirror, shared_data):
    raw = tmp_path / "raw"
    lines = []
    got = fetch(["owid"], raw_dir=raw, mirror=mirror, progress=False, echo=lines.append)
    assert sorted(p.name for p in got) == sorted(r.file_name for r in REMOTE_FILES if r.source == "owid")
    for path in got:
        assert sha256_file(path) == sha256_file(shared_data / "owid" / path.name)
    assert any(line.startswith("ok      ") and "sha256" in line for line in lines)


def test_checksum_mismatch_is_refused_and_nothing_is_left(tmp_path, mirror, shared_data):
    original = shared_data / "owid" / "homicide-rate-unodc.csv"
    good = RemoteFile("owid", original.name, "unused", sha256=sha256_file(original))
    bad = RemoteFile("tampered", original.name, "unused", sha256=sha256_file(original))
    raw = tmp_path / "raw"
    with pytest.raises(FetchError) as err:
        fetch(
            ["owid", "tampered"],
            raw_dir=raw,
            mirror=mirror,
            remote_files=[good, bad],
            progress=False,
            echo=lambda _: None,
        )
    assert "tampered/homicide-rate-unodc.csv: sha256" in str(err.value)
    assert "does not match the expected" in str(err.value)
    assert (raw / "owid" / original.name).exists()  # the good one went on
    assert not (raw / "tampered").exists()  # no partial or temporary file, not even the folder


def test_missing_file_and_unknown_source(tmp_path, mirror):
    missing = RemoteFile("owid", "no-such-file.csv", "unused")
    with pytest.raises(FetchError, match=r"no-such-file.csv: download failed \(HTTP Error 404"):
        fetch(
            ["owid"],
            raw_dir=tmp_path,
            mirror=mirror,
            remote_files=[missing],
            progress=False,
            echo=lambda _: None,
        )
    with pytest.raises(FetchError, match=r"Unknown source\(s\) \['cocaine_r_us'\]"):
        fetch(["cocaine_r_us"], raw_dir=tmp_path, progress=False)


@pytest.mark.slow
def test_fetch_cli(tmp_path, mirror):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "drugflows",
            "data",
            "fetch",
            "owid",
            "colombia",
            "--raw",
            str(tmp_path),
            "--mirror",
            mirror,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "owid" / "homicide-rate-unodc.csv").exists()
    assert "manual  colombia: download from" in run.stdout
