"""Risk: one assessment of crisis language for every path (ingest, import, filter, serve, evaluate), multilingual
rules as the floor and an optional model layer through the engine interface."""
from psyllm.safety.assess import LEVELS, Assessment, assess_conversation, assess_text, at_least, merge

__all__ = ["LEVELS", "Assessment", "assess_conversation", "assess_text", "at_least", "merge"]
