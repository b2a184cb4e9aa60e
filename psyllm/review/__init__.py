"""The clinician's workspace (`psyllm review`): browse a run's dialogues, rate the model's answers, try the model.

Plain code: FastAPI with server-rendered Jinja2 pages and local assets. The run folder is read as the stages wrote
it; ratings, assignments and verdicts live in MLflow (psyllm/tracking/reviews.py), the one store."""
