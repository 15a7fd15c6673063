"""Cost models, and nothing else: every rate, delay, energy and FLOP count of the library comes from here.

* :mod:`.channel` -- the Shannon rate, path loss, fading, SINR and OFDMA rates;
* :mod:`.latency` and :mod:`.offloading` -- delays of the offloading family and
  its compiled evaluator;
* :mod:`.layers` and :mod:`.networks` -- layer FLOPs and the DNN catalogue;
* :mod:`.split` -- per-layer latency and energy of split inference;
* :mod:`.terminal` -- the imaging terminal's physical chain (the game family);
* :mod:`.qoe` -- latency, energy, accuracy and QoE of the QoE family (Chen et al., eq 1-10);
* :mod:`.model_selection` -- rates, latency floors, RDE and the eq 12 reward of model selection (Lin et al.).

Models import nothing from ``semopt.problems`` or ``semopt.solvers``: they take
plain arrays, so problems, solvers and analyses all build on them.
"""
