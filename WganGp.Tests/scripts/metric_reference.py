#!/usr/bin/env python3
"""Reference values for MetricTests.fs, computed with numpy and scipy as the metric libraries compute them.

    metric_reference.py make DIR      writes fixed random inputs as .npy files (float64, so both sides read the same
                                      numbers), two .npz statistics files as pytorch-fid writes them, and DIR/results.json
    metric_reference.py read-npz FILE prints what numpy reads from an .npz (keys, dtypes, shapes, sums) as JSON

The algorithms follow the canonical code (see ../../shared/spec/metrics.md):
- IS: torch-fidelity's isc_features_to_metric (RandomState(seed).permutation(N) shuffle, float64 softmax and
  log-softmax, splits [i*N//s, (i+1)*N//s), mean and population std over splits);
- FID: pytorch-fid / TTUR (mu = mean, sigma = np.cov(rowvar=False), scipy.linalg.sqrtm(sigma1 @ sigma2) with the eps
  fallback and the imaginary-part check);
- KID: torch-fidelity's kid_features_to_metric (one RandomState(seed); per subset choice(N1, m, replace=False) then
  choice(N2, m, replace=False); unbiased MMD^2 with the cubic polynomial kernel; mean and population std).
Needs only Debian's python3-numpy and python3-scipy.
"""
import json
import os
import sys

import numpy as np
from scipy import linalg


def inception_score(logits, splits, shuffle, seed):
    n = logits.shape[0]
    if shuffle:
        logits = logits[np.random.RandomState(seed).permutation(n), :]
    x = logits.astype(np.float64)
    top = x.max(axis=1, keepdims=True)
    e = np.exp(x - top)
    total = e.sum(axis=1, keepdims=True)
    p = e / total
    log_p = x - top - np.log(total)
    scores = []
    for i in range(splits):
        lo, hi = i * n // splits, (i + 1) * n // splits
        q = p[lo:hi].mean(axis=0, keepdims=True)
        kl = (p[lo:hi] * (log_p[lo:hi] - np.log(q))).sum(axis=1)
        scores.append(float(np.exp(kl.mean())))
    return float(np.mean(scores)), float(np.std(scores)), scores


def statistics(features):
    return np.mean(features, axis=0), np.cov(features, rowvar=False)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("Imaginary component %s" % np.max(np.abs(covmean.imag)))
        covmean = covmean.real
    tr_covmean = float(np.trace(covmean))
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean), tr_covmean


def polynomial_kernel(x, y, degree, gamma, coef0):
    if gamma is None:
        gamma = 1.0 / x.shape[1]
    return (np.matmul(x, y.T) * gamma + coef0) ** degree


def mmd2(k_xx, k_xy, k_yy):
    m = k_xx.shape[0]
    kt_xx = (k_xx.sum(axis=1) - np.diagonal(k_xx)).sum()
    kt_yy = (k_yy.sum(axis=1) - np.diagonal(k_yy)).sum()
    return (kt_xx + kt_yy) / (m * (m - 1)) - 2 * k_xy.sum(axis=0).sum() / (m * m)


def kernel_inception_distance(f1, f2, subsets, subset_size, degree=3, gamma=None, coef0=1, seed=2020):
    rng = np.random.RandomState(seed)
    values = np.zeros(subsets)
    for i in range(subsets):
        a = f1[rng.choice(len(f1), subset_size, replace=False)]
        b = f2[rng.choice(len(f2), subset_size, replace=False)]
        values[i] = mmd2(polynomial_kernel(a, a, degree, gamma, coef0), polynomial_kernel(a, b, degree, gamma, coef0),
                         polynomial_kernel(b, b, degree, gamma, coef0))
    return float(np.mean(values)), float(np.std(values))


def features(rng, n, d, scale, shift, mixing):
    """Non-negative, correlated rows like pooled activations."""
    return np.abs(rng.standard_normal((n, d)) @ mixing * scale + shift)


