#!/usr/bin/env python3
"""Reference files for the C# InceptionV3 port (WganGp.Tests/InceptionTests.fs), without the real weights.

Usage: /usr/bin/python3 make_inception_reference.py OUT_DIR   (Debian: python3-torch 1.13, python3-torchvision 0.14)

Follows ../shared/spec/metrics.md section 4: torchvision's Inception3(num_classes=1008, aux_logits=False) with the
FID blocks swapped in (written here from the spec: avg pools with count_include_pad=False in Mixed_5b-5d, 6b-6e,
7b; a 3/s1/p1 max pool in Mixed_7c), batch-norm gamma and beta perturbed and the statistics then calibrated on
2 random batches (momentum=None, fresh statistics, train mode), so eval-mode batch norm is exercised with activations
of a sane scale. Everything is seeded.

Writes into OUT_DIR:
  weights.pth          the FID-variant state_dict (torch.save, zip format; about 95 MB)
  legacy.pth           a tiny state_dict in the legacy (non-zip) format, for the loader's error
  missing.pth          weights.pth without Mixed_6e.branch_pool.bn.running_var
  lean.pth             weights.pth without the num_batches_tracked counters (as torch-fidelity's converted file)
  aux.pth              torchvision's layout: the same weights plus AuxLogits
  fc1000.pth           weights.pth with a 1000-class fc
  meta.json            state_dict keys and shapes in order, parameter counts, the stage names, weights.pth's SHA-256
  img32.npy            uint8 [2,3,32,32];  img299.npy uint8 [2,3,299,299];  imgrect.npy uint8 [2,3,40,28]
  resize_tf1_<s>.npy   TF1 bilinear resize to 299 of img<s> as float (0..255), s in 32, rect
  resize_pt_<s>.npy    F.interpolate(img<s>/255, 299, bilinear, align_corners=False)
  x299.npy             the network input of img299 on the TF path: (x - 128) / 128
  x_tf32.npy, x_pt32.npy  the network inputs of img32 on the TF and pytorch-fid paths
  stage_<name>.npy     every stage's output (Conv2d_1a_3x3 ... maxpool2, Mixed_5b ... Mixed_7c) on x299, FID net
  taps_<f>_<in>_<tap>.npy  taps of flavour f on input in (tf299, tf32: TF path; pt32: pytorch-fid path): fid on all
                       three, tv on tf299; tap in pool64, pool192, pool768, pool3, logits_unbiased, logits
  taps64_<f>_<in>_<tap>.npy  float64 throughout (inputs, resizes and network): fid on tf32 and pt32, tv on tf32
"""
import collections
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.models import inception as tv

SIZE = 299
MISSING = "Mixed_6e.branch_pool.bn.running_var"  # the key missing.pth lacks


# ---- The FID blocks (pytorch-fid's fid_inception_v3 semantics, written from the spec) ----

def tf_avg_pool(x):
    # TF's average pool divides by the number of valid (unpadded) inputs.
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class FidInceptionA(tv.InceptionA):
    def _forward(self, x):
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        bp = self.branch_pool(tf_avg_pool(x))
        return [b1, b5, b3, bp]


class FidInceptionC(tv.InceptionC):
    def _forward(self, x):
        b1 = self.branch1x1(x)
        b7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        bd = x
        for conv in (self.branch7x7dbl_1, self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4,
                     self.branch7x7dbl_5):
            bd = conv(bd)
        bp = self.branch_pool(tf_avg_pool(x))
        return [b1, b7, bd, bp]


class FidInceptionE(tv.InceptionE):
    """E_1 (Mixed_7b): avg pool without padding counts; E_2 (Mixed_7c): max pool 3/s1/p1."""

    def __init__(self, in_channels, max_pool):
        super().__init__(in_channels)
        self.max_pool = max_pool

    def _forward(self, x):
        b1 = self.branch1x1(x)
        b3 = self.branch3x3_1(x)
        b3 = torch.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        bd = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        bd = torch.cat([self.branch3x3dbl_3a(bd), self.branch3x3dbl_3b(bd)], 1)
        pooled = F.max_pool2d(x, kernel_size=3, stride=1, padding=1) if self.max_pool else tf_avg_pool(x)
        bp = self.branch_pool(pooled)
        return [b1, b3, bd, bp]


