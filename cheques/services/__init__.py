"""Writes about orders, invoices, cheques, printing and distribution (one module per sub-domain)."""
