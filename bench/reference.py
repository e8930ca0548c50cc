#!/usr/bin/env python3
"""PyTorch reference for `wgangp bench step`: the same generator/critic pairs and the same training step, timed the
same way, so the .NET numbers can be read as ratios against PyTorch on the same machine (Debian's python3-torch with
OpenBLAS). Prints one JSON object per cell on stdout.

Configured as a performance-minded user would run it: one OpenBLAS thread beside torch's intra-op threads (Debian's
torch links OpenBLAS, whose own threads otherwise compete with torch's: 1.8x slower on 2 cores), torch's OpenMP threads
pinned to cores (OMP_PROC_BIND=close, OMP_PLACES=cores), unless the environment already says otherwise; the first line
printed is this configuration.

A training iteration is what the paper's code does at generator iteration it > 0: one generator step, then the
method's critic steps, each on a fresh real batch and fresh z. Real batches are the real images when --idx names an IDX
file (held in memory as a tensor, batches drawn at random, as a performance-minded user would), else uniform noise in
[-1, 1]; weights use PyTorch's default init (timing does not depend on it).

--serve: build each cell once, then for every line N read on stdin time N iterations and print one JSON line, so that a
caller can alternate rounds of its own with rounds of this one (drift on a shared machine then cancels).
"""
import os
import sys

# Before torch (and OpenBLAS) load: their thread settings are read once, at load time.
_CONFIGURED = {"OPENBLAS_NUM_THREADS": "1", "OMP_PROC_BIND": "close", "OMP_PLACES": "cores"}
if any(k not in os.environ for k in _CONFIGURED):
    for key, value in _CONFIGURED.items():
        os.environ.setdefault(key, value)
    os.execv(sys.executable, [sys.executable] + sys.argv)

import argparse
import gzip
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------------------------------------- layers
class SameConv(nn.Module):
    """5x5 (or k x k) stride-s conv with TensorFlow's 'SAME' padding: extra pixel after."""

    def __init__(self, cin, cout, k, stride=1, bias=True):
        super().__init__()
        self.k, self.stride = k, stride
        self.conv = nn.Conv2d(cin, cout, k, stride, 0, bias=bias)

    def pad(self, n):
        out = (n + self.stride - 1) // self.stride
        total = max((out - 1) * self.stride + self.k - n, 0)
        return total // 2, total - total // 2

    def forward(self, x):
        t, b = self.pad(x.shape[2])
        l, r = self.pad(x.shape[3])
        if t or b or l or r:
            x = F.pad(x, (l, r, t, b))
        return self.conv(x)


class SameDeconv(nn.Module):
    """Stride-2 transposed conv with 'SAME' padding: the full output cropped by the forward conv's padding."""

    def __init__(self, cin, cout, k, bias=True):
        super().__init__()
        self.before = (k - 2) // 2
        self.deconv = nn.ConvTranspose2d(cin, cout, k, 2, 0, bias=bias)

    def forward(self, x):
        h, w = x.shape[2] * 2, x.shape[3] * 2
        return self.deconv(x)[:, :, self.before:self.before + h, self.before:self.before + w]


def norm2d(kind, c):
    return {"batch": lambda: nn.BatchNorm2d(c, eps=1e-5), "layer": lambda: nn.GroupNorm(1, c, eps=1e-5),
            "none": nn.Identity}[kind]()


def gate(x):
    return torch.sigmoid(x[:, 0::2]) * torch.tanh(x[:, 1::2])


# ------------------------------------------------------------------------------------ Figure 2 (gan_64x64.py) pairs
class DcganG(nn.Module):
    """Variants 1 (baseline), 4 (no norm), 5 (gated), 6 (tanh)."""

    def __init__(self, size, channels, dim=64, latent=128, norm="batch", act="relu"):
        super().__init__()
        self.act, self.start = act, dim * size // 8
        mult = 2 if act == "gated" else 1
        self.input = nn.Linear(latent, 4 * 4 * self.start * mult)
        self.input_norm = norm2d(norm, self.start * mult)
        self.ups, self.norms = nn.ModuleList(), nn.ModuleList()
        width, res = self.start, 4
        while res < size:
            last = res * 2 == size
            out = channels if last else width // 2
            self.ups.append(SameDeconv(width, out if last else out * mult, 5))
            if not last:
                self.norms.append(norm2d(norm, out * mult))
            width, res = out, res * 2

    def nonlin(self, x):
        return {"relu": F.relu, "tanh": torch.tanh, "gated": gate}[self.act](x)

    def forward(self, z):
        x = self.input(z).view(z.shape[0], -1, 4, 4)
        x = self.nonlin(self.input_norm(x))
        for i, up in enumerate(self.ups):
            x = self.nonlin(self.norms[i](up(x))) if i < len(self.norms) else torch.tanh(up(x))
        return x


