"""The subcontracts service's access, one module per area."""
