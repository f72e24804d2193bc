"""A stand-in for Flowise: a local server speaking its wire format, with named scenarios (flows.py)."""
