"""Multi-dimensional filtering of synthesized dialogues: structure, quality, safety, dedup, LLM judge."""
