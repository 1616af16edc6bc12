"""Export real CNN architectures from torchvision to ONNX for tests and benchmarks.

Usage: /usr/bin/python3 make_real_models.py [output-folder] [--all]

Needs Debian's python3-torch and python3-torchvision. There is no network here, so the
weights are torchvision's own seeded random initialisation, not the ImageNet-trained ones:
the architectures, layer shapes and compute are those of the real models, which is what the
faithfulness tests (every Conv layer's activation against a single-kernel convolution) and the
activation benchmarks need.

Always written (small enough to commit, 4.9 MB): squeezenet1_1.onnx.
With --all also: mobilenet_v2.onnx (14 MB) and resnet18.onnx (45 MB), for benchmarks run by hand.
"""
import os
import sys

import torch
import torchvision


def export(name, model, folder):
    model.eval()
    path = os.path.join(folder, name + ".onnx")
    dummy = torch.zeros(1, 3, 224, 224)
    torch.onnx.export(
        model, dummy, path,
        input_names=["image"], output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13, do_constant_folding=True)
    print(f"{path}: {os.path.getsize(path):,} bytes, "
          f"{sum(p.numel() for p in model.parameters()):,} parameters")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    folder = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(20261126)
    torch.set_num_threads(2)
    export("squeezenet1_1", torchvision.models.squeezenet1_1(weights=None), folder)
    if "--all" in sys.argv:
        export("mobilenet_v2", torchvision.models.mobilenet_v2(weights=None), folder)
        export("resnet18", torchvision.models.resnet18(weights=None), folder)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")


if __name__ == "__main__":
    main()
