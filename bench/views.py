import json

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_redemption(request):
    """The reference: only the guarded update and the insert, in one transaction, behind the same server."""
    cheque_id = json.loads(request.body)["cheque"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE bench_cheque SET status = 'redeemed' WHERE id = %s AND status = 'issued'", [cheque_id])
        if cursor.rowcount != 1:
            return JsonResponse({"error": "already_redeemed"}, status=409)
        cursor.execute(
            "INSERT INTO bench_redemption (cheque_id, validated_at) VALUES (%s, now()) RETURNING id", [cheque_id]
        )
        return JsonResponse({"id": cursor.fetchone()[0]}, status=201)
