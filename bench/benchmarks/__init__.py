"""One module per benchmark (B1..B8); each has TITLE, TARGET and ``run(ctx) -> list[Row]``."""
