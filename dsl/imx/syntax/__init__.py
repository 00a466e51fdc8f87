"""The syntax stage: grammar-driven parsing, the syntax tree and the canonical formatter."""
