"""Text helpers shared by every stage: normalization, hashing keys, language detection."""
