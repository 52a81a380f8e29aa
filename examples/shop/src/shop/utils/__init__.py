"""Small helpers shared by the web pages, the CLI and the receipts."""
