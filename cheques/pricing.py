"""Every amount of the chèque #APTIC is computed here, in integer cents (DESIGN §2, seed 001).

Per cheque, with the rates in force in 2026:

=====================================  ==========================  ===========
funder pays: face value F              not subject to VAT (MPV)     10,00 €
+ upstream fee, 4 % × F, HT                                          0,40 €
+ VAT 20 % on the upstream fee                                       0,08 €
= total paid by the funder                                           10,40 € HT / 10,48 € TTC
site receives: F                                                     10,00 €
- downstream fee, 4 % × F, HT                                        0,40 €
- VAT 20 % on the downstream fee                                     0,08 €
- optional Mutations contribution, 1 % × F (opted-in structures)     0,10 €
= paid to the site                                                   9,52 € (9,42 € with Mutations)
=====================================  ==========================  ===========

Rounding is half up, applied once per document total (the quote, the invoice, the settlement line),
never per cheque then summed. The seed's reading of "10 € − 4 % HT = 9,52 €" is that the fee is 4 % HT,
and the site bears its VAT too: 10 − 0,40 − 0,08 = 9,52.
"""

from dataclasses import dataclass

from aptic.money import apply_rate


@dataclass(frozen=True)
class Rates:
    face_value: int  # cents
    upstream_fee_bp: int
    downstream_fee_bp: int
    vat_bp: int
    mutations_bp: int


# The rates the seed text states; also the first row created in a new database.
SEED_RATES = Rates(face_value=1000, upstream_fee_bp=400, downstream_fee_bp=400, vat_bp=2000, mutations_bp=100)


@dataclass(frozen=True)
class OrderPrice:
    """What a funder pays for ``quantity`` cheques."""

    quantity: int
    face_value: int
    face_value_total: int
    upstream_fee_bp: int
    upstream_fee_ht: int
    vat_bp: int
    vat: int
    total_ht: int
    total_ttc: int


def order_price(*, quantity: int, rates: Rates) -> OrderPrice:
    if quantity < 1:
        raise ValueError("an order has at least one cheque")
    face_value_total = quantity * rates.face_value
    upstream_fee_ht = apply_rate(face_value_total, rates.upstream_fee_bp)
    vat = apply_rate(upstream_fee_ht, rates.vat_bp)
    return OrderPrice(
        quantity=quantity,
        face_value=rates.face_value,
        face_value_total=face_value_total,
        upstream_fee_bp=rates.upstream_fee_bp,
        upstream_fee_ht=upstream_fee_ht,
        vat_bp=rates.vat_bp,
        vat=vat,
        total_ht=face_value_total + upstream_fee_ht,
        total_ttc=face_value_total + upstream_fee_ht + vat,
    )


@dataclass(frozen=True)
class SettlementPrice:
    """What a structure is paid for ``cheques`` redeemed cheques, and where the rest goes."""

    cheques: int
    face_value_total: int
    downstream_fee_ht: int
    vat: int
    mutations: int
    paid: int

    def __add__(self, other: "SettlementPrice") -> "SettlementPrice":
        return SettlementPrice(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))


def settlement_price(
    *, cheques: int, face_value: int, downstream_fee_bp: int, vat_bp: int, mutations_bp: int = 0
) -> SettlementPrice:
    """The settlement of ``cheques`` redeemed cheques of ``face_value`` cents each.

    ``mutations_bp`` is 0 for a structure that did not opt in to the Mutations endowment fund.
    """
    return settlement_price_of_total(
        cheques=cheques,
        face_value_total=cheques * face_value,
        downstream_fee_bp=downstream_fee_bp,
        vat_bp=vat_bp,
        mutations_bp=mutations_bp,
    )


def settlement_price_of_total(
    *, cheques: int, face_value_total: int, downstream_fee_bp: int, vat_bp: int, mutations_bp: int = 0
) -> SettlementPrice:
    """The settlement of cheques worth ``face_value_total`` cents together: rounded once, on that total."""
    if cheques < 0 or face_value_total < 0:
        raise ValueError("a negative settlement")
    downstream_fee_ht = apply_rate(face_value_total, downstream_fee_bp)
    vat = apply_rate(downstream_fee_ht, vat_bp)
    mutations = apply_rate(face_value_total, mutations_bp)
    return SettlementPrice(
        cheques=cheques,
        face_value_total=face_value_total,
        downstream_fee_ht=downstream_fee_ht,
        vat=vat,
        mutations=mutations,
        paid=face_value_total - downstream_fee_ht - vat - mutations,
    )


def settlement_price_for(*, cheques: int, rates: Rates, mutations: bool) -> SettlementPrice:
    return settlement_price(
        cheques=cheques,
        face_value=rates.face_value,
        downstream_fee_bp=rates.downstream_fee_bp,
        vat_bp=rates.vat_bp,
        mutations_bp=rates.mutations_bp if mutations else 0,
    )
