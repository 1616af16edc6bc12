"""Train the lecture's Fashion-MNIST CNN, export it to ONNX, and write the sample's data.

The network is the lecture's, in PyTorch terms (valid padding, stride 1, like Keras'
``Conv2D(5, (3, 3))``):

    conv1   Conv2d(1, 5, 3)        [N,1,28,28] -> [N,5,26,26]
    relu1   ReLU
    conv2   Conv2d(5, 15, 3)       -> [N,15,24,24]
    relu2   ReLU
    flatten Flatten                -> [N,8640]
    dense   Linear(15*24*24, 10)   -> [N,10]
    softmax Softmax(dim=1)         -> probabilities

Input: ``image``, float32 ``[N,1,28,28]``, pixel / 255 (no mean/std normalisation).
Output: ``probabilities``, float32 ``[N,10]``. The batch axis is dynamic.

Data: the real Fashion-MNIST IDX files (``train-images-idx3-ubyte.gz`` and friends).
Their folder is taken from ``--data-dir``, else the ``FASHION_MNIST_DIR`` environment
variable, else the default ``/usr/share/datasets/fashion-mnist``, which is where Debian's
``dataset-fashion-mnist`` package installs them (``apt-get install dataset-fashion-mnist``).

Writes (paths relative to the repository root, found from this file's location, or
``--repo-root``):

    samples/FashionMnistLecture/model/fashion_cnn.onnx      opset 13, constant folding on
    samples/FashionMnistLecture/model/fashion_cnn.json      accuracies, epochs, seed, versions, classes
    samples/FashionMnistLecture/model/training-log.txt      everything this script printed
    samples/FashionMnistLecture/data/t10k-images-1000-idx3-ubyte   first 1,000 test images (IDX, raw bytes)
    samples/FashionMnistLecture/data/t10k-labels-1000-idx1-ubyte   their labels
    tests/Interpretability.Tests/TestData/fashion/pytorch_activations.json  + *.f32
        PyTorch's own conv1 / conv2 outputs (before ReLU) and probabilities for the
        first 8 test images, raw little-endian float32, as an oracle for the C# tests.

Reproducible: torch, numpy and the shuffling generator are seeded (``--seed``), torch
runs on ``--threads`` CPU threads (2 by default). A rerun on the same machine gives the
same weights; a different CPU or thread count may differ in the last bits, and so in the
accuracy by a few hundredths of a percent.

After exporting, the script reloads the ONNX file, recomputes the first 1,000 test
images' probabilities from the file's own initializers with a plain numpy forward pass,
and checks they agree with PyTorch's, so a broken export cannot be committed unnoticed.

Usage (Debian's python3 with python3-torch, python3-onnx and dataset-fashion-mnist):
    python3 samples/FashionMnistLecture/model/train_fashion_cnn.py [--epochs 8]
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]
DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"  # Debian's dataset-fashion-mnist
SUBSET = 1000          # test images shipped with the sample
ORACLE_IMAGES = 8      # test images whose activations are written for the C# tests


class Tee:
    """Writes everything printed to stdout and to the training log."""

    def __init__(self, path):
        self._file = open(path, "w", encoding="utf-8", newline="\n")
        self._stdout = sys.stdout

    def write(self, text):
        self._stdout.write(text)
        self._file.write(text)

    def flush(self):
        self._stdout.flush()
        self._file.flush()

    def close(self):
        self._file.close()


class FashionCnn(nn.Module):
    """The lecture's network. forward() ends in Softmax; logits() is used for training."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 5, kernel_size=3)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(5, 15, kernel_size=3)
        self.relu2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.dense = nn.Linear(15 * 24 * 24, 10)
        self.softmax = nn.Softmax(dim=1)

    def logits(self, x):
        x = self.relu1(self.conv1(x))
        x = self.relu2(self.conv2(x))
        return self.dense(self.flatten(x))

    def forward(self, x):
        return self.softmax(self.logits(x))


def read_idx_gz(path):
    """Returns (raw bytes of the decompressed file, header dims, numpy array)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data, header says {dims}")
    return raw, dims, data.reshape(dims)


def write_idx_subset(raw, dims, count, path):
    """Writes the first `count` items of an IDX file, header adjusted, data bytes unmodified."""
    ndim = len(dims)
    item = int(np.prod(dims[1:])) if ndim > 1 else 1
    header = struct.pack(">HBB", 0, 0x08, ndim) + struct.pack(">" + "I" * ndim, count, *dims[1:])
    body = raw[4 + 4 * ndim: 4 + 4 * ndim + count * item]
    with open(path, "wb") as f:
        f.write(header + body)
    return len(header) + len(body)


def to_input(images):
    return torch.from_numpy(images.astype(np.float32) / np.float32(255.0)).unsqueeze(1)


def accuracy(model, images, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            pred = model.logits(to_input(images[i:i + batch])).argmax(dim=1).numpy()
            correct += int((pred == labels[i:i + batch]).sum())
    return correct / len(images)


def conv2d_numpy(x, w, b):
    """Valid, stride-1 2-D convolution (ONNX Conv semantics) by im2col; x [N,C,H,W], w [M,C,kh,kw]."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    oh, ow = h - kh + 1, wd - kw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + oh, j:j + ow]
    out = np.einsum("mckl,nckl...->nm...", w, cols, optimize=True)
    return out + b.reshape(1, m, 1, 1)


