"""The claims register: readings, provenance, official measures (checks/), the verdict rule, the register."""
