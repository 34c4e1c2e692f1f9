"""The subcontracts service's problems, one module per area."""
