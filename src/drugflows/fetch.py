"""``drugflows data fetch``: download raw files from their publishers into ``data/raw/<source>/``.

Only files with a stable public address are listed in :data:`REMOTE_FILES`; the others are listed
in :data:`MANUAL` with the page to download them from. A file with an expected sha256 is refused
if its bytes differ; rolling files (republished every month) have none, and their checksum is
printed so it can be recorded. Downloads go to a hidden temporary name (never read by a build) and
are moved into place only whole: a body shorter than its Content-Length, an HTML page where a data
file is expected, a body past :data:`MAX_FETCH_BYTES`, or a checksum that differs from the pinned
one is refused, and nothing is left behind (not even a new empty folder); the temporary file a
killed fetch left is removed by the next fetch of that file.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from drugflows import paths

USER_AGENT = "drugflows-fetch (+https://github.com/)"
#: The largest file a fetch downloads (bytes): a build reads no larger raw file
#: (:data:`drugflows.paths.MAX_RAW_BYTES`), so an endless or huge body stops there.
MAX_FETCH_BYTES = paths.MAX_RAW_BYTES
_TEMP_INFIX = ".fetch-"


class FetchError(RuntimeError):
    """A download that failed or whose checksum does not match; names the URL."""


@dataclass(frozen=True)
class RemoteFile:
    source: str  # folder under data/raw/
    file_name: str
    url: str
    sha256: str | None = None  # expected bytes, where the publisher's file does not change

    def address(self, mirror: str | None) -> str:
        """The URL to download from: the publisher's, or ``<mirror>/<source>/<file>``."""
        return f"{mirror.rstrip('/')}/{self.source}/{self.file_name}" if mirror else self.url


REMOTE_FILES: tuple[RemoteFile, ...] = (
    RemoteFile(
        "bts_border_crossings",
        "Border_Crossing_Entry_Data.csv",
        "https://data.bts.gov/api/views/keg4-3bc2/rows.csv?accessType=DOWNLOAD",
    ),
    RemoteFile(
        "cdc_overdose",
        "VSRR_Provisional_Drug_Overdose_Death_Counts.csv",
        "https://data.cdc.gov/api/views/xkb8-kh2a/rows.csv?accessType=DOWNLOAD",
    ),
    RemoteFile(
        "owid", "homicide-rate-unodc.csv", "https://ourworldindata.org/grapher/homicide-rate-unodc.csv"
    ),
    RemoteFile(
        "owid",
        "gdp-per-capita-worldbank.csv",
        "https://ourworldindata.org/grapher/gdp-per-capita-worldbank.csv",
    ),
    RemoteFile(
        "owid",
        "ti-corruption-perception-index.csv",
        "https://ourworldindata.org/grapher/ti-corruption-perception-index.csv",
    ),
    RemoteFile(
        "owid_drugs",
        "death-rates-from-drug-use-disorders.csv",
        "https://ourworldindata.org/grapher/death-rates-from-drug-use-disorders.csv",
    ),
    RemoteFile(
        "owid_drugs", "death-rates-cocaine.csv", "https://ourworldindata.org/grapher/death-rates-cocaine.csv"
    ),
    RemoteFile(
        "owid_drugs",
        "death-rate-from-opioid-use.csv",
        "https://ourworldindata.org/grapher/death-rate-from-opioid-use.csv",
    ),
)

#: Sources with no stable file address: where to download them by hand.
MANUAL = {
    "cbp_drug_seizures": "https://www.cbp.gov/document/stats/nationwide-drug-seizures",
    "cbp_amo_drug_seizures": "https://www.cbp.gov/document/stats/amo-drug-seizures",
    "dea_nflis": "https://www.nflis.deadiversion.usdoj.gov/ (Data Query System export)",
    "foreign_assistance": "https://foreignassistance.gov/data",
    "goc_index": "https://ocindex.net (downloads)",
    "majors_list": "https://www.whitehouse.gov/briefing-room/presidential-actions/",
    "unodc": "https://dataunodc.un.org/ (drug seizures, drug prices)",
    "worldbank": "https://www.worldbank.org/en/publication/worldwide-governance-indicators",
    "colombia": "research replication files (see ../shared/data/colombia/SOURCE.md)",
    "peru": "https://www.gob.pe/devida (annual coca monitoring reports)",
}


_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def looks_like_html(content_type: str | None, first_bytes: bytes) -> bool:
    """True for an HTML page (a login, error or "moved" page served instead of the data file)."""
    if content_type and content_type.split(";")[0].strip().lower() in ("text/html", "application/xhtml+xml"):
        return True
    start = first_bytes.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(_HTML_STARTS)


