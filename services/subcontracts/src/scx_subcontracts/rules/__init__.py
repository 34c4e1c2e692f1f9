"""The subcontracts service's rules, one module per area."""
