"""Solvers, one module per algorithm family; importing this package registers them all."""
