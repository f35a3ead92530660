"""A stand-in for one step of the DUNE ND 2x2 simulation chain: it reads
its inputs ($HETFLOW_INPUTS, as hetflow staged them), burns the given
seconds of compute, and writes each output ($HETFLOW_OUTPUTS) of the given
size, its content derived from the inputs so that a broken chain shows.

    step.py NAME SECONDS MEGABYTES

The GPU step (larnd-sim) uses a GPU when one is visible (CUDA_VISIBLE_DEVICES
set by hetflow, and CuPy or PyTorch importable), the CPU otherwise; it says
which on stdout."""
import hashlib
import os
import sys
import time


def gpu_burn(seconds):
    """Matrix products on the GPU for `seconds`; False when none is usable."""
    if not os.environ.get("CUDA_VISIBLE_DEVICES"):
        return False
    try:
        import cupy as xp
    except ImportError:
        try:
            import torch
        except ImportError:
            return False
        if not torch.cuda.is_available():
            return False
        a = torch.rand(2048, 2048, device="cuda")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            a = (a @ a).clamp_(0, 1)
        torch.cuda.synchronize()
        return True
    a = xp.random.rand(2048, 2048)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        a = xp.clip(a @ a, 0, 1)
    xp.cuda.Stream.null.synchronize()
    return True


def cpu_burn(seconds):
    h = hashlib.sha256()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        h.update(b"x" * 4096)


def main():
    name, seconds, megabytes = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    digest = hashlib.sha256(name.encode())
    for path in os.environ.get("HETFLOW_INPUTS", "").split():
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    on_gpu = name == "larnd-sim" and gpu_burn(seconds)
    if not on_gpu:
        cpu_burn(seconds)
    block = digest.digest() * (1 << 15)  # 1 MiB
    for path in os.environ.get("HETFLOW_OUTPUTS", "").split():
        with open(path, "wb") as f:
            for _ in range(int(megabytes)):
                f.write(block)
    print(f"{name}: {seconds} s on {'GPU' if on_gpu else 'CPU'}, "
          f"{len(os.environ.get('HETFLOW_OUTPUTS', '').split())} outputs")


if __name__ == "__main__":
    main()
