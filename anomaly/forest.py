"""The isolation forest the peer scoring fits (anomaly.scoring, step 3), apart from it:
scikit-learn and scipy take a second or more to import, so a screen imports this
module on a thread while it reads and parses (anomaly.pipeline), not before.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.ensemble import IsolationForest

from anomaly.scoring import Z_CLIP


class PeerOutlierScorer(OutlierMixin, BaseEstimator):
    """IsolationForest on robust z features (nulls → 0, clipped to ±clip).

    ``score_samples`` follows scikit-learn (lower = more abnormal);
    ``outlier_score`` is its negation, in (0, 1], higher = more unusual.
    """

    def __init__(
        self,
        n_estimators: int = 200,
        max_samples="auto",
        contamination="auto",
        clip: float = Z_CLIP,
        random_state: int = 0,
        n_jobs: int | None = None,
    ):
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.contamination = contamination
        self.clip = clip
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _prepare(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1)
        X = np.where(np.isfinite(X), X, 0.0)
        return np.clip(X, -self.clip, self.clip)

    def fit(self, X, y=None):
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=self.max_samples,
            contamination=self.contamination,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(self._prepare(X))
        self.n_features_in_ = self.forest_.n_features_in_
        return self

    def score_samples(self, X) -> np.ndarray:
        return self.forest_.score_samples(self._prepare(X))

    def decision_function(self, X) -> np.ndarray:
        return self.forest_.decision_function(self._prepare(X))

    def predict(self, X) -> np.ndarray:
        return self.forest_.predict(self._prepare(X))

    def outlier_score(self, X) -> np.ndarray:
        return -self.score_samples(X)
