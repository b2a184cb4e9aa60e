"""Posts -> clinically reasoned multi-turn counseling dialogues (plan, draft, reason + reply)."""
