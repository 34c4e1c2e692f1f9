"""The subcontracts service's repository, one module per area."""