def numpy_forward(model_proto, x):
    """Runs the exported graph's weights through the lecture's network in numpy (float32)."""
    inits = {t.name: numpy_helper.to_array(t) for t in model_proto.graph.initializer}
    consts = {}
    for node in model_proto.graph.node:
        if node.op_type == "Constant":
            consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    values = {**inits, **consts}
    conv = [n for n in model_proto.graph.node if n.op_type == "Conv"]
    gemm = [n for n in model_proto.graph.node if n.op_type in ("Gemm", "MatMul")]
    assert len(conv) == 2 and len(gemm) == 1, [n.op_type for n in model_proto.graph.node]
    h = np.maximum(conv2d_numpy(x, values[conv[0].input[1]], values[conv[0].input[2]]), 0)
    h = np.maximum(conv2d_numpy(h, values[conv[1].input[1]], values[conv[1].input[2]]), 0)
    h = h.reshape(h.shape[0], -1)
    g = gemm[0]
    w = values[g.input[1]]
    trans_b = any(a.name == "transB" and a.i == 1 for a in g.attribute)
    logits = h @ (w.T if trans_b else w) + values[g.input[2]]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def write_f32(path, array):
    a = np.ascontiguousarray(array, dtype="<f4")
    path.write_bytes(a.tobytes())
    return a.nbytes


