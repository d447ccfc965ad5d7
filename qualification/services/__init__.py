"""Writes of the qualification app: applications (``applications.py``) and qualifications (``qualifications.py``)."""
