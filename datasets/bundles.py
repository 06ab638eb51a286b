"""One unit's disclosure in several files (说明 + 报表), found and read as one.

Counties often publish the narrative (说明, a PDF or Word file) and the tables (报表, a
workbook, or one file per table) separately. Every file is first parsed on its own;
files of the same folder, unit, year and kind (预算 or 决算), one with the narrative and
the others with only tables, are then read again as one document: the narrative first,
then the tables. A file whose tables could belong to two narratives is not joined (the join
would be a guess): it is reported instead.

The unit comes from the content where the parser found a name, and from the file name
(华溪县财政局2024年单位预算公开报表.xlsx) where a workbook of tables names none.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import NamedTuple

import polars as pl

from datasets.read import Document, read_document
from datasets.read.sources import Source, name_of, read_bytes

NARRATIVE_CLAIMS = 5  # figures in the text: fewer and the file holds only tables
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?度?")
_NOISE = re.compile(
    r"(?:19|20)\d{2}\s*年?度?|单位|部门|综合|预算|决算|公开|说明|情况|报表|附表|表格|信息|[(（]?(?:本级|机关|汇总)[)）]?"
    r"|[(（][一二三四五六七八九十\d]{1,2}[)）]|之[一二三四五六七八九十]"
    r"|[\s_\-—–·.,，、()（）\[\]【】]+"
)
_TABLE_NAME = re.compile(r"^表\s*[\d一二三四五六七八九十]")


@dataclass
class Bundle:
    """The files of one disclosure, narrative first, and the unit ids they had alone."""

    paths: list[str]  # as source_path gives them: local paths or URLs
    unit_ids: list[str]


def name_keys(unit_name: str | None, path: str) -> set[str]:
    """Ways to name the unit of a file: the name the parser read (not a table's id), and
    the file name without year, 说明/报表 and similar words."""
    keys = set()
    if unit_name and not _TABLE_NAME.match(unit_name):
        keys.add(_NOISE.sub("", unit_name))
    stem = _NOISE.sub("", Path(path).stem)
    if len(stem) >= 3 and not re.fullmatch(r"[0-9a-fA-F]+", stem):
        keys.add(stem)
    return {k for k in keys if len(k) >= 3}


def find_bundles(units: pl.DataFrame) -> tuple[list[Bundle], dict[str, str]]:
    """Disclosures made of several files, and the reason a file was not joined where it
    could have been (unit_id -> message)."""
    kind = pl.col("doc_kind") if "doc_kind" in units.columns else pl.lit(None, dtype=pl.String)
    units = units.filter(pl.col("parse_status") != "failed")
    # A bundle needs a file of tables only in its folder: most folders have none, and
    # their files need no look (a province's text disclosures: none at all).
    tables_only = (pl.col("n_claims").fill_null(0) < NARRATIVE_CLAIMS) & (pl.col("n_tables").fill_null(0) >= 1)
    folders = {str(Path(p).parent) for p in units.filter(tables_only)["source_path"]}
    if not folders:
        return [], {}
    units = units.filter(pl.Series([str(Path(p).parent) in folders for p in units["source_path"]], dtype=pl.Boolean))
    rows = list(
        units.select(
            "unit_id", "source_path", "unit_name", "year", "n_claims", "n_tables", kind.alias("kind")
        ).iter_rows(named=True)
    )
    for r in rows:
        r["keys"] = name_keys(r["unit_name"], r["source_path"])
        m = _YEAR.search(Path(r["source_path"]).stem)
        r["year"] = r["year"] or (int(m.group(1)) if m else None)
        r["folder"] = str(Path(r["source_path"]).parent)
        r["narrative"] = (r["n_claims"] or 0) >= NARRATIVE_CLAIMS
        r["tables_only"] = not r["narrative"] and (r["n_tables"] or 0) >= 1
        # A unit's 预算 and 决算 of a year often sit side by side: never one's tables
        # with the other's narrative. The title says which; a file without one, its name.
        final = r["kind"] == "final" or "决算" in Path(r["source_path"]).stem
        r["kind"] = "final" if final else "budget"
    # Files of one folder, year and kind that share a way to name their unit.
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["keys"] and r["year"] is not None:
            groups.setdefault((r["folder"], r["year"], r["kind"]), []).append(r)
    bundles, notes = [], {}
    for members in groups.values():
        for part in _connected(members):
            narratives = [r for r in part if r["narrative"]]
            tables = [r for r in part if r["tables_only"]]
            if not tables or not narratives:
                continue
            if len(narratives) > 1:
                names = "、".join(Path(r["source_path"]).name for r in narratives)
                for r in tables:
                    notes[r["unit_id"]] = (
                        f"无法确定所属说明文件（候选：{names}）/ ambiguous join: could belong to {names}"
                    )
                continue
            chosen = narratives + sorted(tables, key=lambda r: r["source_path"])
            bundles.append(Bundle([r["source_path"] for r in chosen], [r["unit_id"] for r in chosen]))
    return bundles, notes


def _connected(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped by shared name keys (transitively)."""
    out: list[list[dict]] = []
    for r in rows:
        joined = [g for g in out if any(r["keys"] & o["keys"] for o in g)]
        merged = [r]
        for g in joined:
            merged.extend(g)
            out.remove(g)
        out.append(merged)
    return [g for g in out if len(g) > 1]


@dataclass
class Joined:
    """A bundle read as one document, and where each of its lines came from."""

    document: Document
    files: list[str]
    line_file: list[int]  # index into files, per line
    line_in_file: list[int]  # 1-based line in that file's own reading
    line_page: list[int | None]
    line_place: list[str | None]  # a workbook's "sheet!row"
    sha1: str


class Read(NamedTuple):
    """A file's document as read, and the SHA-1 of the bytes it was read from."""

    document: Document
    sha1: str


def read_bundle(paths: list[Source], known: list[Read | None] | None = None) -> Joined:
    """The files read one after the other into one document (raises UnreadableFile or
    OSError like read_document). `known`: per file, its document as read already (the
    run's first reading of each file alone), or None to read it."""
    texts, formats, problems, notes = [], [], [], []
    line_file, line_in_file, line_page, line_place = [], [], [], []
    pages = 0
    digests = []
    for k, path in enumerate(paths):
        given = known[k] if known else None
        if given is None:
            data = read_bytes(path)
            given = Read(read_document(data, name_of(path)), hashlib.sha1(data).hexdigest())
        doc = given.document
        digests.append(given.sha1)
        lines = doc.text.split("\n")
        if k:  # the next file starts on a page of its own: nothing runs on across files
            texts.append("\f")
            line_file.append(k)
            line_in_file.append(1)
            line_page.append(doc.line_pages[0] if doc.line_pages else None)
            line_place.append(None)
        texts.append(doc.text)
        line_file.extend([k] * len(lines))
        line_in_file.extend(range(1, len(lines) + 1))
        line_page.extend(doc.line_pages or [None] * len(lines))
        line_place.extend(doc.line_places or [None] * len(lines))
        if doc.format not in formats:
            formats.append(doc.format)
        problems.extend(f"{name_of(path)}: {p}" for p in doc.problems)
        notes.extend(f"{name_of(path)}: {n}" for n in doc.notes)
        pages += doc.pages or 0
    document = Document(
        text="\n".join(texts),
        format="+".join(formats),
        pages=pages or None,
        problems=problems,
        line_pages=line_page if any(p is not None for p in line_page) else None,
    )
    return Joined(
        document, [str(p) for p in paths], line_file, line_in_file, line_page, line_place, joined_sha1(digests)
    )


# Documents as read, kept from the first reading for the joined one (Candidates).
DOCUMENTS = {
    "unit_id": pl.String,
    "sha1": pl.String,
    "text": pl.String,
    "format": pl.String,
    "encoding": pl.String,
    "pages": pl.Int64,
    "line_pages": pl.List(pl.Int64),
    "line_places": pl.List(pl.String),
    "problems": pl.List(pl.String),
    "notes": pl.List(pl.String),
}


class Candidates:
    """The documents as read of files that may be joined with others, kept as a run
    parses them (datasets.corpus.collect's `keep`): those of a folder holding a file of
    tables only (find_bundles' rule). Files come folder by folder, a folder's own files
    before and after its subfolders' (discover's order), so only the folders the current
    file lies in are held until each is known to hold one or is done; frame() gives
    them (DOCUMENTS)."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []
        self.open: list[list] = []  # [folder, its documents, tables only?]: the current folder and those it lies in

    def __call__(self, unit: dict, document: Document) -> None:
        folder = str(Path(unit["source_path"]).parent)
        while self.open and not _within(folder, self.open[-1][0]):
            self._close()
        if not self.open or self.open[-1][0] != folder:
            self.open.append([folder, [], False])
        current = self.open[-1]
        d = document
        row = (unit["unit_id"], unit.get("content_sha1"), d.text, d.format, d.encoding, d.pages)
        current[1].append((*row, d.line_pages, d.line_places, d.problems, d.notes))
        if unit.get("parse_status") != "failed":
            claims, tables = unit.get("n_claims") or 0, unit.get("n_tables") or 0
            current[2] = current[2] or (claims < NARRATIVE_CLAIMS and tables >= 1)

    def _close(self) -> None:
        _, documents, tables_only = self.open.pop()
        if tables_only:
            self.rows.extend(r for r in documents if r[1] is not None)

    def frame(self) -> pl.DataFrame:
        while self.open:
            self._close()
        return pl.DataFrame(self.rows, schema=DOCUMENTS, orient="row")


def _within(folder: str, other: str) -> bool:
    """Whether `folder` is `other` or lies in it (paths as str(Path.parent) gives them:
    ".", "/", "s3:/bucket/…")."""
    return folder == other or PurePath(folder).is_relative_to(other)


def documents_of(files: list[Path], unit_ids: list[str]) -> dict[str, Read]:
    """unit_id -> Read for these units, from Candidates frames written to `files`."""
    if not files or not unit_ids:
        return {}
    wanted = pl.Series(unit_ids, dtype=pl.String).implode()
    frame = pl.scan_parquet(files).filter(pl.col("unit_id").is_in(wanted)).collect()
    return {
        row.pop("unit_id"): Read(Document(**{k: v for k, v in row.items() if k != "sha1"}), row["sha1"])
        for row in frame.select(*DOCUMENTS).iter_rows(named=True)
    }


def joined_sha1(digests: list[str]) -> str:
    """A joined document's content hash, from its files' SHA-1s (hex) in order."""
    return hashlib.sha1(b"".join(bytes.fromhex(d) for d in digests)).hexdigest()
