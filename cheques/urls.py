from django.urls import path

from cheques.views import counter, distribution, orders, public

app_name = "cheques"

urlpatterns = [
    path("mon-carnet/", public.balance, name="balance"),
    # Funder
    path("espace/commandes/", orders.order_list, name="order-list"),
    path("espace/commandes/simulation/", orders.order_create, name="order-create"),
    path("espace/commandes/simulation/prix/", orders.order_price, name="order-price"),
    path("espace/commandes/<int:pk>/", orders.order_detail, name="order-detail"),
    path("espace/commandes/<int:pk>/modifier/", orders.order_update, name="order-update"),
    path("espace/commandes/<int:pk>/progression/", orders.order_progress, name="order-progress"),
    path("espace/commandes/<int:pk>/devis/", orders.order_quote, name="order-quote"),
    path("espace/commandes/<int:pk>/devis.pdf", orders.order_quote_pdf, name="order-quote-pdf"),
    path("espace/commandes/<int:pk>/confirmer/", orders.order_confirm, name="order-confirm"),
    path("espace/commandes/<int:pk>/annuler/", orders.order_cancel, name="order-cancel"),
    path("espace/commandes/<int:pk>/impression/relancer/", orders.print_restart, name="print-restart"),
    path("espace/commandes/<int:pk>/impression/<int:chunk>.pdf", orders.print_chunk_download, name="print-chunk"),
    path("espace/commandes/<int:pk>/impression/carnets.zip", orders.print_archive_download, name="print-archive"),
    path("espace/factures/", orders.invoice_list, name="invoice-list"),
    path("espace/factures/<int:pk>.pdf", orders.invoice_pdf, name="invoice-pdf"),
    path("espace/distribution/", distribution.distribution, name="distribution"),
    path("espace/distribution/partenaires/ajouter/", distribution.partner_add, name="partner-add"),
    path("espace/distribution/partenaires/inviter/", distribution.partner_invite, name="partner-invite"),
    path("espace/distribution/confier/", distribution.carnets_assign, name="carnets-assign"),
    path("espace/distribution/reprendre/", distribution.carnets_take_back, name="carnets-take-back"),
    path("espace/cheques/", distribution.cheques_overview, name="cheques-overview"),
    path("espace/cheques/export.csv", distribution.cheques_export_csv, name="cheques-export-csv"),
    path("espace/cheques/export.xlsx", distribution.cheques_export_xlsx, name="cheques-export-xlsx"),
    # Distributeur
    path("espace/carnets/", distribution.stock, name="stock"),
    path("espace/carnets/remettre/", distribution.hand_out, name="hand-out"),
    path("espace/invitation/<str:token>/", distribution.invitation_accept, name="invitation-accept"),
    # Structure: the counter
    path("guichet/", counter.counter, name="counter"),
    path("guichet/verifier/", counter.counter_lookup, name="counter-lookup"),
    path("guichet/valider/", counter.counter_validate, name="counter-validate"),
    path("guichet/recu/<int:pk>/", counter.counter_receipt, name="counter-receipt"),
    path("guichet/<int:pk>/annuler/", counter.counter_void, name="counter-void"),
    path("espace/validations/", counter.redemption_list, name="redemption-list"),
    # Both
    path("espace/carnets/bloquer/", distribution.carnet_block, name="carnet-block"),
    path("espace/carnets/<str:number>/", distribution.carnet_detail, name="carnet-detail"),
    path("espace/carnets/<str:number>/remplacer/", distribution.carnet_replace, name="carnet-replace"),
    path("espace/carnets/<str:number>/carnet.pdf", distribution.carnet_pdf_download, name="carnet-pdf"),
]
