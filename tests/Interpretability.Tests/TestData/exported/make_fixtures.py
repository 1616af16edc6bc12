"""Make the exporter fixtures: small ONNX models plus the weights as the exporter saw them.

Every model here comes from a real exporter where one can make it: ``torch.onnx.export``
(PyTorch 1.13) for everything PyTorch can express, ``onnx.helper`` (ONNX 1.12) only for
what PyTorch cannot produce (asymmetric pads inside a Conv node, bfloat16/double/integer
weights, DequantizeLinear weights, a tf2onnx-style NHWC graph), and ONNX's own
``external_data_helper`` / ``onnx.save_model`` for external data. The C# tests compare
``Layer.GetWeights()`` with the arrays written here bit for bit, and run the model with
ONNX Runtime against the sample input/output.

For each model ``X.onnx`` this writes:

``X.expected.json``
    producer, opset, IR version, graph inputs, every graph node with whether it computes
    on activations, and ``layers``: in graph node order, every node that has weights
    (constant inputs of Conv, ConvTranspose, Gemm, MatMul, BatchNormalization, PRelu,
    InstanceNormalization, and the constant operand of Add/Mul, the form a Keras
    Dense bias takes in tf2onnx graphs). Each weight names the node input, where it comes
    from (initializer or Constant node, through which Identity/Cast/DequantizeLinear
    nodes), how it is stored (``raw_data``, a typed field, or external data), its stored
    data type, and the file holding it as float32.
``X.wN.f32``
    one weight, raw little-endian float32, C order: ``astype(np.float32)`` of the stored
    value, or, for a weight that passes through DequantizeLinear, the dequantized value
    ``((q.astype(np.int32) - zero_point) * scale)`` computed in float32 numpy.
    ``"exact": true`` means the float32 equals the stored value exactly (float16,
    bfloat16, small integers, float32 itself); ``false`` means it is the nearest float32
    (double, or the rounded product of a dequantization).
``X.input.f32`` / ``X.output.f32``
    one sample input and the output for it, computed by PyTorch: by the module itself
    for exported models; for onnx.helper models by PyTorch functions applied node by
    node (the evaluator in this script). For exported models the evaluator is also run on
    the exported graph and must agree with the module, which checks both.

All randomness is seeded (``--seed``); torch runs on one thread. Rerunning rewrites the
same bytes on the same machine. Every model passes ``onnx.checker.check_model`` except
the two whose IR version was raised beyond what ONNX 1.12's checker knows (said in the
README and the JSON).

Usage (Debian's python3 with the python3-torch and python3-onnx packages):
    python3 make_fixtures.py [--out DIR] [--seed N]
    (DIR defaults to the folder holding this script.)
"""

import argparse
import io
import json
import shutil
import zlib
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

torch.set_num_threads(1)

# Which inputs of which ops are weights when they are constant.
WEIGHT_INPUTS = {
    "Conv": (1, 2),
    "ConvTranspose": (1, 2),
    "Gemm": (0, 1, 2),
    "MatMul": (0, 1),
    "BatchNormalization": (1, 2, 3, 4),
    "InstanceNormalization": (1, 2),
    "PRelu": (1,),
    "Add": (0, 1),
    "Mul": (0, 1),
}
# Nodes that pass a constant through unchanged in value (GetWeights looks through them).
SEE_THROUGH = ("Identity", "Cast", "DequantizeLinear")

DTYPE_NAMES = {
    TensorProto.FLOAT: "float32", TensorProto.FLOAT16: "float16",
    TensorProto.BFLOAT16: "bfloat16", TensorProto.DOUBLE: "float64",
    TensorProto.INT8: "int8", TensorProto.UINT8: "uint8", TensorProto.INT16: "int16",
    TensorProto.UINT16: "uint16", TensorProto.INT32: "int32", TensorProto.INT64: "int64",
    TensorProto.UINT32: "uint32", TensorProto.UINT64: "uint64", TensorProto.BOOL: "bool",
}
NP_TYPES = {
    TensorProto.FLOAT: np.float32, TensorProto.FLOAT16: np.float16,
    TensorProto.DOUBLE: np.float64, TensorProto.INT8: np.int8, TensorProto.UINT8: np.uint8,
    TensorProto.INT16: np.int16, TensorProto.UINT16: np.uint16, TensorProto.INT32: np.int32,
    TensorProto.INT64: np.int64, TensorProto.UINT32: np.uint32, TensorProto.UINT64: np.uint64,
    TensorProto.BOOL: np.bool_,
}

OUT = Path(".")
SEED = 0
README_ROWS = []


def log(msg):
    print(msg, flush=True)


def model_seed(name):
    """A seed per model, so adding a model does not change the others."""
    return (SEED * 1000003 + zlib.crc32(name.encode())) % (2 ** 31)


# ---------------------------------------------------------------------------------------
# Reading tensors as stored (independent of numpy_helper, so bfloat16 and every typed
# field are decoded the same way the C# reader must).

def bf16_bits_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16_bits(values):
    """Round float32 to bfloat16 (round to nearest, ties to even), returns uint16 bits."""
    b = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def typed_16bit_tensor(name, data_type, shape, bits):
    """A FLOAT16 or BFLOAT16 tensor in the typed int32_data field, one uint16 bit pattern
    per int32 (onnx.helper.make_tensor would reinterpret the bits as float values)."""
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(shape)
    t.int32_data.extend(int(b) for b in np.asarray(bits, dtype=np.uint16).ravel())
    return t


def stored_array(t):
    """Returns (values, storage) of a TensorProto whose data is loaded (external data read).

    bfloat16 comes back as uint16 bit patterns; everything else as its numpy type.
    """
    dims = tuple(t.dims)
    dt = t.data_type
    if t.HasField("raw_data"):
        storage = "raw_data"
        if dt == TensorProto.BFLOAT16:
            a = np.frombuffer(t.raw_data, dtype="<u2")
        else:
            a = np.frombuffer(t.raw_data, dtype=np.dtype(NP_TYPES[dt]).newbyteorder("<"))
        a = a.astype(a.dtype.newbyteorder("="))
    elif dt in (TensorProto.FLOAT16, TensorProto.BFLOAT16):
        storage = "int32_data"
        a = np.array(t.int32_data, dtype=np.uint32).astype(np.uint16)
        if dt == TensorProto.FLOAT16:
            a = a.view(np.float16)
    elif dt == TensorProto.FLOAT:
        storage, a = "float_data", np.array(t.float_data, dtype=np.float32)
    elif dt == TensorProto.DOUBLE:
        storage, a = "double_data", np.array(t.double_data, dtype=np.float64)
    elif dt == TensorProto.INT64:
        storage, a = "int64_data", np.array(t.int64_data, dtype=np.int64)
    elif dt in (TensorProto.UINT32, TensorProto.UINT64):
        storage, a = "uint64_data", np.array(t.uint64_data, dtype=NP_TYPES[dt])
    else:
        storage, a = "int32_data", np.array(t.int32_data, dtype=np.int32).astype(NP_TYPES[dt])
    return a.reshape(dims), storage


def as_float64(values, data_type):
    if data_type == TensorProto.BFLOAT16:
        return bf16_bits_to_f32(values).astype(np.float64)
    return values.astype(np.float64)


def as_float32(values, data_type):
    if data_type == TensorProto.BFLOAT16:
        return bf16_bits_to_f32(values)
    return values.astype(np.float32)


# ---------------------------------------------------------------------------------------
# Finding the weights of every node.