def make(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(12345)
    d = 64
    mixing_a = np.eye(d) + 0.3 * rng.standard_normal((d, d)) / np.sqrt(d)
    mixing_b = np.eye(d) + 0.5 * rng.standard_normal((d, d)) / np.sqrt(d)
    result = {}

    def save(name, array):
        np.save(os.path.join(out, name), np.ascontiguousarray(array, dtype=np.float64))
        return name

    # FID: N=400 and N=300 rows of D=64, different distributions.
    fid_a = features(rng, 400, d, 1.0, 0.0, mixing_a)
    fid_b = features(rng, 300, d, 1.2, 0.1, mixing_b)
    mu_a, sigma_a = statistics(fid_a)
    mu_b, sigma_b = statistics(fid_b)
    fid, tr = frechet_distance(mu_a, sigma_a, mu_b, sigma_b)
    result["fid"] = {"a": save("fid_a.npy", fid_a), "b": save("fid_b.npy", fid_b), "value": fid, "trace_sqrt": tr,
                     "trace_a": float(np.trace(sigma_a)), "trace_b": float(np.trace(sigma_b))}
    # Statistics files as pytorch-fid's --save-stats writes them (savez_compressed) and an uncompressed float32 one.
    np.savez_compressed(os.path.join(out, "stats_b.npz"), mu=mu_b, sigma=sigma_b)
    np.savez(os.path.join(out, "stats_b_f4.npz"), mu=mu_b.astype(np.float32), sigma=sigma_b.astype(np.float32))
    result["npz"] = {"features": "fid_b.npy", "f8_deflated": "stats_b.npz", "f4_stored": "stats_b_f4.npz"}

    # IS: logits over 1008 classes with class-dependent structure; N not a multiple of the splits.
    cases = []
    for i, (n, classes, splits, shuffle, seed) in enumerate(
            [(997, 1008, 10, True, 2020), (500, 1008, 7, False, 2020), (640, 10, 3, True, 7)]):
        centres = 4.0 * rng.standard_normal((7, classes))
        logits = centres[rng.randint(0, 7, n)] + 1.5 * rng.standard_normal((n, classes))
        mean, std, scores = inception_score(logits, splits, shuffle, seed)
        cases.append({"logits": save(f"logits_{i}.npy", logits), "splits": splits, "shuffle": shuffle, "seed": seed,
                      "mean": mean, "std": std, "scores": scores})
    result["is"] = cases

    # KID: small configurations and torch-fidelity's default subset size (1000; 10 subsets, not 100, to stay fast).
    kid_cases = []
    for i, (n1, n2, subsets, size, seed) in enumerate([(600, 500, 20, 100, 2020), (1200, 1100, 10, 1000, 2020),
                                                       (300, 250, 5, 50, 99)]):
        a = features(rng, n1, d, 1.0, 0.0, mixing_a)
        b = features(rng, n2, d, 1.1, 0.05, mixing_b)
        mean, std = kernel_inception_distance(a, b, subsets, size, seed=seed)
        kid_cases.append({"a": save(f"kid_a_{i}.npy", a), "b": save(f"kid_b_{i}.npy", b), "subsets": subsets,
                          "subset_size": size, "seed": seed, "mean": mean, "std": std})
    result["kid"] = kid_cases

    # The legacy generator's draws, for NumpyRandomState.
    perms = []
    for seed in [0, 1, 2020, 123456789, 4294967295]:
        for n in [0, 1, 2, 3, 10, 1000, 70000]:
            perms.append({"seed": seed, "n": n, "permutation": np.random.RandomState(seed).permutation(n).tolist()})
    result["permutations"] = perms
    rng_choice = np.random.RandomState(2020)
    result["choices"] = {"seed": 2020, "draws": [
        {"n": n, "size": size, "value": rng_choice.choice(n, size, replace=False).tolist()}
        for n, size in [(1200, 100), (1100, 100), (5, 5), (70000, 1000), (17, 3)]]}
    result["versions"] = {"numpy": np.__version__, "scipy": __import__("scipy").__version__}

    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(result, f)


def read_npz(path):
    with np.load(path) as f:
        print(json.dumps({k: {"dtype": f[k].dtype.str, "shape": list(f[k].shape), "sum": float(f[k].sum())}
                          for k in f.files}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "read-npz":
        read_npz(sys.argv[2])
    else:
        sys.exit(__doc__)
