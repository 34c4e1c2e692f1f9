"""The subcontracts service's schemas, one module per area."""
