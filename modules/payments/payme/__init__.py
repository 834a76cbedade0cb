"""Payme Merchant API (docs/providers.md): Payme calls POST /api/v1/payments/payme with
JSON-RPC; `endpoint.handle(request)` always answers HTTP 200 with a JSON-RPC result or error."""
