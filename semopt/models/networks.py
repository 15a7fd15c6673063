"""DNN cost models as layer graphs: per-layer MACs, FLOPs, output sizes and parameters.

Filled in by the network catalogue below; the :class:`Network` container is
what the SplitInference problem (seed 003) consumes.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

__all__ = ["Network"]


@dataclass(frozen=True, eq=False)
class Network:
    """A DNN as a DAG of layers (indices ``0..L-1`` in a topological order).

    Attributes
    ----------
    name : str
    names : list of str
        Layer names.
    macs : float[L]
        Multiply-accumulates of each layer.
    flops : float[L]
        ``2 x macs``.
    out_elements : int[L]
        Elements of each layer's output tensor (batch 1).
    params : int[L]
        Learnable parameters of each layer.
    graph : networkx.DiGraph
        Data dependencies between layer indices; layers without predecessors
        read the network input.
    input_elements : int
        Elements of the network input.
    """

    name: str
    names: list[str]
    macs: np.ndarray
    flops: np.ndarray
    out_elements: np.ndarray
    params: np.ndarray
    graph: nx.DiGraph
    input_elements: int

    @property
    def n_layers(self) -> int:
        return int(self.macs.shape[0])

    @property
    def total_macs(self) -> float:
        return float(self.macs.sum())

    @property
    def total_params(self) -> int:
        return int(self.params.sum())

    def is_chain(self) -> bool:
        """True when every layer feeds only the next one (a sequential network)."""
        return all(self.graph.has_edge(i, i + 1) for i in range(self.n_layers - 1)) and \
            self.graph.number_of_edges() == self.n_layers - 1
