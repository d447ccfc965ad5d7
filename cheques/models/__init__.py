"""Orders, invoices, carnets, cheques, distribution and printing (split by sub-domain)."""

from cheques.models.carnets import (
    BeneficiaryProfile,
    Carnet,
    CarnetEvent,
    Cheque,
    DistributeurInvitation,
    Partnership,
)
from cheques.models.orders import DocumentCounter, Invoice, Order, OrderTransition, Payment
from cheques.models.printing import PrintChunk, PrintJob
from cheques.models.rates import FeeRates, FeeRatesQuerySet
from cheques.models.redemptions import IdempotentRequest, RedeemedCheque, Redemption

__all__ = [
    "BeneficiaryProfile",
    "Carnet",
    "CarnetEvent",
    "Cheque",
    "DistributeurInvitation",
    "DocumentCounter",
    "FeeRates",
    "FeeRatesQuerySet",
    "IdempotentRequest",
    "Invoice",
    "Order",
    "OrderTransition",
    "Partnership",
    "Payment",
    "PrintChunk",
    "PrintJob",
    "RedeemedCheque",
    "Redemption",
]
