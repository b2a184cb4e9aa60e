"""Serving: the OpenAI-compatible gateway (auth, limits, crisis layer) over engine backends; Ray-free.
psyllm/runtime/serve.py puts it and the engines into Ray Serve deployments."""