class DcganD(nn.Module):
    def __init__(self, size, channels, dim=64, norm="layer", act="lrelu"):
        super().__init__()
        self.act = act
        mult = 2 if act == "gated" else 1
        self.downs, self.norms = nn.ModuleList(), nn.ModuleList()
        width, res = channels, size
        while res > 4:
            nxt = dim if width == channels else width * 2
            self.downs.append(SameConv(width, nxt * mult, 5, 2))
            self.norms.append(nn.Identity() if width == channels else norm2d(norm, nxt * mult))
            width, res = nxt, res // 2
        self.output = nn.Linear(4 * 4 * width, 1)

    def nonlin(self, x):
        return {"lrelu": lambda t: F.leaky_relu(t, 0.2), "tanh": torch.tanh, "gated": gate}[self.act](x)

    def forward(self, x):
        for down, n in zip(self.downs, self.norms):
            x = self.nonlin(n(down(x)))
        return self.output(x.flatten(1))


class ConstantG(nn.Module):
    """Variant 2: no BN, a constant number of filters."""

    def __init__(self, size, channels, dim=64, latent=128):
        super().__init__()
        self.dim = dim
        self.input = nn.Linear(latent, 4 * 4 * dim)
        layers, res = [], 4
        while res < size:
            layers.append(SameDeconv(dim, channels if res * 2 == size else dim, 5))
            res *= 2
        self.ups = nn.ModuleList(layers)

    def forward(self, z):
        x = F.relu(self.input(z)).view(z.shape[0], self.dim, 4, 4)
        for i, up in enumerate(self.ups):
            x = up(x)
            x = torch.tanh(x) if i == len(self.ups) - 1 else F.relu(x)
        return x


class MlpG(nn.Module):
    """Variant 3: 4-layer 512-wide ReLU MLP."""

    def __init__(self, size, channels, latent=128, width=512):
        super().__init__()
        self.shape = (channels, size, size)
        self.hidden = nn.ModuleList([nn.Linear(latent if i == 0 else width, width) for i in range(4)])
        self.output = nn.Linear(width, channels * size * size)

    def forward(self, z):
        for layer in self.hidden:
            z = F.relu(layer(z))
        return torch.tanh(self.output(z)).view(z.shape[0], *self.shape)


