"""Versioned prompt templates (package data) and their rendering to chat messages."""
from psyllm.prompts.render import (PROMPTS, counselor_system_prompt, draft_messages, fence_post, neutralize,
                                   plan_messages, reason_messages)

__all__ = ["PROMPTS", "counselor_system_prompt", "draft_messages", "fence_post", "neutralize", "plan_messages",
           "reason_messages"]