class GraphInfo:
    def __init__(self, model):
        self.model = model
        g = model.graph
        self.initializers = {t.name: t for t in g.initializer}
        self.producer = {}
        for i, n in enumerate(g.node):
            for o in n.output:
                self.producer[o] = (i, n)
        self.graph_inputs = [i.name for i in g.input]

    def constant_root(self, name):
        """Follows `name` back to an initializer or Constant node.

        Returns None when it depends on activations, else a dict with the root tensor,
        the chain of see-through nodes (from the root towards the consumer) and how the
        value is stored.
        """
        chain = []
        current = name
        while True:
            if current in self.initializers:
                t = self.initializers[current]
                source = "initializer"
                if current in self.graph_inputs:
                    source = "initializer (also a graph input)"
                return {"tensor": t, "root": current, "source": source, "chain": chain[::-1]}
            if current not in self.producer:
                return None
            _, node = self.producer[current]
            if node.op_type == "Constant":
                attr = node.attribute[0]
                if attr.name != "value":
                    raise ValueError(f"Constant {node.name} uses {attr.name}; only 'value' is handled")
                return {"tensor": attr.t, "root": node.output[0], "source": "Constant node",
                        "constant_node": node.name, "chain": chain[::-1]}
            if node.op_type in SEE_THROUGH:
                if node.op_type == "DequantizeLinear":
                    for extra in node.input[1:]:
                        if extra and self.constant_root(extra) is None:
                            return None
                chain.append(node)
                current = node.input[0]
                continue
            return None

    def constant_value(self, name):
        """The float value of a constant name: follows the chain from the root forward."""
        info = self.constant_root(name)
        t = info["tensor"]
        stored, storage = stored_array(t)
        value32 = as_float32(stored, t.data_type)
        value64 = as_float64(stored, t.data_type)
        for node in info["chain"]:
            if node.op_type == "Identity":
                continue
            if node.op_type == "Cast":
                to = next(a.i for a in node.attribute if a.name == "to")
                if to != TensorProto.FLOAT:
                    raise ValueError(f"Cast to {to} in a weight chain is not handled")
                continue
            if node.op_type == "DequantizeLinear":
                scale = self.constant_value(node.input[1])[0]
                zp = np.zeros((), dtype=np.int32)
                if len(node.input) > 2 and node.input[2]:
                    zp_stored, _ = stored_array(self.constant_root(node.input[2])["tensor"])
                    zp = zp_stored.astype(np.int32)
                axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
                if scale.ndim == 1 and scale.size > 1:
                    shape = [1] * stored.ndim
                    shape[axis] = scale.size
                    scale = scale.reshape(shape)
                    zp = zp.reshape(shape) if zp.ndim == 1 else zp
                q = stored.astype(np.int32)
                value32 = ((q - zp).astype(np.float32) * scale.astype(np.float32)).astype(np.float32)
                value64 = (q - zp).astype(np.float64) * scale.astype(np.float64)
        return value32, value64, info, storage


def tensor_storage(t, storage):
    if t.data_location == TensorProto.EXTERNAL:
        entries = {e.key: e.value for e in t.external_data}
        return "external:" + entries.get("location", "?")
    return storage


def describe_weights(model, original_model=None):
    """The `layers` list: every node with constant weight inputs, in graph order.

    `original_model` is the same model with its external data still external, so the JSON
    can say which tensors live outside the .onnx file.
    """
    info = GraphInfo(model)
    original = GraphInfo(original_model) if original_model is not None else info
    kinds = node_kinds(model)
    layers = []
    arrays = []
    for index, node in enumerate(model.graph.node):
        if kinds[index]["kind"] != "activation":
            continue  # e.g. a Mul of two constants in an exporter's shape arithmetic
        slots = WEIGHT_INPUTS.get(node.op_type, ())
        weights = []
        for slot in slots:
            if slot >= len(node.input) or not node.input[slot]:
                continue
            root = info.constant_root(node.input[slot])
            if root is None:
                continue
            value32, value64, root, storage = info.constant_value(node.input[slot])
            original_root = original.constant_root(node.input[slot])
            t = root["tensor"]
            entry = {
                "onnx_input": node.input[slot],
                "input_index": slot,
                "source": root["source"],
                "source_name": root["root"],
                "through": [n.op_type for n in root["chain"]],
                "storage": tensor_storage(original_root["tensor"], storage),
                "shape": list(value32.shape),
                "stored_dtype": DTYPE_NAMES[t.data_type],
                "exact": bool(np.array_equal(value32.astype(np.float64), value64)),
            }
            if "constant_node" in root:
                entry["constant_node"] = root["constant_node"]
            dq = [n for n in root["chain"] if n.op_type == "DequantizeLinear"]
            if dq:
                n = dq[0]
                scale = info.constant_value(n.input[1])[0]
                zp = (stored_array(info.constant_root(n.input[2])["tensor"])[0]
                      if len(n.input) > 2 and n.input[2] else np.zeros((), np.int32))
                entry["dequantize"] = {
                    "node": n.name,
                    "axis": next((a.i for a in n.attribute if a.name == "axis"), 1),
                    "scale": [float(v) for v in np.ravel(scale)],
                    "zero_point": [int(v) for v in np.ravel(zp)],
                    "formula": "(q.astype(int32) - zero_point) * scale, in float32",
                }
            weights.append(entry)
            arrays.append((entry, value32))
        if weights:
            layer = {"node": node.name, "node_index": index, "op_type": node.op_type, "weights": weights}
            if not node.name:
                layer["note"] = "the exporter left this node's name empty"
            layers.append(layer)
    return layers, arrays


def node_kinds(model):
    """For every node: 'activation' if it computes on data that flows from a graph input
    (not an initializer), 'shape' if it only computes on shapes of such data, 'constant'
    if only on constants."""
    g = model.graph
    inits = {t.name for t in g.initializer}
    kind = {i.name: "activation" for i in g.input if i.name not in inits}
    out = []
    for index, n in enumerate(g.node):
        kinds = {kind.get(i, "constant") for i in n.input if i}
        if n.op_type == "Shape" and kinds & {"activation"}:
            k = "shape"
        elif "activation" in kinds:
            k = "activation"
        elif "shape" in kinds:
            k = "shape"
        else:
            k = "constant"
        for o in n.output:
            kind[o] = k
        out.append({"index": index, "name": n.name, "op_type": n.op_type, "kind": k})
    return out


def value_info_shape(vi):
    dims = []
    for d in vi.type.tensor_type.shape.dim:
        dims.append(d.dim_value if d.HasField("dim_value") else None)
    return dims


# ---------------------------------------------------------------------------------------
# A PyTorch evaluator for the ONNX ops used here, node by node (ONNX semantics).

