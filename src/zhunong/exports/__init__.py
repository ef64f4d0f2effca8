"""Downloads too large to build during a request: built by the task worker, with progress, and
fetched by the person who asked for them (docs/decisions/0024)."""
