"""Writes of the settlement app: bank accounts, Mutations choices, monthly runs."""
