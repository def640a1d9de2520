"""Webhooks: subscriptions of external systems, and an outbox of deliveries the worker sends.

Events are written to the outbox in the transaction of the change they report, so a committed
change always gets its webhook and a rolled-back one never does; the HTTP call happens later,
outside any transaction.
"""
