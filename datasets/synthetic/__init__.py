"""The synthetic county corpus: an exact budget model per unit, rendered as disclosures
with labelled anomalies (the generator and its renderers; never imported by the reader)."""

from datasets.synthetic.generate import FAMILIES, demo_corpus, generate_corpus, iter_documents

__all__ = ["FAMILIES", "demo_corpus", "generate_corpus", "iter_documents"]
