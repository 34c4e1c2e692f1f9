"""The subcontracts service's service, one module per area."""
