"""How many damaged copies of a disclosure read as ok/partial with their surviving
headline figures (datasets/synthetic/damage.py).

    python scripts/damage_rate.py                          # the seed, 1,000 damages
    python scripts/damage_rate.py FILE ... --n 1000 --seed 1
    python scripts/damage_rate.py --generate 50 --n 1000   # generated text disclosures

Prints the rate per kind of damage and a few failures to read.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from datasets.corpus import parsed_frames  # noqa: E402
from datasets.synthetic.damage import HEADLINE, KINDS, damage, salvaged  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--n", type=int, default=1000, help="damaged copies in all")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--generate", type=int, default=0, help="use this many generated text disclosures")
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    files = list(args.files)
    if args.generate:
        from datasets.synthetic.generate import generate_corpus

        tmp = Path(tempfile.mkdtemp())
        labels = generate_corpus(tmp, units=args.generate, seed=args.seed)
        files += [tmp / d["file"] for d in labels["documents"]]
    if not files:
        files = sorted(SEED.glob("*.txt"))
    sources = [(p.name, p.read_bytes()) for p in files]
    references = [parsed_frames(data, name) for name, data in sources]
    rng = random.Random(args.seed)
    ok, seen, checked, fails = Counter(), Counter(), Counter(), []
    for i in range(args.n):
        k = i % len(sources)
        kind = KINDS[i % len(KINDS)]
        d = damage(sources[k][1], kind, rng)
        good, why, expected = salvaged(references[k], d)
        checked[kind] += expected
        seen[kind] += 1
        ok[kind] += good
        if not good:
            fails.append(f"{sources[k][0]} {d.detail}: {why}")
    print(f"{len(sources)} source files, {args.n} damaged copies; salvaged = ok/partial with every")
    print(f"headline figure ({len(HEADLINE)} checked) that the damage did not touch")
    print("  damage        salvaged        figures untouched per copy")
    for kind in KINDS:
        n = max(seen[kind], 1)
        print(f"  {kind:9} {ok[kind]:5}/{seen[kind]:<5} {ok[kind] / n:7.1%}   {checked[kind] / n:.2f}")
    total = sum(ok.values())
    print(f"  {'all':9} {total:5}/{args.n:<5} {total / args.n:7.1%}   {sum(checked.values()) / args.n:.2f}")
    for line in fails[: args.show]:
        print("  fail:", line[:300])


if __name__ == "__main__":
    main()
