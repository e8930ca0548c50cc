#!/usr/bin/env python3
"""Writes small CIFAR-10 python-version batch files for the tests (WganGp.Tests/CifarPickleTests.fs).

Usage: make_cifar_pickle.py SPECS_JSON, a JSON list of objects, one per file:
  path      where to write the file (required)
  style     "py2": emulate Python 2 cPickle (every str and bytes as SHORT_BINSTRING/BINSTRING, as in the real files);
            "py3": Python 3's own pickler (bytes as _codecs.encode(str, 'latin1') at protocol 2, BINBYTES at 3 and 4,
            numpy's _frombuffer with an in-band buffer at 5)                                       (default "py3")
  protocol  pickle protocol                                                                         (default 2)
  first     index of the first record, which sets its pixels and label                              (default 0)
  count     number of records                                                                       (default 2)
  keys      "str" or "bytes": the type of the dict keys (py2 style writes both as py2 str)          (default "str")
  dtype     numpy dtype of the data array                                                           (default "uint8")
  cols      values per row                                                                          (default 3072)
  fortran   store the array in Fortran order                                                        (default false)
  omit      a key to leave out of the dict ("data" or "labels")                                     (default none)
  labels    explicit labels instead of the default ones                                             (default none)
  numpy2    name the numpy 2 module numpy._core.multiarray (protocol 2 only)                        (default false)
  top       "dict" (a batch) or "list" (not a batch)                                                (default "dict")

Record i's value at flat position k (c = k // 1024 the plane, j = k % 1024 the pixel) is (i*7 + c*3 + j) % 256 and its
label is (i*3 + 1) % 10, so the reader's output can be checked exactly.
"""
import json
import pickle
import struct
import sys

try:
    import numpy
except ImportError:
    sys.stderr.write(f"make_cifar_pickle.py: numpy is not installed for {sys.executable} (Debian: apt-get install python3-numpy)\n")
    sys.exit(3)


class Py2Pickler(pickle._Pickler):
    """The pure-Python pickler, writing bytes and str the way Python 2 wrote its str: SHORT_BINSTRING or BINSTRING."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        raw = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(raw) < 256:
            self.write(pickle.SHORT_BINSTRING + struct.pack("<B", len(raw)) + raw)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(raw)) + raw)
        self.memoize(obj)  # the original object: the memo is keyed by its id

    dispatch[bytes] = save_py2_str
    dispatch[str] = save_py2_str


def batch(spec):
    first, count, cols = spec.get("first", 0), spec.get("count", 2), spec.get("cols", 3072)
    i = numpy.arange(first, first + count).reshape(-1, 1)
    k = numpy.arange(cols).reshape(1, -1)
    data = ((i * 7 + (k // 1024) * 3 + k % 1024) % 256).astype(spec.get("dtype", "uint8"))
    if spec.get("fortran", False):
        data = numpy.asfortranarray(data)
    labels = spec.get("labels") or [(r * 3 + 1) % 10 for r in range(first, first + count)]
    key = (lambda s: s.encode("ascii")) if spec.get("keys", "str") == "bytes" else (lambda s: s)
    d = {
        key("batch_label"): key("test batch made by make_cifar_pickle.py"),
        key("labels"): labels,
        key("data"): data,
        key("filenames"): [key(f"record_{r:05d}.png") for r in range(first, first + count)],
    }
    if "omit" in spec:
        del d[key(spec["omit"])]
    return list(d.items()) if spec.get("top", "dict") == "list" else d


def write(spec):
    protocol = spec.get("protocol", 2)
    with open(spec["path"], "wb") as f:
        pickler = Py2Pickler(f, protocol) if spec.get("style", "py3") == "py2" else pickle.Pickler(f, protocol)
        pickler.dump(batch(spec))
    if spec.get("numpy2", False):
        # GLOBAL names are newline-terminated text at protocol 2, so the module can be renamed in place.
        with open(spec["path"], "rb") as f:
            raw = f.read()
        old, new = b"cnumpy.core.multiarray\n", b"cnumpy._core.multiarray\n"
        if protocol != 2 or old not in raw:
            sys.exit("make_cifar_pickle.py: numpy2 renaming needs a protocol 2 file naming numpy.core.multiarray")
        with open(spec["path"], "wb") as f:
            f.write(raw.replace(old, new))


if __name__ == "__main__":
    for s in json.loads(sys.argv[1]):
        write(s)