def download(
    remote: RemoteFile,
    raw_dir: Path,
    mirror: str | None = None,
    progress: bool = True,
    timeout: float = 60,
    opener=urllib.request.urlopen,
) -> tuple[Path, str]:
    """Download one file into ``raw_dir/<source>/``; return its path and sha256.

    Refused with FetchError, leaving ``target`` as it was: a network or HTTP error, a body shorter
    (or longer) than its Content-Length, an HTML page, a sha256 other than the pinned one.
    ``opener`` is ``urllib.request.urlopen`` or a stand-in with its signature (for tests).
    """
    from tqdm import tqdm

    url = remote.address(mirror)
    folder = raw_dir / remote.source
    target = folder / remote.file_name
    folder_existed = folder.exists()
    digest = hashlib.sha256()
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    _remove_dead_temps(folder, remote.file_name)
    try:
        with opener(request, timeout=timeout) as response, _temp_path(target) as tmp:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and re.fullmatch(r"[0-9]+", length.strip()) else None
            if expected is not None and expected > MAX_FETCH_BYTES:
                raise FetchError(
                    f"{url}: announces {expected:,} bytes (Content-Length), more than the "
                    f"{MAX_FETCH_BYTES:,} a raw file may have; not downloaded, {target} left as it was"
                )
            received, first = 0, b""
            with (
                open(tmp, "wb") as out,
                tqdm(
                    total=expected, unit="B", unit_scale=True, desc=remote.file_name, disable=not progress
                ) as bar,
            ):
                for block in iter(lambda: response.read(1 << 16), b""):
                    if len(first) < 512:
                        first += block[: 512 - len(first)]
                    received += len(block)
                    if received > MAX_FETCH_BYTES:
                        raise FetchError(
                            f"{url}: the body goes past {MAX_FETCH_BYTES:,} bytes, the most a raw file may "
                            f"have; download stopped, {target} left as it was"
                        )
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
            if expected is not None and received != expected:
                raise FetchError(
                    f"{url}: received {received:,} bytes of the {expected:,} announced "
                    f"(Content-Length): a cut download; {target} left as it was"
                )
            if looks_like_html(response.headers.get("Content-Type"), first):
                raise FetchError(
                    f"{url}: the server sent an HTML page, not the data file "
                    f"(Content-Type {response.headers.get('Content-Type')!r}); {target} left as it was"
                )
            if remote.sha256 and digest.hexdigest() != remote.sha256:
                raise FetchError(
                    f"{url}: sha256 {digest.hexdigest()} does not match the expected "
                    f"{remote.sha256}; {target} left as it was"
                )
    except FetchError:
        _drop_new_folder(folder, folder_existed)
        raise
    except (OSError, http.client.HTTPException) as exc:  # URLError, HTTPError, timeouts, IncompleteRead
        _drop_new_folder(folder, folder_existed)
        raise FetchError(f"{url}: download failed ({exc}); {target} left as it was") from exc
    return target, digest.hexdigest()


@contextlib.contextmanager
def _temp_path(target: Path) -> Iterator[Path]:
    """A hidden temporary file beside ``target`` named with this process's id (so a later fetch can
    tell a killed one's leftover from a live one's), moved over ``target`` only on success."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}{_TEMP_INFIX}{os.getpid()}.tmp"
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_dead_temps(folder: Path, name: str) -> None:
    """Remove the temporary files of ``name`` that killed fetches left (their process is gone)."""
    prefix = f".{name}{_TEMP_INFIX}"
    if not folder.is_dir():
        return
    for leftover in folder.iterdir():
        pid = leftover.name[len(prefix) : -len(".tmp")]
        if leftover.name.startswith(prefix) and leftover.name.endswith(".tmp") and pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                leftover.unlink(missing_ok=True)
            except PermissionError:
                pass  # alive, another user's


def _drop_new_folder(folder: Path, existed: bool) -> None:
    """Remove the source folder a failed download created (only if it is still empty)."""
    if not existed:
        try:
            folder.rmdir()
        except OSError:
            pass


def fetch(
    sources: Iterable[str] | None = None,
    raw_dir: Path | None = None,
    mirror: str | None = None,
    remote_files: Iterable[RemoteFile] = REMOTE_FILES,
    progress: bool = True,
    echo=print,
) -> list[Path]:
    """Download every listed file (of ``sources``, default all); go on past a failure, then raise
    FetchError naming every file that failed."""
    raw_dir = Path(raw_dir or os.environ.get(paths.RAW_DIR_ENV) or paths.RAW_DIR)
    remote_files = list(remote_files)
    wanted = set(sources or {r.source for r in remote_files} | set(MANUAL))
    known = {r.source for r in remote_files} | set(MANUAL)
    unknown = sorted(wanted - known)
    if unknown:
        raise FetchError(f"Unknown source(s) {unknown}; known: {sorted(known)}")
    done, failures = [], []
    for remote in (r for r in remote_files if r.source in wanted):
        try:
            path, sha = download(remote, raw_dir, mirror, progress)
        except FetchError as exc:
            failures.append(str(exc))
            echo(f"failed  {exc}")
            continue
        done.append(path)
        echo(f"ok      {path} (sha256 {sha})")
    for source in sorted(wanted & set(MANUAL)):
        echo(f"manual  {source}: download from {MANUAL[source]} into {raw_dir / source}/")
    if failures:
        raise FetchError(f"{len(failures)} download(s) failed:\n  " + "\n  ".join(failures))
    return done
