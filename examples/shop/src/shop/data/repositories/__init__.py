"""One repository per aggregate. Each takes an optional session: without one, every call
runs in its own transaction."""
