#!/usr/bin/env python3
"""scipy reference for `wgangp bench metrics`: Tr sqrtm(sigma1 @ sigma2) as pytorch-fid / TTUR compute it
(scipy.linalg.sqrtm of the product, disp=False, real part), timed. Usage: metric_sqrtm.py SIGMA1.npy SIGMA2.npy.
Prints one JSON object: seconds, trace_sqrt, versions and the BLAS numpy is linked against (Debian's alternatives)."""
import json
import os
import sys
import time

import numpy as np
import scipy
from scipy import linalg


def main(path1, path2):
    s1, s2 = np.load(path1), np.load(path2)
    start = time.perf_counter()
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    trace = float(np.trace(covmean.real))
    seconds = time.perf_counter() - start
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(json.dumps({"seconds": seconds, "trace_sqrt": trace, "numpy": np.__version__, "scipy": scipy.__version__,
                      "blas": blas, "max_imag": float(np.abs(np.asarray(covmean).imag).max())}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
