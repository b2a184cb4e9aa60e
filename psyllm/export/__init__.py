"""SFT export: chat-message records, leakage-free splits, LLaMA-Factory/TRL layouts, a dataset card."""
