"""Where inputs live: local paths, and URLs any installed fsspec filesystem reads
(s3://, gs://, http(s)://, memory://, file:// …).

A source is a Path (a local file) or a str holding a URL, kept as the user gave it:
it is what outputs name (source_path) and all a cluster worker receives, so each
worker reads the object itself. Everything that lists, stats or reads an input goes
through this module; the rest of the pipeline treats sources as opaque names.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

Source = Path | str

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # two letters at least: C:/ is a drive
# Protocols whose filesystem needs a package anomaly installs as an extra.
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "http": "http", "https": "http"}
# What an object's info names its version by, by filesystem: a change of it means new content.
_VERSION_KEYS = (
    *("ETag", "etag", "md5Hash", "generation", "Content-MD5", "Digest"),
    *("mtime", "LastModified", "last_modified", "updated", "Last-Modified"),
)


class MissingFilesystem(OSError):
    """A URL whose protocol no installed package reads (a clear message, not a traceback)."""

    def __init__(self, url: str, protocol: str, detail: str):
        super().__init__(detail)
        self.url, self.protocol, self.detail = url, protocol, detail

    @property
    def install(self) -> str | None:
        """The pip command that adds what this protocol needs, where anomaly has an extra for it."""
        extra = EXTRAS.get(self.protocol)
        return f"pip install 'anomaly[{extra}]'" if extra else None

    def message(self, lang: str = "zh") -> str:
        if lang == "zh":
            hint = f"，请安装：{self.install}" if self.install else ""
            return f"无法读取 {self.url}：未安装读取 {self.protocol}:// 的软件包{hint}（{self.detail}）"
        hint = f"; install it with {self.install}" if self.install else ""
        return f"cannot read {self.url}: no installed package reads {self.protocol}://{hint} ({self.detail})"

    def __str__(self) -> str:
        return self.message("zh")


def is_url(source: Source) -> bool:
    """Whether `source` is a URL (a str with a protocol), not a local path."""
    return isinstance(source, str) and bool(_URL.match(source))


def source_of(text: str) -> Source:
    """The source a command-line argument names: a URL as given, else a local Path."""
    return text if is_url(text) else Path(text)


def absolute(source: Source) -> Source:
    """A source another machine can find: a URL as it is, a path made absolute."""
    return source if is_url(source) else Path(os.path.abspath(source))


def location(source: Source) -> str:
    """Where the source is, independently of the current folder: the absolute path of a
    local file (and of a file:// URL, so that both name one file alike), else the URL."""
    if is_url(source) and not source.startswith("file://"):
        return source
    path = _filesystem(source)[1] if is_url(source) else source
    return os.path.abspath(path).replace("\\", "/")


def name_of(source: Source) -> str:
    """The file's own name (its last part)."""
    return PurePosixPath(str(source).split("?", 1)[0].rstrip("/")).name if is_url(source) else Path(source).name


def discover(item: Source, suffixes: set[str]) -> list[Source]:
    """The files a URL names: every one under a folder or prefix (recursively, with a
    suffix in `suffixes`, hidden parts skipped, sorted as local folders are), the URL
    itself when it names a file or nothing (then reading it reports it missing)."""
    fs, root = _filesystem(item)
    if not fs.isdir(root):
        return [item]
    prefix = root.rstrip("/") + "/"
    # A web server's listing links names percent-encoded: decoded, they sort and read as
    # local names do (the HTTP client encodes them again).
    plain = unquote if _protocol(item) in ("http", "https") else str
    found = []
    for path in fs.find(root):
        rel = PurePosixPath(plain(path[len(prefix) :] if path.startswith(prefix) else PurePosixPath(path).name))
        if rel.suffix.lower() in suffixes and not any(p.startswith(".") for p in rel.parts):
            found.append(rel)
    base = item if item.endswith("/") else item + "/"  # s3://bucket/ and memory:// keep their slashes
    return [f"{base}{rel}" for rel in sorted(found)]


def read_bytes(source: Source) -> bytes:
    """The file's content (OSError when it cannot be read, FileNotFoundError when it is not there)."""
    if not is_url(source):
        return Path(source).read_bytes()
    fs, path = _filesystem(source)
    try:
        return fs.cat_file(path)
    except FileNotFoundError:  # said as a missing local file is, whatever the filesystem's wording
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), source) from None
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), source) from None


def size_of(source: Source) -> int | None:
    """The file's size in bytes, None when it cannot be told."""
    return stat(source)[0]


def stat(source: Source) -> tuple[int | None, int | None]:
    """(size, version) of the file as it is now, (None, None) when it cannot be read: for
    a local file its modification time in ns; for a URL a number drawn from what the
    filesystem's info versions an object by (ETag, mtime …), None when it gives none, so
    that the file is hashed on every run."""
    if not is_url(source):
        try:
            st = os.stat(source)
        except OSError:
            return None, None
        return st.st_size, st.st_mtime_ns
    try:
        fs, path = _filesystem(source)
        info = fs.info(path)
    except (OSError, ValueError):
        return None, None
    if info.get("type") == "directory":
        return None, None
    version = next((str(info[k]) for k in _VERSION_KEYS if info.get(k) is not None), None)
    return info.get("size"), None if version is None else _as_int64(version)


def sha1(source: Source) -> str | None:
    """SHA-1 of the file's bytes, None when it cannot be read."""
    if not is_url(source):
        try:
            with open(source, "rb") as f:
                return hashlib.file_digest(f, "sha1").hexdigest()
        except OSError:
            return None
    try:
        return hashlib.sha1(read_bytes(source)).hexdigest()
    except (OSError, ValueError):
        return None


def _as_int64(text: str) -> int:
    return int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "big", signed=True)


def _filesystem(url: str):
    """(fsspec filesystem, path within it) of a URL; MissingFilesystem when no installed
    package reads its protocol."""
    import fsspec.core

    protocol = _protocol(url)
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as exc:
        raise MissingFilesystem(url, protocol, str(exc).splitlines()[0] if str(exc) else "ImportError") from None
    except ValueError as exc:  # "Protocol not known"
        if "protocol" not in str(exc).lower():
            raise
        raise MissingFilesystem(url, protocol, str(exc)) from None


def _protocol(url: str) -> str:
    return url.split("://", 1)[0].lower()