def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def torch_from_stored(t):
    stored, _ = stored_array(t)
    if t.data_type == TensorProto.BFLOAT16:
        return torch.from_numpy(stored.astype(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(np.array(stored))


TORCH_TYPES = {
    TensorProto.FLOAT: torch.float32, TensorProto.FLOAT16: torch.float16,
    TensorProto.BFLOAT16: torch.bfloat16, TensorProto.DOUBLE: torch.float64,
    TensorProto.INT8: torch.int8, TensorProto.UINT8: torch.uint8,
    TensorProto.INT32: torch.int32, TensorProto.INT64: torch.int64,
}


def in_float(fn, *xs):
    """Runs fn in float32 for float16 inputs (PyTorch 1.13 has no CPU half conv) and
    rounds the result back to float16, as a float16 kernel would store it."""
    half = any(x is not None and x.dtype == torch.float16 for x in xs)
    ys = [x.float() if (x is not None and half) else x for x in xs]
    r = fn(*ys)
    return r.half() if half else r


def evaluate(model, feeds):
    values = {t.name: torch_from_stored(t) for t in model.graph.initializer}
    values.update({k: torch.from_numpy(v) for k, v in feeds.items()})
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    for n in model.graph.node:
        x = [values[i] if i else None for i in n.input]
        op = n.op_type
        if op == "Constant":
            r = torch_from_stored(attr(n, "value"))
        elif op in ("Identity",):
            r = x[0]
        elif op == "Cast":
            r = x[0].to(TORCH_TYPES[attr(n, "to")])
        elif op == "Conv":
            pads = attr(n, "pads", [0, 0, 0, 0])
            if attr(n, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                raise ValueError("auto_pad is not used by these fixtures")

            def conv(a, w, b):
                a = F.pad(a, (pads[1], pads[3], pads[0], pads[2]))
                return F.conv2d(a, w, b, stride=tuple(attr(n, "strides", [1, 1])),
                                dilation=tuple(attr(n, "dilations", [1, 1])),
                                groups=attr(n, "group", 1))
            r = in_float(conv, x[0], x[1], x[2] if len(x) > 2 else None)
        elif op == "Relu":
            r = in_float(torch.relu, x[0])
        elif op in ("MaxPool", "AveragePool"):
            pads = attr(n, "pads", [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3], "asymmetric pool pads not handled"
            k = tuple(attr(n, "kernel_shape"))
            s = tuple(attr(n, "strides", [1, 1]))
            ceil = bool(attr(n, "ceil_mode", 0))
            if op == "MaxPool":
                r = in_float(lambda a: F.max_pool2d(a, k, s, (pads[0], pads[1]),
                                                    tuple(attr(n, "dilations", [1, 1])), ceil), x[0])
            else:
                r = in_float(lambda a: F.avg_pool2d(a, k, s, (pads[0], pads[1]), ceil,
                                                    bool(attr(n, "count_include_pad", 0))), x[0])
        elif op == "GlobalAveragePool":
            r = in_float(lambda a: a.mean(dim=(2, 3), keepdim=True), x[0])
        elif op == "Flatten":
            axis = attr(n, "axis", 1)
            r = x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)
        elif op == "Gemm":
            def gemm(a, b, c):
                a = a.t() if attr(n, "transA", 0) else a
                b = b.t() if attr(n, "transB", 0) else b
                y = attr(n, "alpha", 1.0) * (a @ b)
                return y + attr(n, "beta", 1.0) * c if c is not None else y
            r = in_float(gemm, x[0], x[1], x[2] if len(x) > 2 else None)
        elif op == "MatMul":
            r = in_float(torch.matmul, x[0], x[1])
        elif op == "Add":
            r = in_float(torch.add, x[0], x[1])
        elif op == "Mul":
            r = in_float(torch.mul, x[0], x[1])
        elif op == "Sub":
            r = x[0] - x[1]
        elif op == "Softmax":
            axis = attr(n, "axis", -1 if opset >= 13 else 1)
            if opset < 13:
                shape = x[0].shape
                flat = x[0].reshape(int(np.prod(shape[:axis])), -1)
                r = in_float(lambda a: torch.softmax(a, dim=1), flat).reshape(shape)
            else:
                r = in_float(lambda a: torch.softmax(a, dim=axis), x[0])
        elif op == "BatchNormalization":
            r = in_float(lambda a, s, b, m, v: F.batch_norm(a, m, v, s, b, False, 0.0,
                                                            attr(n, "epsilon", 1e-5)), *x[:5])
        elif op == "Transpose":
            r = x[0].permute(*attr(n, "perm"))
        elif op == "Reshape":
            shape = [int(v) for v in x[1]]
            shape = [x[0].shape[i] if v == 0 else v for i, v in enumerate(shape)]
            r = x[0].reshape(shape)
        elif op == "Shape":
            r = torch.tensor(list(x[0].shape), dtype=torch.int64)
        elif op == "Gather":
            r = torch.index_select(x[0], attr(n, "axis", 0), x[1].reshape(-1)).reshape(
                list(x[0].shape[:attr(n, "axis", 0)]) + list(x[1].shape)
                + list(x[0].shape[attr(n, "axis", 0) + 1:]))
        elif op == "Unsqueeze":
            axes = [int(v) for v in x[1]] if opset >= 13 else attr(n, "axes")
            r = x[0]
            for a in sorted(axes):
                r = r.unsqueeze(a)
        elif op == "Concat":
            r = torch.cat(x, dim=attr(n, "axis"))
        elif op == "ConstantOfShape":
            v = attr(n, "value")
            fill = torch_from_stored(v) if v is not None else torch.zeros(1)
            r = fill.reshape(1).expand([int(s) for s in x[0]]).clone()
        elif op == "Slice":
            starts, ends = x[1].tolist(), x[2].tolist()
            axes = x[3].tolist() if len(x) > 3 and x[3] is not None else list(range(len(starts)))
            steps = x[4].tolist() if len(x) > 4 and x[4] is not None else [1] * len(starts)
            r = x[0]
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                dim = r.shape[ax]
                st = st + dim if st < 0 else st
                en = en + dim if en < 0 else en
                if sp > 0:
                    st, en = min(max(st, 0), dim), min(max(en, 0), dim)
                else:
                    st, en = min(max(st, 0), dim - 1), min(max(en, -1), dim - 1)
                idx = torch.tensor(list(range(st, en, sp)), dtype=torch.int64)
                r = torch.index_select(r, ax, idx)
        elif op == "Pad":
            if opset >= 11:
                pads = [int(v) for v in x[1]]
                value = float(x[2]) if len(x) > 2 and x[2] is not None else 0.0
            else:
                pads, value = attr(n, "pads"), attr(n, "value", 0.0)
            assert attr(n, "mode", b"constant") in (b"constant", "constant")
            half = len(pads) // 2
            torch_pads = []
            for d in reversed(range(half)):
                torch_pads += [pads[d], pads[d + half]]
            r = F.pad(x[0], torch_pads, value=value)
        elif op == "QuantizeLinear":
            scale, zp = x[1].float(), x[2]
            axis = attr(n, "axis", 1)
            if scale.dim() == 1 and scale.numel() > 1:
                shape = [1] * x[0].dim()
                shape[axis] = -1
                scale, zp = scale.reshape(shape), zp.reshape(shape)
            info = torch.iinfo(zp.dtype)
            q = torch.round(x[0] / scale) + zp.to(torch.float32)
            r = q.clamp(info.min, info.max).to(zp.dtype)
        elif op == "DequantizeLinear":
            scale = x[1].float()
            zp = x[2] if len(x) > 2 and x[2] is not None else torch.zeros((), dtype=torch.int32)
            axis = attr(n, "axis", 1)
            if scale.dim() == 1 and scale.numel() > 1:
                shape = [1] * x[0].dim()
                shape[axis] = -1
                scale, zp = scale.reshape(shape), zp.reshape(shape)
            r = (x[0].to(torch.int32) - zp.to(torch.int32)).to(torch.float32) * scale
        else:
            raise ValueError(f"evaluator: op {op} not handled")
        values[n.output[0]] = r
    return {o.name: values[o.name] for o in model.graph.output}


# ---------------------------------------------------------------------------------------
# Writing a fixture.

def to_json(value, indent=0):
    """JSON with one key per line but short lists of numbers or strings kept on one line."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f'{pad}  {json.dumps(k)}: {to_json(v, indent + 2)}' for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            inline = "[" + ", ".join(json.dumps(v) for v in value) + "]"
            if len(inline) <= 100 or all(not isinstance(v, str) for v in value):
                return inline
        items = [f"{pad}  {to_json(v, indent + 2)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]" if items else "[]"
    return json.dumps(value)


def write_f32(path, array):
    data = np.ascontiguousarray(np.asarray(array, dtype=np.float32)).astype("<f4").tobytes()
    path.write_bytes(data)


def write_fixture(name, folder, covers, exporter, sample_input, sample_output, computed_by,
                  check=True, notes=None, extra=None, tol=1e-5):
    """Writes X.expected.json and the .f32 files for the model already saved as X.onnx."""
    model_path = folder / f"{name}.onnx"
    if check:
        onnx.checker.check_model(str(model_path))
    unloaded = onnx.load(str(model_path), load_external_data=False)
    model = onnx.load(str(model_path))  # external data loaded, relative to the model's folder
    layers, arrays = describe_weights(model, unloaded)
    for i, (entry, value) in enumerate(arrays):
        entry["file"] = f"{name}.w{i}.f32"
        write_f32(folder / entry["file"], value)
    inits = {t.name for t in model.graph.initializer}
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    feed_name = [i.name for i in model.graph.input if i.name not in inits][0]

    # The evaluator must reproduce the framework's output for the exported graph.
    evaluated = evaluate(model, {feed_name: sample_input})
    got = list(evaluated.values())[0].float().numpy()
    diff = float(np.abs(got - sample_output).max())
    if diff > tol * max(1.0, float(np.abs(sample_output).max())):
        raise SystemExit(f"{name}: evaluator and PyTorch differ by {diff}")

    write_f32(folder / f"{name}.input.f32", sample_input)
    write_f32(folder / f"{name}.output.f32", sample_output)
    doc = {
        "model": model_path.name,
        "covers": covers,
        "exporter": exporter,
        "producer": f"{model.producer_name} {model.producer_version}".strip(),
        "opset": opset,
        "ir_version": model.ir_version,
        "checked_by_onnx_checker": check,
        "inputs": [{"name": i.name, "shape": value_info_shape(i), "is_initializer": i.name in inits,
                    "elem_type": DTYPE_NAMES.get(i.type.tensor_type.elem_type, "?")}
                   for i in model.graph.input],
        "outputs": [{"name": o.name, "shape": value_info_shape(o)} for o in model.graph.output],
        "layers": layers,
        "nodes": node_kinds(model),
        "sample": {
            "input_name": feed_name,
            "input_file": f"{name}.input.f32", "input_shape": list(sample_input.shape),
            "output_file": f"{name}.output.f32", "output_shape": list(sample_output.shape),
            "computed_by": computed_by,
            "max_abs_diff_evaluator_vs_sample": diff,
        },
    }
    if notes:
        doc["notes"] = notes
    if extra:
        doc.update(extra)
    text = to_json(doc) + "\n"
    assert json.loads(text) == json.loads(json.dumps(doc))
    (folder / f"{name}.expected.json").write_text(text)
    rel = model_path.relative_to(OUT).as_posix()
    size = model_path.stat().st_size
    if size > 200 * 1024:
        raise SystemExit(f"{name}: {size} bytes, over the 200 KB budget")
    README_ROWS.append((rel, covers, exporter, opset, model.ir_version))
    nweights = sum(len(layer["weights"]) for layer in layers)
    log(f"{rel}: {size} bytes, opset {opset}, IR {model.ir_version}, {len(model.graph.node)} nodes, "
        f"{len(layers)} layers with {nweights} weights, sample {list(sample_input.shape)} -> "
        f"{list(sample_output.shape)}, evaluator diff {diff:.1e}")


def export_torch(module, name, folder, sample_shape, covers, opset=13, dynamic=True,
                 do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL,
                 keep_initializers_as_inputs=None, notes=None, save=True):
    """Exports a module with torch.onnx.export and writes its fixture. Returns the proto."""
    torch.manual_seed(model_seed(name + "/input"))
    x = torch.randn(*sample_shape)
    module.eval()
    with torch.no_grad():
        y = module(x)
    buf = io.BytesIO()
    kwargs = {}
    if keep_initializers_as_inputs is not None:
        kwargs["keep_initializers_as_inputs"] = keep_initializers_as_inputs
    torch.onnx.export(
        module, x, buf, opset_version=opset, input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}} if dynamic else None,
        do_constant_folding=do_constant_folding, training=training, **kwargs)
    proto = onnx.load_from_string(buf.getvalue())
    if save:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.onnx").write_bytes(buf.getvalue())
        write_fixture(name, folder, covers, f"torch.onnx.export (PyTorch {torch.__version__})",
                      x.numpy(), y.numpy(), "PyTorch module forward", notes=notes)
    return proto, x.numpy(), y.numpy()


def save_helper_model(graph, name, folder, covers, opset, sample_input, notes=None, ir_version=None,
                      producer="onnx.helper (make_fixtures.py)"):
    """Saves an onnx.helper graph, computes its sample with the evaluator, writes the fixture."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name=producer, producer_version=onnx.__version__)
    if ir_version is not None:
        model.ir_version = ir_version
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(folder / f"{name}.onnx"))
    feed = graph.input[0].name
    y = list(evaluate(model, {feed: sample_input}).values())[0].float().numpy()
    write_fixture(name, folder, covers, f"onnx.helper (ONNX {onnx.__version__})", sample_input, y,
                  "PyTorch functions applied node by node (make_fixtures.py's evaluator)", notes=notes)
    return model


def seeded_randn(name, *shape, scale=1.0):
    rng = np.random.default_rng(model_seed(name))
    return (rng.standard_normal(shape) * scale).astype(np.float32)


# ---------------------------------------------------------------------------------------
# The PyTorch models.

class TinyCnn(nn.Module):
    """The small CNN used for the format variants: [N,1,12,12] -> [N,3]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.relu2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.dense = nn.Linear(6 * 3 * 3, 3)

    def forward(self, x):
        x = self.pool(self.relu1(self.conv1(x)))
        return self.dense(self.flatten(self.relu2(self.conv2(x))))


class ConvVariants(nn.Module):
    """Every Conv attribute PyTorch can express, in one chain: [N,1,12,12] -> [N,2,5,4]."""

    def __init__(self):
        super().__init__()
        self.strided = nn.Conv2d(1, 4, 3, stride=2, padding=1)          # 12 -> 6
        self.relu = nn.ReLU()
        self.dilated = nn.Conv2d(4, 4, 3, padding=2, dilation=2)       # 6 -> 6
        self.grouped = nn.Conv2d(4, 4, 3, padding=1, groups=2, bias=False)
        self.depthwise = nn.Conv2d(4, 4, 3, padding=1, groups=4)
        self.multiplier = nn.Conv2d(4, 8, 3, padding=1, groups=4)      # 2 outputs per input channel
        self.rectangular = nn.Conv2d(8, 4, (3, 5), padding=(1, 2))     # 3x5 kernel
        self.relu2 = nn.ReLU()
        self.pad = nn.ZeroPad2d((1, 2, 0, 1))                          # left, right, top, bottom
        self.asymmetric = nn.Conv2d(4, 2, 3, stride=(1, 2))           # 7x9 -> 5x4

    def forward(self, x):
        x = self.relu(self.strided(x))
        x = self.multiplier(self.depthwise(self.grouped(self.dilated(x))))
        x = self.relu2(self.rectangular(x))
        return self.asymmetric(self.pad(x))


class Dense(nn.Module):
    """Flatten, Linear (Gemm), matmul with a constant (MatMul), Linear without bias."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(18, 8)
        self.relu = nn.ReLU()
        self.w = nn.Parameter(torch.randn(8, 6) * 0.3)
        self.fc2 = nn.Linear(6, 4, bias=False)

    def forward(self, x):
        x = self.relu(self.fc1(self.flatten(x)))
        return self.fc2(torch.matmul(x, self.w))


class BatchNormNet(nn.Module):
    """BatchNorm kept as nodes: neither BN directly follows a Conv, so the exporter's
    eval-mode Conv+BN fusion does not apply."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3)
        self.relu1 = nn.ReLU()
        self.bn1 = nn.BatchNorm2d(3, eps=1e-3)
        self.conv2 = nn.Conv2d(3, 4, 3)
        self.relu2 = nn.ReLU()
        self.bn2 = nn.BatchNorm2d(4, affine=False)

    def forward(self, x):
        x = self.bn1(self.relu1(self.conv1(x)))
        return self.bn2(self.relu2(self.conv2(x)))


class ConvBn(nn.Module):
    """Conv directly followed by BatchNorm (the pattern exporters fuse)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3)
        self.bn = nn.BatchNorm2d(3)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


def randomise_bn(bn, gen):
    with torch.no_grad():
        c = bn.num_features
        bn.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
        bn.running_var.copy_(torch.rand(c, generator=gen) + 0.5)
        if bn.affine:
            bn.weight.copy_(torch.randn(c, generator=gen))
            bn.bias.copy_(torch.randn(c, generator=gen))


class Pooling(nn.Module):
    """MaxPool (ceil_mode, padding), AvgPool (ceil_mode, padding, both count_include_pad
    settings), GlobalAveragePool from AdaptiveAvgPool2d(1): [N,2,16,16] -> [N,3]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3, padding=1)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)          # 16 -> 9
        self.avgpool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True,
                                    count_include_pad=False)                          # 9 -> 5
        self.avgpool_pad = nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=True)  # 5 -> 3
        self.conv2 = nn.Conv2d(3, 4, 1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.dense = nn.Linear(4, 3)

    def forward(self, x):
        x = self.avgpool_pad(self.avgpool(self.maxpool(self.conv1(x))))
        return self.dense(self.flatten(self.gap(self.conv2(x))))


def seeded(module_cls, name):
    torch.manual_seed(model_seed(name))
    return module_cls()


# ---------------------------------------------------------------------------------------
# The fixtures.

def make_conv_and_dense():
    export_torch(seeded(ConvVariants, "conv_variants"), "conv_variants", OUT, (2, 1, 12, 12),
                 "Conv: stride 2 + padding 1; dilation 2; groups=2 without bias; depthwise "
                 "(groups=C); channel multiplier (in 4, out 8, groups 4); 3x5 kernel; "
                 "ZeroPad2d (asymmetric, exported as a Pad node fed by shape arithmetic) "
                 "before a Conv with stride (1,2)",
                 notes=["ZeroPad2d becomes a Pad node whose pads come from Constant/"
                        "ConstantOfShape/Concat/Reshape/Slice/Transpose/Cast nodes: constants, "
                        "not layers."])
    export_torch(seeded(Dense, "dense"), "dense", OUT, (2, 2, 3, 3),
                 "Flatten; nn.Linear as Gemm (transB=1) with bias; torch.matmul with a constant "
                 "[8,6] operand as MatMul; nn.Linear without bias, which PyTorch exports as a "
                 "MatMul with a pre-transposed [6,4] initializer (onnx::MatMul_*)")


def make_asymmetric_pads():
    name = "conv_asymmetric_pads"
    w = seeded_randn(name + "/w", 3, 2, 3, 3, scale=0.3)
    b = seeded_randn(name + "/b", 3, scale=0.1)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["input", "conv.weight", "conv.bias"], ["output"], name="conv",
                          kernel_shape=[3, 3], pads=[0, 1, 2, 1], strides=[2, 1])],
        name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 2, 7, 6])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 3, 4, 6])],
        initializer=[helper.make_tensor("conv.weight", TensorProto.FLOAT, w.shape, w.ravel().tolist()),
                     numpy_helper.from_array(b, "conv.bias")])
    save_helper_model(graph, name, OUT,
                      "Conv with asymmetric pads in the node (top 0, left 1, bottom 2, right 1) "
                      "and strides (2,1); weight stored in the typed float_data field, bias in "
                      "raw_data", 13, seeded_randn(name + "/x", 1, 2, 7, 6),
                      notes=["PyTorch cannot put asymmetric pads in a Conv node, so this one is "
                             "built with onnx.helper. ONNX pads order: [top, left, bottom, right]."])


def make_batchnorm():
    gen = torch.Generator().manual_seed(model_seed("batchnorm/stats"))
    m = seeded(BatchNormNet, "batchnorm")
    randomise_bn(m.bn1, gen)
    randomise_bn(m.bn2, gen)
    export_torch(m, "batchnorm", OUT, (2, 2, 9, 9),
                 "BatchNormalization nodes with non-trivial running stats, epsilon 1e-3; one "
                 "affine=False (scale and B exported as Constant nodes, mean/var as initializers)",
                 do_constant_folding=False,
                 notes=["PyTorch 1.13 fuses a BatchNorm that directly follows a Conv into the Conv "
                        "in eval-mode export whatever do_constant_folding says; here each BN "
                        "follows a ReLU so both stay BatchNormalization nodes."])

    m = seeded(ConvBn, "batchnorm_after_conv")
    randomise_bn(m.bn, gen)
    export_torch(m, "batchnorm_after_conv", OUT, (2, 2, 8, 8),
                 "Conv directly followed by BatchNormalization, kept as two nodes "
                 "(training=TrainingMode.PRESERVE on a model in eval mode, "
                 "do_constant_folding=False)",
                 do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    folded = ConvBn()
    folded.load_state_dict(m.state_dict())
    export_torch(folded, "batchnorm_folded", OUT, (2, 2, 8, 8),
                 "the same Conv+BN as batchnorm_after_conv exported in eval mode with "
                 "do_constant_folding=True: the exporter folds BN into the Conv's weights "
                 "(the stored Conv weights differ from conv.weight)",
                 do_constant_folding=True,
                 notes=["Compare with batchnorm_after_conv: same module, one Conv node left, its "
                        "kernel and bias are BN-scaled copies named onnx::Conv_*."])
    export_torch(seeded(ConvBn, "batchnorm_untrained"), "batchnorm_untrained", OUT, (1, 2, 8, 8),
                 "an untrained BatchNorm (weight=1, bias=0, mean=0, var=1) after a Conv, kept "
                 "(PRESERVE): the exporter de-duplicates equal initializers, so running_mean and "
                 "running_var reach the BN through Identity nodes of bn.bias and bn.weight",
                 do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)


def make_pooling():
    export_torch(seeded(Pooling, "pooling"), "pooling", OUT, (2, 2, 16, 16),
                 "MaxPool 3x3/2 pad 1 ceil_mode; AveragePool 3x3/2 pad 1 ceil_mode "
                 "count_include_pad=0; AvgPool2d 2x2/2 pad 1 count_include_pad=True, which "
                 "PyTorch exports as a Pad node then an AveragePool without pads; "
                 "AdaptiveAvgPool2d(1) as GlobalAveragePool; 1x1 Conv",
                 notes=["Sizes are chosen so that no ceil_mode window starts in the padding, "
                        "where PyTorch and ONNX Runtime are known to disagree."])


def tiny_cnn():
    return seeded(TinyCnn, "tiny_cnn")


def make_formats():
    covers = {
        7: "opset 7 (IR 3 as PyTorch writes it; initializers also listed as graph inputs)",
        9: "opset 9 (IR 4)",
        11: "opset 11 (IR 6)",
        13: "opset 13 (IR 7)",
        17: "opset 17 (IR 8)",
    }
    for opset, text in covers.items():
        export_torch(tiny_cnn(), f"tiny_cnn_opset{opset}", OUT, (2, 1, 12, 12),
                     "tiny CNN (Conv, Relu, MaxPool, Conv, Relu, Flatten, Gemm), " + text,
                     opset=opset)
    export_torch(tiny_cnn(), "tiny_cnn_initializers_as_inputs", OUT, (2, 1, 12, 12),
                 "tiny CNN at opset 11 with keep_initializers_as_inputs=True: every initializer "
                 "is also a graph input (the IR 3 convention)",
                 opset=11, keep_initializers_as_inputs=True)

    base, x, y = export_torch(tiny_cnn(), "tiny_cnn_opset13", OUT, (2, 1, 12, 12), "", save=False)
    for ir in (3, 9, 10):
        name = f"tiny_cnn_ir{ir}"
        m = onnx.ModelProto()
        if ir == 3:
            m.CopyFrom(export_torch(tiny_cnn(), name, OUT, (2, 1, 12, 12), "", opset=8, save=False)[0])
        else:
            m.CopyFrom(base)
        m.ir_version = ir
        onnx.save_model(m, str(OUT / f"{name}.onnx"))
        check = ir <= 8
        if ir == 3:
            covers_text = ("tiny CNN at opset 8 with ir_version set to 3 (PyTorch writes 3 "
                           "for opset 7 and 8 anyway; initializers are also graph inputs)")
        else:
            covers_text = (f"the opset 13 tiny CNN with only model.ir_version changed to {ir} "
                           "(a file-format test; ONNX 1.12 writes at most IR 8)")
        write_fixture(name, OUT, covers_text, f"torch.onnx.export (PyTorch {torch.__version__}), "
                      "ir_version edited", x, y, "PyTorch module forward", check=check,
                      notes=None if check else [f"onnx.checker of ONNX 1.12 rejects IR {ir} "
                                                "(it knows IR <= 8), so it was not run."])


def float16_weights_only(model):
    """Stores each float32 initializer as FLOAT16 and inserts Cast(to=FLOAT) after it, so
    the graph still computes in float32 (weight compression, the way converter tools keep
    a float32 graph with float16 storage)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    casts = []
    for t in m.graph.initializer:
        if t.data_type != TensorProto.FLOAT:
            continue
        value = numpy_helper.to_array(t).astype(np.float16)
        old = t.name
        t.CopyFrom(numpy_helper.from_array(value, old + "_fp16"))
        casts.append(helper.make_node("Cast", [old + "_fp16"], [old], name=old + "_cast",
                                      to=TensorProto.FLOAT))
    nodes = casts + list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    return m


def float16_graph(model, typed_fields=False):
    """Converts the whole graph to float16 (initializers, all computation), with Cast nodes
    at the graph's input and output so the caller still feeds and reads float32: what
    float16 converter tools produce with 'keep_io_types'."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    for t in g.initializer:
        value = numpy_helper.to_array(t).astype(np.float16)
        name = t.name
        if typed_fields:
            t.CopyFrom(typed_16bit_tensor(name, TensorProto.FLOAT16, value.shape, value.view(np.uint16)))
        else:
            t.CopyFrom(numpy_helper.from_array(value, name))
    inp, out = g.input[0].name, g.output[0].name
    for n in g.node:
        for i, v in enumerate(n.input):
            if v == inp:
                n.input[i] = inp + "_fp16"
        for i, v in enumerate(n.output):
            if v == out:
                n.output[i] = out + "_fp16"
    nodes = ([helper.make_node("Cast", [inp], [inp + "_fp16"], name="graph_input_cast",
                               to=TensorProto.FLOAT16)]
             + list(g.node)
             + [helper.make_node("Cast", [out + "_fp16"], [out], name="graph_output_cast",
                                 to=TensorProto.FLOAT)])
    del g.node[:]
    g.node.extend(nodes)
    del g.value_info[:]
    return m


def make_float16():
    base, x, _ = export_torch(tiny_cnn(), "tiny_cnn_opset13", OUT, (2, 1, 12, 12), "", save=False)
    # PyTorch 1.13 on CPU cannot run a .half() Conv ("slow_conv2d_cpu" not implemented for
    # 'Half'), and export traces the model, so the float16 models are made from the float32
    # export as converter tools do, and their samples come from the evaluator.
    variants = [
        ("tiny_cnn_float16_weights", float16_weights_only(base),
         "float16 initializers (raw_data) each followed by Cast(to=FLOAT); the graph computes "
         "in float32"),
        ("tiny_cnn_float16_graph", float16_graph(base),
         "whole float16 graph: float16 initializers (raw_data) feed Conv/Gemm directly; Cast "
         "float32->float16 after the input and back before the output"),
        ("tiny_cnn_float16_typed", float16_graph(base, typed_fields=True),
         "as tiny_cnn_float16_graph, but the float16 initializers are stored in the typed "
         "int32_data field (one uint16 bit pattern per int32) instead of raw_data"),
    ]
    for name, model, covers in variants:
        onnx.save_model(model, str(OUT / f"{name}.onnx"))
        y = list(evaluate(model, {"input": x}).values())[0].float().numpy()
        write_fixture(name, OUT, covers,
                      f"torch.onnx.export (PyTorch {torch.__version__}), initializers converted to "
                      "float16 with numpy", x, y,
                      "PyTorch functions applied node by node (make_fixtures.py's evaluator); "
                      "float16 nodes computed in float32 and rounded to float16 after each node",
                      notes=["PyTorch 1.13 cannot run a half-precision Conv on CPU, so it cannot "
                             "trace a .half() model for export; the float16 initializers were "
                             "made from the float32 export with numpy astype(float16)."])


def make_external():
    folder = OUT / "external"
    # onnx.save_model appends to an existing external data file, so start from nothing.
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / ".gitattributes").write_text(
        "# The one-file-per-tensor variant names its files after the tensors (no extension).\n"
        "* binary\n*.json text eol=lf\n*.md text eol=lf\n*.py text eol=lf\n.gitattributes text eol=lf\n")
    base, x, y = export_torch(tiny_cnn(), "tiny_cnn_opset13", OUT, (2, 1, 12, 12), "", save=False)
    exporter = f"torch.onnx.export (PyTorch {torch.__version__}), saved by onnx.save_model"

    m = onnx.ModelProto()
    m.CopyFrom(base)
    onnx.save_model(m, str(folder / "tiny_cnn_external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="tiny_cnn_external.data", size_threshold=0)
    write_fixture("tiny_cnn_external", folder,
                  "every initializer in one external file tiny_cnn_external.data (offsets from 0, "
                  "back to back)", exporter, x, y, "PyTorch module forward")

    m = onnx.ModelProto()
    m.CopyFrom(base)
    onnx.save_model(m, str(folder / "tiny_cnn_external_per_tensor.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=False, size_threshold=0)
    write_fixture("tiny_cnn_external_per_tensor", folder,
                  "one external file per initializer, named after the tensor (e.g. conv1.weight), "
                  "no offset or length keys", exporter, x, y, "PyTorch module forward")

    # Offsets that are never 0, aligned to 64 bytes, with filler bytes between the tensors
    # (0xCD, so a reader that ignores the offset reads garbage). The last tensor has no
    # "length" key: it runs to the end of the file, which is how ONNX reads a missing length.
    m = onnx.ModelProto()
    m.CopyFrom(base)
    data = bytearray(b"\xCD" * 100)
    for i, t in enumerate(m.graph.initializer):
        raw = numpy_helper.to_array(t).astype("<f4").tobytes()
        offset = (len(data) + 63) // 64 * 64
        data += b"\xCD" * (offset - len(data))
        data += raw
        entries = [("location", "tiny_cnn_external_offsets.data"), ("offset", str(offset))]
        if i != len(m.graph.initializer) - 1:
            entries.append(("length", str(len(raw))))
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        del t.external_data[:]
        for k, v in entries:
            e = t.external_data.add()
            e.key, e.value = k, v
    (folder / "tiny_cnn_external_offsets.data").write_bytes(bytes(data))
    onnx.save_model(m, str(folder / "tiny_cnn_external_offsets.onnx"))
    write_fixture("tiny_cnn_external_offsets", folder,
                  "one external file with every offset non-zero and 64-byte aligned, filler bytes "
                  "0xCD before and between tensors; the last initializer has no 'length' key "
                  "and runs to the end of the file",
                  f"torch.onnx.export (PyTorch {torch.__version__}), external data written by "
                  "make_fixtures.py", x, y, "PyTorch module forward")


def make_stored_types():
    # bfloat16 (raw_data) and double (raw + typed) weights, each through Cast to float.
    name = "weights_bfloat16_double"
    w1 = seeded_randn(name + "/w1", 4, 1, 3, 3, scale=0.5)
    b1 = seeded_randn(name + "/b1", 4, scale=0.1)
    w2 = seeded_randn(name + "/w2", 2, 4, 3, 3, scale=0.3).astype(np.float64) + 1e-9
    b2 = np.array([0.1, -1.0 / 3.0], dtype=np.float64)
    w1_bits = f32_to_bf16_bits(w1)
    b1_bits = f32_to_bf16_bits(b1)
    w1_t = helper.make_tensor("conv1.weight_bf16", TensorProto.BFLOAT16, w1.shape,
                              w1_bits.astype("<u2").tobytes(), raw=True)
    b1_t = typed_16bit_tensor("conv1.bias_bf16", TensorProto.BFLOAT16, b1.shape, b1_bits)
    w2_t = numpy_helper.from_array(w2, "conv2.weight_f64")           # raw_data
    b2_t = helper.make_tensor("conv2.bias_f64", TensorProto.DOUBLE, b2.shape, b2.tolist())  # double_data
    nodes = [
        helper.make_node("Cast", ["conv1.weight_bf16"], ["conv1.weight"], name="conv1.weight_cast", to=TensorProto.FLOAT),
        helper.make_node("Cast", ["conv1.bias_bf16"], ["conv1.bias"], name="conv1.bias_cast", to=TensorProto.FLOAT),
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["c1"], name="conv1", kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Cast", ["conv2.weight_f64"], ["conv2.weight"], name="conv2.weight_cast", to=TensorProto.FLOAT),
        helper.make_node("Cast", ["conv2.bias_f64"], ["conv2.bias"], name="conv2.bias_cast", to=TensorProto.FLOAT),
        helper.make_node("Conv", ["r1", "conv2.weight", "conv2.bias"], ["output"], name="conv2", kernel_shape=[3, 3]),
    ]
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 1, 8, 8])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 2, 4, 4])],
                              initializer=[w1_t, b1_t, w2_t, b2_t])
    save_helper_model(graph, name, OUT,
                      "bfloat16 Conv weight (raw_data) and bias (typed int32_data, one bit pattern "
                      "per int32), then double weight (raw_data) and bias (typed double_data), each "
                      "through Cast(to=FLOAT); the double values are not float32-exact "
                      "(exact: false, nearest float32)", 13, seeded_randn(name + "/x", 1, 1, 8, 8))

    # Integer weights through Cast: int8/uint8 (raw) and int32/int64 (typed fields).
    name = "weights_integer"
    rng = np.random.default_rng(model_seed(name))
    w1 = rng.integers(-128, 128, size=(3, 1, 3, 3)).astype(np.int8)
    b1 = rng.integers(0, 256, size=(3,)).astype(np.uint8)
    w2 = rng.integers(-70000, 70000, size=(2, 3, 3, 3)).astype(np.int32)
    b2 = np.array([2 ** 24 + 1, -(2 ** 40) - 3], dtype=np.int64)  # neither is a float32
    inits = [
        numpy_helper.from_array(w1, "w_int8"),
        numpy_helper.from_array(b1, "b_uint8"),
        helper.make_tensor("w_int32", TensorProto.INT32, w2.shape, w2.ravel().tolist()),
        helper.make_tensor("b_int64", TensorProto.INT64, b2.shape, b2.tolist()),
    ]
    nodes = [
        helper.make_node("Cast", ["w_int8"], ["w1"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["b_uint8"], ["b1"], to=TensorProto.FLOAT),
        helper.make_node("Conv", ["input", "w1", "b1"], ["c1"], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Cast", ["w_int32"], ["w2"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["b_int64"], ["b2"], to=TensorProto.FLOAT),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["output"], kernel_shape=[3, 3]),
    ]
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 1, 7, 7])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 2, 3, 3])],
                              initializer=inits)
    save_helper_model(graph, name, OUT,
                      "integer weights through Cast(to=FLOAT): int8 kernel and uint8 bias "
                      "(raw_data), int32 kernel (typed int32_data) and int64 bias (typed "
                      "int64_data, values 2^24+1 and -2^40-3, not float32-exact); every node "
                      "name left empty", 13, seeded_randn(name + "/x", 1, 1, 7, 7),
                      notes=["All node names are empty on purpose; layers give node_index."])


def make_qdq():
    # Per-tensor: uint8 weights, one scale and zero point, weight-only QDQ.
    name = "qdq_per_tensor"
    rng = np.random.default_rng(model_seed(name))
    wq = rng.integers(0, 256, size=(4, 2, 3, 3)).astype(np.uint8)
    inits = [
        numpy_helper.from_array(wq, "conv.weight_quantized"),
        numpy_helper.from_array(np.array(0.0123, dtype=np.float32), "conv.weight_scale"),
        numpy_helper.from_array(np.array(131, dtype=np.uint8), "conv.weight_zero_point"),
        numpy_helper.from_array(seeded_randn(name + "/b", 4, scale=0.1), "conv.bias"),
    ]
    nodes = [
        helper.make_node("DequantizeLinear", ["conv.weight_quantized", "conv.weight_scale",
                                              "conv.weight_zero_point"], ["conv.weight_dequantized"],
                         name="conv.weight_DequantizeLinear"),
        helper.make_node("Conv", ["input", "conv.weight_dequantized", "conv.bias"], ["c"],
                         name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["output"], name="relu"),
    ]
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 2, 6, 6])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 4, 6, 6])],
                              initializer=inits)
    save_helper_model(graph, name, OUT,
                      "uint8 Conv weight through DequantizeLinear with a per-tensor scale and zero "
                      "point (131); float32 bias; expected weights are the dequantized floats",
                      13, seeded_randn(name + "/x", 1, 2, 6, 6))

    # Per-axis: ONNX Runtime quantizer's QDQ format: activations Q->DQ, int8 weights with a
    # scale per output channel (axis 0, zero points 0), int32 bias with scale x_scale*w_scale.
    name = "qdq_per_axis"
    rng = np.random.default_rng(model_seed(name))
    w = seeded_randn(name + "/w", 4, 2, 3, 3, scale=0.4)
    b = seeded_randn(name + "/b", 4, scale=0.2)
    w_scale = (np.abs(w).reshape(4, -1).max(axis=1) / 127).astype(np.float32)
    wq = np.clip(np.round(w / w_scale.reshape(4, 1, 1, 1)), -127, 127).astype(np.int8)
    x_scale = np.float32(4.0 / 255)
    x_zp = np.uint8(128)
    b_scale = (x_scale * w_scale).astype(np.float32)
    bq = np.round(b / b_scale).astype(np.int32)
    y_scale, y_zp = np.float32(0.05), np.uint8(0)
    inits = [
        numpy_helper.from_array(np.array(x_scale), "input_scale"),
        numpy_helper.from_array(np.array(x_zp), "input_zero_point"),
        numpy_helper.from_array(wq, "conv.weight_quantized"),
        numpy_helper.from_array(w_scale, "conv.weight_scale"),
        numpy_helper.from_array(np.zeros(4, np.int8), "conv.weight_zero_point"),
        numpy_helper.from_array(bq, "conv.bias_quantized"),
        numpy_helper.from_array(b_scale, "conv.bias_scale"),
        numpy_helper.from_array(np.zeros(4, np.int32), "conv.bias_zero_point"),
        numpy_helper.from_array(np.array(y_scale), "output_scale"),
        numpy_helper.from_array(np.array(y_zp), "output_zero_point"),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["input", "input_scale", "input_zero_point"], ["input_q"],
                         name="input_QuantizeLinear"),
        helper.make_node("DequantizeLinear", ["input_q", "input_scale", "input_zero_point"], ["input_dq"],
                         name="input_DequantizeLinear"),
        helper.make_node("DequantizeLinear", ["conv.weight_quantized", "conv.weight_scale",
                                              "conv.weight_zero_point"], ["conv.weight_dq"],
                         name="conv.weight_DequantizeLinear", axis=0),
        helper.make_node("DequantizeLinear", ["conv.bias_quantized", "conv.bias_scale",
                                              "conv.bias_zero_point"], ["conv.bias_dq"],
                         name="conv.bias_DequantizeLinear", axis=0),
        helper.make_node("Conv", ["input_dq", "conv.weight_dq", "conv.bias_dq"], ["c"], name="conv",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("QuantizeLinear", ["r", "output_scale", "output_zero_point"], ["r_q"],
                         name="relu_QuantizeLinear"),
        helper.make_node("DequantizeLinear", ["r_q", "output_scale", "output_zero_point"], ["output"],
                         name="relu_DequantizeLinear"),
    ]
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, 2, 6, 6])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, 4, 6, 6])],
                              initializer=inits)
    # The sample input lies on the input quantization grid, so QuantizeLinear is exact; and
    # no pre-quantization output may sit near a rounding boundary of the output quantizer,
    # so any correct runtime gives exactly this output.
    xq = rng.integers(0, 256, size=(1, 2, 6, 6))
    x = ((xq - int(x_zp)).astype(np.float32) * x_scale).astype(np.float32)
    w_dq = (wq.astype(np.int32).astype(np.float32) * w_scale.reshape(4, 1, 1, 1)).astype(np.float32)
    b_dq = (bq.astype(np.float32) * b_scale).astype(np.float32)
    r = F.relu(F.conv2d(torch.from_numpy(x), torch.from_numpy(w_dq), torch.from_numpy(b_dq), padding=1))
    steps = r.double().numpy() / float(y_scale)
    margin = float(np.abs(steps - np.floor(steps) - 0.5).min())
    log(f"{name}: closest output to a rounding boundary is {margin:.3f} quantization steps away")
    if margin < 1e-3:
        raise SystemExit(f"{name}: sample output too close to a rounding boundary; change the seed")
    save_helper_model(graph, name, OUT,
                      "ONNX Runtime quantizer's QDQ pattern: QuantizeLinear->DequantizeLinear on "
                      "activations, int8 Conv weight with one scale per output channel "
                      "(DequantizeLinear axis=0, zero points 0), int32 bias with scale "
                      "input_scale*weight_scale; expected weights are the dequantized floats",
                      13, x,
                      notes=["The Q/DQ nodes on the activation path compute on activations "
                             "(kind 'activation' in nodes) but have no weights."])


def make_tf2onnx_like():
    """A graph shaped like tf2onnx's output for a Keras model: NHWC input, Transposes around
    the Conv, a Constant node holding the kernel, an Identity between an initializer and the
    Conv, Dense as MatMul + Add, and a Reshape whose shape is computed from the input."""
    name = "tf2onnx_like"
    k = seeded_randn(name + "/kernel", 3, 1, 3, 3, scale=0.5)      # ONNX order [out, in, kh, kw]
    kb = seeded_randn(name + "/bias", 3, scale=0.1)
    dw = seeded_randn(name + "/dense", 3 * 4 * 4, 5, scale=0.2)   # Keras Dense kernel [in, out]
    db = seeded_randn(name + "/dense_bias", 5, scale=0.1)
    inits = [
        numpy_helper.from_array(kb, "sequential/conv2d/BiasAdd/ReadVariableOp:0"),
        numpy_helper.from_array(dw, "sequential/dense/MatMul/ReadVariableOp:0"),
        numpy_helper.from_array(db, "sequential/dense/BiasAdd/ReadVariableOp:0"),
        numpy_helper.from_array(np.array([0], np.int64), "const_axes__7"),
        numpy_helper.from_array(np.array(0, np.int64), "const_starts__8"),  # scalar: Gather drops the axis
        numpy_helper.from_array(np.array([-1], np.int64), "const_fold_opt__9"),
    ]
    p = "sequential/"
    nodes = [
        helper.make_node("Transpose", ["input_1"], [p + "conv2d/Conv2D__6:0"], name=p + "conv2d/Conv2D__6",
                         perm=[0, 3, 1, 2]),
        helper.make_node("Constant", [], [p + "conv2d/Conv2D/ReadVariableOp:0"],
                         name=p + "conv2d/Conv2D/ReadVariableOp", value=numpy_helper.from_array(k)),
        helper.make_node("Identity", ["sequential/conv2d/BiasAdd/ReadVariableOp:0"], [p + "conv2d/bias:0"],
                         name=p + "conv2d/BiasAdd/Identity"),
        helper.make_node("Conv", [p + "conv2d/Conv2D__6:0", p + "conv2d/Conv2D/ReadVariableOp:0",
                                  p + "conv2d/bias:0"], [p + "conv2d/BiasAdd:0"],
                         name=p + "conv2d/BiasAdd", kernel_shape=[3, 3], strides=[1, 1],
                         dilations=[1, 1], group=1, pads=[0, 0, 0, 0]),
        helper.make_node("Relu", [p + "conv2d/BiasAdd:0"], [p + "conv2d/Relu:0"], name=p + "conv2d/Relu"),
        helper.make_node("Transpose", [p + "conv2d/Relu:0"], [p + "conv2d/Relu__9:0"],
                         name=p + "conv2d/Relu__9", perm=[0, 2, 3, 1]),
        helper.make_node("Shape", [p + "conv2d/Relu__9:0"], [p + "flatten/Shape:0"], name=p + "flatten/Shape"),
        helper.make_node("Gather", [p + "flatten/Shape:0", "const_starts__8"], [p + "flatten/strided_slice:0"],
                         name=p + "flatten/strided_slice", axis=0),
        helper.make_node("Unsqueeze", [p + "flatten/strided_slice:0", "const_axes__7"],
                         [p + "flatten/Reshape/shape_Unsqueeze__12:0"],
                         name=p + "flatten/Reshape/shape_Unsqueeze__12"),
        helper.make_node("Concat", [p + "flatten/Reshape/shape_Unsqueeze__12:0", "const_fold_opt__9"],
                         [p + "flatten/Reshape/shape_Concat__13:0"],
                         name=p + "flatten/Reshape/shape_Concat__13", axis=0),
        helper.make_node("Reshape", [p + "conv2d/Relu__9:0", p + "flatten/Reshape/shape_Concat__13:0"],
                         [p + "flatten/Reshape:0"], name=p + "flatten/Reshape"),
        helper.make_node("MatMul", [p + "flatten/Reshape:0", "sequential/dense/MatMul/ReadVariableOp:0"],
                         [p + "dense/MatMul:0"], name=p + "dense/MatMul"),
        helper.make_node("Add", [p + "dense/MatMul:0", "sequential/dense/BiasAdd/ReadVariableOp:0"],
                         [p + "dense/BiasAdd:0"], name=p + "dense/BiasAdd"),
        helper.make_node("Softmax", [p + "dense/BiasAdd:0"], ["dense"], name=p + "dense/Softmax", axis=-1),
    ]
    graph = helper.make_graph(nodes, "tf2onnx",
                              [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__15", 6, 6, 1])],
                              [helper.make_tensor_value_info("dense", TensorProto.FLOAT, ["unk__16", 5])],
                              initializer=inits)
    save_helper_model(graph, name, OUT,
                      "tf2onnx-style Keras graph: NHWC input with Transpose to NCHW and back around "
                      "the Conv, the Conv kernel in a Constant node, the Conv bias reaching the Conv "
                      "through an Identity, Flatten as Reshape with a shape from "
                      "Shape->Gather->Unsqueeze->Concat, Dense as MatMul + Add (bias), Softmax",
                      13, seeded_randn(name + "/x", 2, 6, 6, 1), producer="tf2onnx",
                      notes=["Built with onnx.helper in tf2onnx's shape and naming style (tf2onnx "
                             "is not installed here). Layers with weights: the Conv, the MatMul "
                             "and the Add; Transpose/Relu/Reshape/Softmax compute on activations "
                             "without weights; Shape/Gather/Unsqueeze/Concat are shape arithmetic; "
                             "Constant and Identity only carry constants."])


def write_readme():
    lines = [
        "# Exporter fixtures",
        "",
        "Small ONNX models made by real exporters, with the weights exactly as the exporter saw",
        "them, for tests that compare `Layer.GetWeights()` bit for bit and run the models with",
        "ONNX Runtime. Everything here is written by `make_fixtures.py` (seeded; run it as",
        "`python3 make_fixtures.py` with Debian's python3, `python3-torch` and `python3-onnx`).",
        "Do not edit the files by hand; change the script and rerun it.",
        "",
        f"Made with PyTorch {torch.__version__}, ONNX {onnx.__version__}, numpy {np.__version__}.",
        "",
        "## Files per model `X`",
        "",
        "- `X.onnx`: the model.",
        "- `X.expected.json`: producer, opset, IR version, graph inputs (`null` = dynamic dim),",
        "  `nodes` (every node with its `kind`: `activation` computes on data from the graph",
        "  input, `shape` only on its shape, `constant` only on constants), and `layers`: in",
        "  graph order, every node with constant weight inputs (Conv W/B, Gemm B/C, MatMul's",
        "  constant operand, BatchNormalization scale/B/mean/var, Add's constant operand, ...).",
        "  Each weight gives `onnx_input` (the node's input name), `input_index`, `source`",
        "  (initializer / Constant node) and `source_name`, `through` (Identity, Cast,",
        "  DequantizeLinear nodes between the stored tensor and the node), `storage`",
        "  (`raw_data`, a typed field such as `float_data`/`int32_data`/`int64_data`/`double_data`,",
        "  or `external:<file>`), `shape`, `stored_dtype`, `exact`, `file`, and for a",
        "  DequantizeLinear weight its `dequantize` axis, scales and zero points.",
        "- `X.wN.f32`: one weight as raw little-endian float32 in C order: the stored value",
        "  converted with numpy `astype(np.float32)`, or dequantized as",
        "  `(q.astype(np.int32) - zero_point) * scale` in float32. `exact: true` means the",
        "  float32 equals the stored value; `false` means it is the nearest float32 (double,",
        "  large int64) or the rounded product of a dequantization.",
        "- `X.input.f32`, `X.output.f32`: a sample input and PyTorch's output for it",
        "  (`sample.computed_by` says whether by the PyTorch module or by PyTorch functions",
        "  applied node by node for models built with onnx.helper). Compare ONNX Runtime's",
        "  output with a tolerance (1e-5 relative; about 1e-2 for the float16 graphs).",
        "",
        "## Models",
        "",
        "| model | covers | exporter | opset | IR |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rel, covers, exporter, opset, ir in README_ROWS:
        lines.append(f"| `{rel}` | {covers} | {exporter} | {opset} | {ir} |")
    lines += [
        "",
        "## Notes",
        "",
        "- PyTorch 1.13 fuses a BatchNorm that directly follows a Conv into the Conv in eval",
        "  mode even with `do_constant_folding=False`; `batchnorm.onnx` puts each BN after a",
        "  ReLU, `batchnorm_after_conv.onnx` keeps Conv+BN with `TrainingMode.PRESERVE`, and",
        "  `batchnorm_folded.onnx` shows the fused result.",
        "- PyTorch 1.13 cannot run a float16 Conv on CPU, so it cannot export a `.half()` model;",
        "  the float16 models are the float32 export with initializers converted by numpy.",
        "- PyTorch writes IR 3 for opsets 7 and 8 (with initializers as graph inputs), IR 4 for",
        "  9, 6 for 11, 7 for 13 and 8 for 17. `tiny_cnn_ir9`/`tiny_cnn_ir10` only have",
        "  `ir_version` raised; ONNX 1.12's checker stops at IR 8, so they were not checked.",
        "- `external/` holds the external-data models; its `.gitattributes` marks every file",
        "  binary because the one-file-per-tensor variant names files after tensors.",
        "- `tf2onnx_like.onnx` imitates tf2onnx's output with onnx.helper (tf2onnx is not",
        "  available here); its producer_name says `tf2onnx` for that reason.",
        "",
    ]
    (OUT / "README.md").write_text("\n".join(lines))
    log("wrote README.md")


def main():
    global OUT, SEED
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent),
                        help="output folder (default: this script's folder)")
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    OUT = Path(args.out)
    SEED = args.seed
    OUT.mkdir(parents=True, exist_ok=True)
    log(f"PyTorch {torch.__version__}, ONNX {onnx.__version__}, numpy {np.__version__}, seed {SEED}")
    make_conv_and_dense()
    make_asymmetric_pads()
    make_batchnorm()
    make_pooling()
    make_formats()
    make_float16()
    make_external()
    make_stored_types()
    make_qdq()
    make_tf2onnx_like()
    write_readme()
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())
    log(f"{len(README_ROWS)} models, {total} bytes in total under the output folder")


if __name__ == "__main__":
    main()