def swap(net, name, block):
    block.load_state_dict(getattr(net, name).state_dict())  # keep torchvision's initialisation
    setattr(net, name, block)


def fid_net():
    net = tv.Inception3(num_classes=1008, aux_logits=False, init_weights=True)
    for name, cin, pf in (("Mixed_5b", 192, 32), ("Mixed_5c", 256, 64), ("Mixed_5d", 288, 64)):
        swap(net, name, FidInceptionA(cin, pool_features=pf))
    for name, c7 in (("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)):
        swap(net, name, FidInceptionC(768, channels_7x7=c7))
    swap(net, "Mixed_7b", FidInceptionE(1280, max_pool=False))
    swap(net, "Mixed_7c", FidInceptionE(2048, max_pool=True))
    return net


STAGES = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3",
          "maxpool2", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d",
          "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c"]


def taps(net, x, on_stage=None):
    """The pytorch-fid taps (64: after maxpool1, 192: after maxpool2, 768: after Mixed_6e; spatially averaged),
    pool3 and the logits without and with the fc bias; on_stage(name, output) sees every stage's output."""
    out = {}
    for name in STAGES:
        x = getattr(net, name)(x)
        if on_stage is not None:
            on_stage(name, x)
        if name == "maxpool1":
            out["pool64"] = x.mean((2, 3))
        elif name == "maxpool2":
            out["pool192"] = x.mean((2, 3))
        elif name == "Mixed_6e":
            out["pool768"] = x.mean((2, 3))
    pool3 = torch.flatten(net.avgpool(x), 1)
    out["pool3"] = pool3
    out["logits_unbiased"] = pool3 @ net.fc.weight.t()
    out["logits"] = net.fc(pool3)
    return out


# ---- Resizes ----

def tf1_axis(n_in, n_out):
    # TF1 ResizeBilinear, align_corners=False, no half-pixel offset, in float32 as TF computes it.
    scale = np.float32(n_in) / np.float32(n_out)
    src = np.arange(n_out, dtype=np.float32) * scale
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = (src - lo.astype(np.float32)).astype(np.float32)
    return lo, hi, frac


def tf1_resize(x, out_h, out_w):
    ylo, yhi, fy = tf1_axis(x.shape[2], out_h)
    xlo, xhi, fx = tf1_axis(x.shape[3], out_w)
    top, bottom = x[:, :, ylo, :], x[:, :, yhi, :]
    t = top[..., xlo] + (top[..., xhi] - top[..., xlo]) * fx
    b = bottom[..., xlo] + (bottom[..., xhi] - bottom[..., xlo]) * fx
    return (t + (b - t) * fy[:, None]).astype(x.dtype)


def pt_resize(x01):
    return F.interpolate(torch.from_numpy(x01), size=(SIZE, SIZE), mode="bilinear", align_corners=False).numpy()


def tf_input(img, dtype=np.float32):
    x = img.astype(dtype)
    if x.shape[2:] != (SIZE, SIZE):
        x = tf1_resize(x, SIZE, SIZE)
    return torch.from_numpy((x - 128.0) / 128.0)


def pt_input(img, dtype=np.float32):
    return torch.from_numpy(pt_resize(img.astype(dtype) / 255.0) * 2.0 - 1.0)


def main(out):
    started = time.time()
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20170331)
    rng = np.random.RandomState(20170331)
    save = lambda name, a: np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(a))

    net = fid_net()

    # Perturb gamma and beta first, then calibrate the statistics under them (cumulative statistics of 2 random
    # batches in train mode, momentum=None), so eval-mode batch norm applies non-trivial affine terms and running
    # statistics while activations keep their scale. The fc gets a bias that matters.
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for bn in bns:
            bn.weight.mul_(torch.empty_like(bn.weight).uniform_(0.5, 1.5))
            bn.bias.add_(torch.randn_like(bn.bias) * 0.1)
            bn.momentum = None
            bn.reset_running_stats()
        net.fc.bias.copy_(torch.randn_like(net.fc.bias))
        net.train()
        for _ in range(2):
            # Half full-size noise, half upscaled small noise: both kinds of test input stay in range.
            sharp = tf_input(rng.randint(0, 256, (2, 3, SIZE, SIZE)).astype(np.uint8))
            smooth = tf_input(rng.randint(0, 256, (2, 3, 32, 32)).astype(np.uint8))
            net(torch.cat([sharp, smooth]))
    net.eval()

    sd = net.state_dict()
    torch.save(sd, os.path.join(out, "weights.pth"))
    torch.save({"w": torch.zeros(3)}, os.path.join(out, "legacy.pth"), _use_new_zipfile_serialization=False)

    count = lambda m: sum(p.numel() for p in m.parameters())
    tv_aux = tv.Inception3(num_classes=1000, aux_logits=True, init_weights=False)
    meta = {
        "keys": [[k, list(v.shape)] for k, v in sd.items()],
        "fid_parameters": count(net),
        "fid_backbone_parameters": count(net) - count(net.fc),
        "torchvision_aux_1000_parameters": count(tv_aux),
        "stages": STAGES,
        "torch": torch.__version__,
        "sha256": hashlib.sha256(open(os.path.join(out, "weights.pth"), "rb").read()).hexdigest(),
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f)

    img32 = rng.randint(0, 256, (2, 3, 32, 32)).astype(np.uint8)
    imgrect = rng.randint(0, 256, (2, 3, 40, 28)).astype(np.uint8)
    img299 = rng.randint(0, 256, (2, 3, SIZE, SIZE)).astype(np.uint8)
    save("img32", img32)
    save("imgrect", imgrect)
    save("img299", img299)
    for name, img in (("32", img32), ("rect", imgrect)):
        save("resize_tf1_" + name, tf1_resize(img.astype(np.float32), SIZE, SIZE))
        save("resize_pt_" + name, pt_resize(img.astype(np.float32) / 255.0))

    # Files for the loader's errors: one key missing; no num_batches_tracked (as torch-fidelity's converter writes);
    # torchvision's layout with AuxLogits (the same weights elsewhere); fc with 1000 classes.
    def save_dict(name, d):
        torch.save(collections.OrderedDict(d), os.path.join(out, name + ".pth"))
    save_dict("missing", ((k, v) for k, v in sd.items() if k != MISSING))
    save_dict("lean", ((k, v) for k, v in sd.items() if not k.endswith(".num_batches_tracked")))
    aux = tv.Inception3(num_classes=1008, aux_logits=True, init_weights=False)
    aux.load_state_dict(sd, strict=False)
    save_dict("aux", aux.state_dict())
    save_dict("fc1000", ((k, torch.zeros(1000, *v.shape[1:]) if k.startswith("fc.") else v) for k, v in sd.items()))

    x299 = tf_input(img299)
    save("x299", x299.numpy())
    tvnet = tv.Inception3(num_classes=1008, aux_logits=False, transform_input=False, init_weights=False)
    tvnet.load_state_dict(sd)
    tvnet.eval()
    with torch.no_grad():
        x_tf32, x_pt32 = tf_input(img32), pt_input(img32)
        save("x_tf32", x_tf32.numpy())
        save("x_pt32", x_pt32.numpy())
        runs = [("fid", net, "tf299", x299), ("fid", net, "tf32", x_tf32), ("fid", net, "pt32", x_pt32),
                ("tv", tvnet, "tf299", x299)]
        for flavour, model, iname, xin in runs:
            on_stage = (lambda name, value: save("stage_" + name, value.numpy())) if (flavour, iname) == ("fid", "tf299") else None
            for tap, value in taps(model, xin, on_stage).items():
                save("taps_%s_%s_%s" % (flavour, iname, tap), value.numpy())
        # float64 throughout, inputs included: both resizes on the FID net, the TF one on torchvision's.
        net.double()
        tvnet.double()
        runs64 = [("fid", net, "tf32", tf_input(img32, np.float64)), ("fid", net, "pt32", pt_input(img32, np.float64)),
                  ("tv", tvnet, "tf32", tf_input(img32, np.float64))]
        for flavour, model, iname, xin in runs64:
            for tap, value in taps(model, xin).items():
                save("taps64_%s_%s_%s" % (flavour, iname, tap), value.numpy())
    print("wrote %s in %.1f s" % (out, time.time() - started))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_inception_reference.py OUT_DIR")
    main(sys.argv[1])
