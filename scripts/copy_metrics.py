"""CPY on a screened, labelled corpus: recall per copy shape and clean documents alarmed.

    anomaly generate --units 2000 --seed 1 --out CORPUS/
    anomaly screen CORPUS/ --out OUT/ --select CPY
    python scripts/copy_metrics.py CORPUS/ OUT/ [--show 3]

A copy is found when its unit has a CPY finding naming its source (the label's file).
Clean documents alarmed: every clean document with a CPY finding, and apart from it
those that are not the source of a labelled copy (the other side of a true pair).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from anomaly.evaluate import _match  # noqa: E402


def copy_metrics(corpus: Path, out: Path, show: int = 3) -> dict:
    docs_list = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))["documents"]
    units = pl.read_parquet(out / "units.parquet")
    findings = pl.read_parquet(out / "findings.parquet").filter(pl.col("rule").str.starts_with("CPY"))
    docs = pl.DataFrame({"doc_index": range(len(docs_list)), "file": [d["file"] for d in docs_list]})
    uid = dict(_match(units, docs).iter_rows())
    by_unit: dict[str, list[dict]] = {}
    for r in findings.iter_rows(named=True):
        by_unit.setdefault(r["unit_id"], []).append(r)
    n, found, rules = Counter(), Counter(), Counter()
    missed: dict[str, list[str]] = {}
    sources = set()
    for i, d in enumerate(docs_list):
        for a in d["anomalies"]:
            if a["family"] != "CPY":
                continue
            src = a["detail"].rsplit(" ", 1)[-1]
            sources.add(src)
            n[a["kind"]] += 1
            fs = by_unit.get(uid.get(i), [])
            name = src.rsplit("/", 1)[-1]
            hit = [f for f in fs if name in (f["evidence"] or "")]
            found[a["kind"]] += bool(hit)
            rules.update({f"{a['kind']}:{f['rule']}" for f in hit})
            if not hit:
                missed.setdefault(a["kind"], []).append(f"{d['file']}:{a['line']} {a['detail']}")
    clean = [(i, d) for i, d in enumerate(docs_list) if d["clean"]]
    alarmed = [d["file"] for i, d in clean if by_unit.get(uid.get(i))]
    alarmed_not_source = [f for f in alarmed if f not in sources]
    return {
        "documents": len(docs_list),
        "clean": len(clean),
        "labelled": n,
        "found": found,
        "rules": rules,
        "missed": {k: v[:show] for k, v in missed.items()},
        "clean_alarmed": len(alarmed),
        "clean_alarmed_not_source": alarmed_not_source,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args(argv)
    m = copy_metrics(args.corpus, args.out, args.show)
    print(f"{m['documents']} documents, {m['clean']} clean")
    print(f"{'shape':22}{'labelled':>9}{'found':>7}{'recall':>8}")
    for kind in sorted(m["labelled"]):
        k, f = m["labelled"][kind], m["found"][kind]
        print(f"{kind:22}{k:>9}{f:>7}{f / k:>8.1%}")
    print("rules behind the hits:", dict(sorted(m["rules"].items())))
    c, bad = m["clean"], m["clean_alarmed_not_source"]
    print(f"clean documents with a CPY finding: {m['clean_alarmed']}/{c} ({m['clean_alarmed'] / max(c, 1):.2%})")
    print(f"  ... not the source of a labelled copy: {len(bad)}/{c} ({len(bad) / max(c, 1):.2%})")
    for f in bad[: args.show]:
        print("   ", f)
    for kind, xs in sorted(m["missed"].items()):
        for x in xs:
            print(f"  missed {kind}: {x}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