class Bottleneck(nn.Module):
    """ResNet-101 block: shortcut + 0.3 * F(x), F = ReLU, 1x1, ReLU, 3x3 (resampling), ReLU, 1x1 (no bias), N."""

    def __init__(self, cin, cout, resample, norm):
        super().__init__()
        self.resample = resample
        self.c1 = nn.Conv2d(cin, cin // 2, 1)
        if resample == "down":
            self.c2 = SameConv(cin // 2, cout // 2, 3, 2)
        elif resample == "up":
            self.c2 = SameDeconv(cin // 2, cout // 2, 3)
        else:
            self.c2 = nn.Conv2d(cin // 2, cout // 2, 3, 1, 1)
        self.c3 = nn.Conv2d(cout // 2, cout, 1, bias=False)
        self.n = norm2d(norm, cout)
        if resample == "down":
            self.short = nn.Conv2d(cin, cout, 1, 2)
        elif resample == "up":
            self.short = nn.Sequential(nn.Conv2d(cin, 4 * cout, 1), nn.PixelShuffle(2))
        else:
            self.short = nn.Identity() if cin == cout else nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        f = self.n(self.c3(F.relu(self.c2(F.relu(self.c1(F.relu(x)))))))
        return self.short(x) + 0.3 * f


def stages(size):
    """(resolution, blocks) from 4x4 up to size: 6 blocks per resolution, 5 at 64x64 (33 blocks in all at 64)."""
    res, out = 4, []
    while res <= size:
        out.append((res, 5 if res == 64 else 6))
        res *= 2
    return out


class ResNetG(nn.Module):
    """Width 32*dim/r at resolution r (512 at 4x4 for dim 64), whatever the output size."""

    def __init__(self, size, channels, dim=64, latent=128, norm="batch"):
        super().__init__()
        self.start = 8 * dim
        self.input = nn.Linear(latent, 4 * 4 * self.start)
        blocks, width = [], self.start
        for i, (res, n) in enumerate(stages(size)):
            blocks += [Bottleneck(width, width, None, norm) for _ in range(n)]
            if res < size:
                blocks.append(Bottleneck(width, width // 2, "up", norm))
                width //= 2
        self.blocks = nn.Sequential(*blocks)
        self.output = nn.Conv2d(width, channels, 1)

    def forward(self, z):
        x = self.blocks(self.input(z).view(z.shape[0], self.start, 4, 4))
        return torch.tanh(self.output(x) / 5)


class ResNetD(nn.Module):
    def __init__(self, size, channels, dim=64, norm="layer"):
        super().__init__()
        width = 32 * dim // size
        self.input = nn.Conv2d(channels, width, 1)
        blocks = []
        for res, n in reversed(stages(size)):
            blocks += [Bottleneck(width, width, None, norm) for _ in range(n)]
            if res > 4:
                blocks.append(Bottleneck(width, width * 2, "down", norm))
                width *= 2
        self.blocks = nn.Sequential(*blocks)
        self.output = nn.Linear(4 * 4 * width, 1)

    def forward(self, x):
        return self.output(self.blocks(self.input(x)).flatten(1)) / 5


VARIANTS = ["dcgan", "constant-g", "mlp-g", "no-norm", "gated", "tanh", "resnet101"]


def pair(variant, size, channels, critic_norm, dim=64):
    if variant == "dcgan":
        return DcganG(size, channels, dim), DcganD(size, channels, dim, norm=critic_norm)
    if variant == "constant-g":
        return ConstantG(size, channels, dim), DcganD(size, channels, dim, norm=critic_norm)
    if variant == "mlp-g":
        return MlpG(size, channels, width=8 * dim), DcganD(size, channels, dim, norm=critic_norm)
    if variant == "no-norm":
        return DcganG(size, channels, dim, norm="none"), DcganD(size, channels, dim, norm="none")
    if variant == "gated":
        return DcganG(size, channels, dim, act="gated"), DcganD(size, channels, dim, norm=critic_norm, act="gated")
    if variant == "tanh":
        return DcganG(size, channels, dim, act="tanh"), DcganD(size, channels, dim, norm=critic_norm, act="tanh")
    if variant == "resnet101":
        return ResNetG(size, channels, dim), ResNetD(size, channels, dim, norm=critic_norm)
    raise ValueError(f"unknown variant {variant}")


# ---------------------------------------------------------------------------------------------------------- methods
def wasserstein_d(real, fake):
    return fake.mean() - real.mean()


def bce_d(real, fake):
    return 0.5 * (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                  + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))


def ls_d(real, fake):
    return 0.5 * (((real - 1) ** 2).mean() + (fake ** 2).mean())


METHODS = {
    # name: (critic loss, generator loss, penalty?, clip, optimiser, critic steps, critic normaliser)
    "wgan-gp": (wasserstein_d, lambda f: -f.mean(), True, None, ("adam", 1e-4, (0.0, 0.9)), 5, "layer"),
    "wgan-clip": (wasserstein_d, lambda f: -f.mean(), False, 0.01, ("rmsprop", 5e-5), 5, "batch"),
    "dcgan": (bce_d, lambda f: F.binary_cross_entropy_with_logits(f, torch.ones_like(f)), False, None,
              ("adam", 2e-4, (0.5, 0.999)), 1, "batch"),
    "lsgan": (ls_d, lambda f: ((f - 1) ** 2).mean(), False, None, ("rmsprop", 1e-4), 1, "batch"),
}


def optimiser(spec, params):
    if spec[0] == "adam":
        return torch.optim.Adam(params, lr=spec[1], betas=spec[2], eps=1e-8)
    return torch.optim.RMSprop(params, lr=spec[1], alpha=0.9, eps=1e-10)


def penalty(critic, real, fake, lam=10.0):
    eps = torch.rand([real.shape[0]] + [1] * (real.dim() - 1))
    x = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    out = critic(x)
    g = torch.autograd.grad(out, x, torch.ones_like(out), retain_graph=True, create_graph=True)[0]
    return lam * ((g.reshape(g.shape[0], -1).norm(2, dim=1) - 1) ** 2).mean()


def load_idx(path, size):
    """An IDX image file (gzipped or not) as a float tensor [N, 1, size, size] in [-1, 1], zero-padded to size."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    n, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    images = torch.frombuffer(bytearray(data[16:16 + n * rows * cols]), dtype=torch.uint8).view(n, 1, rows, cols)
    images = images.float() / 127.5 - 1
    pad = (size - rows) // 2
    return F.pad(images, (pad, size - cols - pad, pad, size - rows - pad), value=-1.0) if pad > 0 else images


def cell(variant, method, args, images):
    """The cell's networks, optimisers and one generator iteration (a function)."""
    d_loss, g_loss, gp, clip, opt_spec, n_critic, critic_norm = METHODS[method]
    torch.manual_seed(args.seed)
    g, d = pair(variant, args.size, args.channels, critic_norm, args.dim)
    g_opt, d_opt = optimiser(opt_spec, g.parameters()), optimiser(opt_spec, d.parameters())
    shape = (args.batch, args.channels, args.size, args.size)

    def real_batch():
        if images is None:
            return torch.rand(shape) * 2 - 1
        return images[torch.randint(0, images.shape[0], (args.batch,))]

    def critic_step():
        real = real_batch()
        with torch.no_grad():
            fake = g(torch.randn(args.batch, 128))
        loss = d_loss(d(real), d(fake))
        if gp:
            loss = loss + penalty(d, real, fake)
        d_opt.zero_grad()
        loss.backward()
        d_opt.step()
        if clip is not None:
            with torch.no_grad():
                for p in d.parameters():
                    p.clamp_(-clip, clip)
        return loss.item()

    def generator_step():
        for p in d.parameters():
            p.requires_grad_(False)
        loss = g_loss(d(g(torch.randn(args.batch, 128))))
        g_opt.zero_grad()
        loss.backward()
        g_opt.step()
        for p in d.parameters():
            p.requires_grad_(True)
        return loss.item()

    def iteration():
        generator_step()
        for _ in range(n_critic):
            critic_step()

    return g, d, iteration


def timed(iteration, n):
    start = time.perf_counter()
    for _ in range(n):
        iteration()
    return (time.perf_counter() - start) / n


def time_cell(variant, method, args, images):
    g, d, iteration = cell(variant, method, args, images)
    for _ in range(args.warmup):
        iteration()
    seconds = timed(iteration, args.iterations)
    return {"architecture": variant, "method": method, "seconds_per_iteration": seconds,
            "generator_parameters": sum(p.numel() for p in g.parameters()),
            "critic_parameters": sum(p.numel() for p in d.parameters())}


def configuration():
    """What this PyTorch runs with, for the report."""
    return {"torch": torch.__version__, "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
            "blas": blas(), "mkldnn": torch.backends.mkldnn.is_available(),
            **{key.lower(): os.environ.get(key) for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES")}}


def serve(variant, method, args, images):
    """Builds the cell, warms it up, then times N iterations for every line N on stdin (an empty line or EOF ends)."""
    g, d, iteration = cell(variant, method, args, images)
    for _ in range(args.warmup):
        iteration()
    print(json.dumps({"ready": True, "generator_parameters": sum(p.numel() for p in g.parameters()),
                      "critic_parameters": sum(p.numel() for p in d.parameters())}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        print(json.dumps({"seconds_per_iteration": timed(iteration, int(line))}), flush=True)


def blas():
    """The BLAS library actually loaded (Debian's torch uses whatever libblas.so.3 points to)."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open("/proc/self/maps") as maps:
        text = maps.read()
    for name in ("openblas", "blis", "mkl", "libblas"):
        if name in text:
            return name
    return "unknown"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--architectures", default=",".join(VARIANTS))
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--dim", type=int, default=64, help="the code's DIM (64 x the width multiplier)")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--iterations", type=int, default=2)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--count-only", action="store_true", help="print parameter counts without timing")
    p.add_argument("--idx", help="real images: an IDX file (e.g. Fashion-MNIST's train-images-idx3-ubyte.gz)")
    p.add_argument("--serve", action="store_true", help="one cell; time N iterations for every line N on stdin")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    images = load_idx(args.idx, args.size) if args.idx else None
    print(json.dumps({"configuration": configuration()}), flush=True)
    if args.serve:
        return serve(args.architectures, args.methods, args, images)
    for variant in args.architectures.split(","):
        for method in args.methods.split(","):
            if args.count_only:
                g, d = pair(variant, args.size, args.channels, METHODS[method][6], args.dim)
                result = {"architecture": variant, "method": method,
                          "generator_parameters": sum(p.numel() for p in g.parameters()),
                          "critic_parameters": sum(p.numel() for p in d.parameters())}
            else:
                result = time_cell(variant, method, args, images)
            result.update({"torch": torch.__version__, "threads": torch.get_num_threads(),
                           "blas": blas()})
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
