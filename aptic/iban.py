"""How an IBAN is shown: whole (grouped by four) to those who pay, masked to everyone else."""

MASK = "•"


def iban_grouped(iban: str) -> str:
    """``FR7630006000011234567890189`` → ``FR76 3000 6000 0112 3456 7890 189``."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[start : start + 4] for start in range(0, len(compact), 4))


def iban_masked(iban: str) -> str:
    """Enough to recognise the account, not to copy it: the country and check digits, then the last four
    characters; ``FR7630006000011234567890189`` → ``FR76 •••• •••• •••• •••• •••0 189``."""
    compact = "".join(iban.split()).upper()
    if len(compact) <= 8:
        return MASK * len(compact)
    hidden = compact[:4] + MASK * (len(compact) - 8) + compact[-4:]
    return iban_grouped(hidden)
