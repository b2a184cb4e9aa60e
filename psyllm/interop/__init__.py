"""Interoperability with the field's public data: importers (OpenR1-Psy, CPsyCoun, chat messages, ShareGPT) into
psyllm dialogue records, and the OpenR1-Psy layout as an export format."""
