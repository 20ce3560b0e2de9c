"""The int8 copy of the model for CPUs without bf16: an ONNX graph with int8 weights.

Written into the model folder by ``install_model`` from the fp32 weights it has just
written: the BERT encoder (token ids and attention mask in, last hidden states out) is
exported with ``torch.onnx`` and its matrix products quantised to int8 per output channel
with ONNX Runtime's dynamic quantisation (activations are quantised per batch at run time).
Pooling and normalisation stay outside the graph (``indexer.embedding.onnx``), as in the
sentence-transformers model.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from pathlib import Path

from indexer.embedding.provision.identity import ModelProvisionError

INT8_GRAPH = "onnx/model_int8.onnx"
OPSET = 17


def write_int8_graph(folder: Path) -> Path:
    """Export the folder's fp32 encoder and write its int8 graph at ``folder/INT8_GRAPH``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class Encoder(torch.nn.Module):
        """The transformer alone, with positional inputs, as the exporter wants it."""

        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    target = folder / INT8_GRAPH
    target.parent.mkdir(parents=True, exist_ok=True)
    fp32 = target.parent / ".model_fp32.onnx"
    try:
        model = AutoModel.from_pretrained(
            str(folder), local_files_only=True, add_pooling_layer=False
        ).eval()
        example = torch.ones(2, 16, dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder(model),
                (example, example),
                str(fp32),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=OPSET,
                dynamo=False,
            )
            del model
            root, level = logging.getLogger(), logging.getLogger().level
            root.setLevel(logging.ERROR)  # the quantiser logs advice on preprocessing as a warning
            try:
                quantize_dynamic(
                    str(fp32),
                    str(target),
                    weight_type=QuantType.QInt8,
                    per_channel=True,
                    reduce_range=True,
                )
            finally:
                root.setLevel(level)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelProvisionError(f"{target}: could not write the int8 graph ({exc})") from exc
    finally:
        fp32.unlink(missing_ok=True)
        for extra in target.parent.glob(".model_fp32*"):
            extra.unlink(missing_ok=True)
    return target
