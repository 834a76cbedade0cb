"""Signals the gamification module sends.

coins_changed(sender, student_id, balance, transaction)
achievement_awarded(sender, student_achievement)
reward_redeemed(sender, redemption)
reward_redemption_changed(sender, redemption, change)   change: "handed_over" | "cancelled"
"""

from django.dispatch import Signal

coins_changed = Signal()
achievement_awarded = Signal()
reward_redeemed = Signal()
reward_redemption_changed = Signal()
