"""SFT: assistant-only loss masks, packing, and the DeepSpeed ZeRO-3 training loop run by Ray Train."""