def main():
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("FASHION_MNIST_DIR", DEFAULT_DATA_DIR),
                        help="folder with the Fashion-MNIST *-ubyte.gz files "
                             "(default: $FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist location)")
    parser.add_argument("--repo-root", default=str(here.parents[2]),
                        help="repository root the outputs are written under (default: found from this file)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    root = Path(args.repo_root)
    model_dir = root / "samples" / "FashionMnistLecture" / "model"
    data_out = root / "samples" / "FashionMnistLecture" / "data"
    oracle_dir = root / "tests" / "Interpretability.Tests" / "TestData" / "fashion"
    for d in (model_dir, data_out, oracle_dir):
        d.mkdir(parents=True, exist_ok=True)

    tee = Tee(model_dir / "training-log.txt")
    sys.stdout = tee
    try:
        run(args, model_dir, data_out, oracle_dir)
    finally:
        sys.stdout = tee._stdout
        tee.close()


def run(args, model_dir, data_out, oracle_dir):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}, "
          f"threads {torch.get_num_threads()}")
    print(f"seed {args.seed}, epochs {args.epochs}, batch {args.batch_size}, Adam lr {args.lr}, "
          f"weight decay {args.weight_decay}")

    data_dir = Path(args.data_dir)
    print(f"reading Fashion-MNIST IDX files from the --data-dir folder ({data_dir.name}/)")
    _, _, train_x = read_idx_gz(data_dir / "train-images-idx3-ubyte.gz")
    _, _, train_y = read_idx_gz(data_dir / "train-labels-idx1-ubyte.gz")
    test_x_raw, test_x_dims, test_x = read_idx_gz(data_dir / "t10k-images-idx3-ubyte.gz")
    test_y_raw, test_y_dims, test_y = read_idx_gz(data_dir / "t10k-labels-idx1-ubyte.gz")
    train_y = train_y.astype(np.int64)
    test_y = test_y.astype(np.int64)
    print(f"train {train_x.shape} labels {train_y.shape}; test {test_x.shape} labels {test_y.shape}")

    model = FashionCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    order = torch.Generator().manual_seed(args.seed)
    train_inputs = to_input(train_x)
    train_targets = torch.from_numpy(train_y)

    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.time()
        perm = torch.randperm(len(train_x), generator=order)
        total_loss, seen, correct = 0.0, 0, 0
        for i in range(0, len(perm), args.batch_size):
            idx = perm[i:i + args.batch_size]
            x, y = train_inputs[idx], train_targets[idx]
            optimizer.zero_grad()
            logits = model.logits(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            total_loss += float(loss) * len(idx)
            seen += len(idx)
            correct += int((logits.argmax(dim=1) == y).sum())
        test_acc = accuracy(model, test_x, test_y)
        print(f"epoch {epoch}/{args.epochs}: train loss {total_loss / seen:.4f}, "
              f"train accuracy {correct / seen:.4f}, test accuracy {test_acc:.4f} "
              f"({time.time() - start:.0f} s)")

    model.eval()
    acc_all = accuracy(model, test_x, test_y)
    acc_subset = accuracy(model, test_x[:SUBSET], test_y[:SUBSET])
    print(f"final test accuracy on all {len(test_x)} test images: {acc_all:.4f}")
    print(f"final test accuracy on the first {SUBSET} test images: {acc_subset:.4f}")
    if acc_all < 0.88:
        print("WARNING: below the 88 % the lecture sample needs; train longer or tune --lr")

    # ONNX export.
    onnx_path = model_dir / "fashion_cnn.onnx"
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), str(onnx_path),
        input_names=["image"], output_names=["probabilities"],
        dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}},
        opset_version=13, do_constant_folding=True)
    proto = onnx.load(str(onnx_path))
    onnx.checker.check_model(proto)
    print(f"exported {onnx_path.name} ({onnx_path.stat().st_size} bytes), opset "
          f"{proto.opset_import[0].version}, IR {proto.ir_version}, producer "
          f"{proto.producer_name} {proto.producer_version}")
    for n in proto.graph.node:
        print(f"  node {n.name or '(unnamed)'}: {n.op_type} {list(n.input)} -> {list(n.output)}")
    for t in proto.graph.initializer:
        print(f"  initializer {t.name}: {list(t.dims)} {onnx.TensorProto.DataType.Name(t.data_type)}")

    # Check the exported file against PyTorch with a numpy forward pass on its own weights.
    x_subset = to_input(test_x[:SUBSET])
    with torch.no_grad():
        torch_probs = model(x_subset).numpy()
    numpy_probs = numpy_forward(proto, x_subset.numpy())
    max_diff = float(np.abs(numpy_probs - torch_probs).max())
    numpy_acc = float((numpy_probs.argmax(axis=1) == test_y[:SUBSET]).mean())
    print(f"numpy forward pass on the ONNX file's weights: accuracy {numpy_acc:.4f} on the first "
          f"{SUBSET}, max |p_numpy - p_torch| = {max_diff:.2e}")
    if max_diff > 1e-4 or numpy_acc != acc_subset:
        raise SystemExit("the exported ONNX file does not reproduce PyTorch's output")

    # The shipped test subset: real bytes, only the count in the header changed.
    n_img = write_idx_subset(test_x_raw, test_x_dims, SUBSET, data_out / "t10k-images-1000-idx3-ubyte")
    n_lab = write_idx_subset(test_y_raw, test_y_dims, SUBSET, data_out / "t10k-labels-1000-idx1-ubyte")
    print(f"wrote t10k-images-1000-idx3-ubyte ({n_img} bytes) and t10k-labels-1000-idx1-ubyte ({n_lab} bytes)")

    # PyTorch oracle for the C# tests.
    x8 = to_input(test_x[:ORACLE_IMAGES])
    with torch.no_grad():
        conv1 = model.conv1(x8)
        conv2 = model.conv2(model.relu1(conv1))
        probs = model(x8)
    arrays = {
        "input": ("fashion_input_0-7.f32", x8, "the network's input: pixel / 255"),
        "conv1": ("fashion_conv1_0-7.f32", conv1, "output of node /conv1/Conv, before ReLU"),
        "conv2": ("fashion_conv2_0-7.f32", conv2, "output of node /conv2/Conv, before ReLU"),
        "probabilities": ("fashion_probabilities_0-7.f32", probs, "graph output after Softmax"),
    }
    manifest = {
        "description": "PyTorch's activations of samples/FashionMnistLecture/model/fashion_cnn.onnx "
                       "for the first test images; raw little-endian float32, C order (NCHW).",
        "model": "samples/FashionMnistLecture/model/fashion_cnn.onnx",
        "images": "samples/FashionMnistLecture/data/t10k-images-1000-idx3-ubyte",
        "image_indices": list(range(ORACLE_IMAGES)),
        "labels": [int(v) for v in test_y[:ORACLE_IMAGES]],
        "predicted": [int(v) for v in probs.argmax(dim=1)],
        "torch": torch.__version__,
        "arrays": {},
    }
    for key, (name, tensor, what) in arrays.items():
        nbytes = write_f32(oracle_dir / name, tensor.numpy())
        manifest["arrays"][key] = {"file": name, "shape": list(tensor.shape), "dtype": "float32",
                                   "what": what}
        print(f"wrote {name} {list(tensor.shape)} ({nbytes} bytes)")
    (oracle_dir / "pytorch_activations.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print("wrote pytorch_activations.json")

    info = {
        "model": "fashion_cnn.onnx",
        "architecture": "Conv2d(1,5,3) -> ReLU -> Conv2d(5,15,3) -> ReLU -> Flatten -> "
                        "Linear(8640,10) -> Softmax",
        "input": {"name": "image", "shape": ["batch", 1, 28, 28], "scaling": "pixel / 255"},
        "output": {"name": "probabilities", "shape": ["batch", 10]},
        "test_accuracy_10000": round(acc_all, 4),
        "test_accuracy_first_1000": round(acc_subset, 4),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "optimizer": f"Adam lr={args.lr} weight_decay={args.weight_decay}",
        "seed": args.seed,
        "threads": args.threads,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "opset": proto.opset_import[0].version,
        "ir_version": proto.ir_version,
        "class_names": CLASS_NAMES,
    }
    (model_dir / "fashion_cnn.json").write_text(json.dumps(info, indent=2) + "\n")
    print("wrote fashion_cnn.json")


if __name__ == "__main__":
    main()
