"""``milp``: split inference as a mixed-integer linear program (PuLP/CBC), with every constraint.

The survey's §3.2.1 (References) lists integer programs for partitioning
(JointDNN among them); here, per user m with its resource share:

* ``x_l in {0, 1}``: layer l on the device;
* downset: ``x_j <= x_i`` for every dependency ``i -> j``;
* ``y_l >= x_l - x_j`` for every successor j: the output of l is sent
  (``y_l`` continuous in [0, 1], integral at the optimum);
* ``z >= 1 - x_j`` for every source layer j: the input is sent;
* objective ``sum device_l x_l + edge_l (1 - x_l) + send_l y_l + send_in z``;
* energy ``<= budget``, parameter memory ``<= memory``, latency ``<= deadline``
  as linear constraints of the same variables.

Built, solved and inverted back to a :class:`~semopt.problems.SplitSolution`
(build -> solve -> invert); PuLP is imported only when it runs.

References
----------
.. [1] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2.1.
.. [2] A. E. Eshratifar, M. S. Abrishami, M. Pedram, "JointDNN: An
   Efficient Training and Inference Engine for Intelligent Mobile Cloud
   Computing Services", IEEE Transactions on Mobile Computing 20(2), 2021.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from semopt.capabilities import Capabilities
from semopt.loop import Deadline
from semopt.models.split import LayerCosts
from semopt.options import Option
from semopt.problems.split import ADDITIVE_OBJECTIVES, SplitInference
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.split.per_user import per_user_status

__all__ = ["build_user_milp"]


def _linear(pulp: Any, costs: LayerCosts, x: dict[int, Any], y: dict[int, Any], z: Any, layers: list[int]) -> Any:
    return (pulp.lpSum(float(costs.device[j]) * x[j] + float(costs.edge[j]) * (1 - x[j]) for j in layers)
            + pulp.lpSum(float(costs.send[j]) * y[j] for j in y) + float(costs.send_input) * z)


def build_user_milp(problem: SplitInference, m: int, bandwidth: float, compute: float) -> tuple[Any, dict[int, Any]]:
    """The MILP of user m; returns ``(model, x)`` with ``x[l]`` the device indicator of layer l."""
    import pulp

    g = problem.graph_for()
    layers = sorted(g.nodes)
    model = pulp.LpProblem(f"split_user_{m}", pulp.LpMinimize)
    x = {j: model.add_variable(f"x_{j}", cat="Binary") for j in layers}
    y = {j: model.add_variable(f"y_{j}", lowBound=0, upBound=1) for j in layers if g.out_degree(j)}
    z = model.add_variable("z", lowBound=0, upBound=1)
    for i, j in g.edges:
        model += x[j] <= x[i]
        model += y[i] >= x[i] - x[j]
    for j in layers:
        if g.in_degree(j) == 0:
            model += z >= 1 - x[j]
    parts = problem.parts(m, bandwidth, compute)
    model += _linear(pulp, problem.costs(m, bandwidth, compute), x, y, z, layers)
    if np.isfinite(problem.energy_budget[m]):
        model += _linear(pulp, parts["energy"], x, y, z, layers) <= float(problem.energy_budget[m])
    if np.isfinite(problem.deadline[m]):
        model += _linear(pulp, parts["latency"], x, y, z, layers) <= float(problem.deadline[m])
    params = problem.network.params
    if problem.memory[m] < problem.bytes_per_param * params.sum():
        # Only the layers that run count (``layers`` are those of the final exit): SplitInference's reading.
        model += pulp.lpSum(float(problem.bytes_per_param * params[j]) * x[j] for j in layers) <= float(
            problem.memory[m])
    return model, x


def _cbc_seconds(deadline: Deadline) -> float | None:
    """CBC's ``timeLimit``: what is left of the budget, at least a millisecond (CBC reads 0 as no limit)."""
    left = deadline.remaining()
    return None if left is None else max(left, 1e-3)


@register_solver("milp", problems=(SplitInference,), exact=True, requires=("pulp",), options={
    "gap": Option(1e-9, "float", "Relative MIP gap at which CBC stops.", low=0.0),
}, capabilities=Capabilities(objectives=ADDITIVE_OBJECTIVES))
def milp(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None, gap: float) -> SolverOutput:
    """PuLP/CBC integer program with every constraint: exact split (survey §3.2.1).

    With several users, each user's program uses the equal resource split
    (the shares make the joint problem nonlinear; ``bcd`` optimises them)."""
    import pulp

    sol = problem.empty_solution()
    status, messages = per_user_status(problem, exact=True), []
    deadline = Deadline(time_limit)  # one budget for every user's program
    for m in range(problem.n_users):
        if deadline.expired():
            status = Status.TIME_LIMIT
            messages.append(f"time_limit={time_limit} s reached before user {m}: users {m}.. keep every layer "
                            "on the device")
            break
        model, x = build_user_milp(problem, m, sol.bandwidth[m], sol.compute[m])
        # PuLP 3 ships CBC as PULP_CBC_CMD (deprecated for PuLP 4, hence the pin pulp<4).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(msg=False, gapRel=gap, timeLimit=_cbc_seconds(deadline))
        model.solve(solver)
        state = pulp.LpStatus[model.status]
        if state == "Infeasible":
            status = Status.INFEASIBLE
            messages.append(f"user {m}: no device set meets the energy budget, memory and deadline")
            sol.placement[m] = True  # report the all-device placement, whose violations evaluate() names
            continue
        if state != "Optimal":
            status = Status.TIME_LIMIT if time_limit is not None else Status.MAX_ITER
            messages.append(f"user {m}: CBC stopped with status {state}")
        sol.placement[m] = False
        for j, var in x.items():
            sol.placement[m, j] = (var.value() or 0.0) > 0.5
    return SolverOutput(sol, status, [], "; ".join(messages) or "CBC proved optimality")
