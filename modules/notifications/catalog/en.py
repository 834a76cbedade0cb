"""English texts: kind -> (title, body). Placeholders are filled by catalog.render()."""

TEXTS = {
    "attendance_absent": ("Absence: {student}", "{student} was absent from {group} on {when}."),
    "attendance_late": ("Late arrival: {student}", "{student} was late to {group} on {when}."),
    "absence_streak": (
        "{count} absences in a row: {student}",
        "{student} has missed {count} lessons of {group} in a row. Please get in touch with the center.",
    ),
    "lesson_rescheduled": (
        "Lesson moved: {group}",
        "The {group} lesson of {old_when} has moved to {when}. {reason}",
    ),
    "lesson_cancelled": ("Lesson cancelled: {group}", "The {group} lesson on {when} is cancelled. {reason}"),
    "homework_assigned": ("New homework: {title}", '{group}: "{title}" is due {due}.'),
    "homework_reviewed": (
        "Homework reviewed: {title}",
        '{student}\'s "{title}" was reviewed: {score}/{max_score}. {feedback}',
    ),
    "homework_due_24h": (
        "Homework due tomorrow: {title}",
        '"{title}" is due {due}. It has not been submitted yet.',
    ),
    "homework_due_2h": ("Homework due in 2 hours: {title}", '"{title}" is due {due}. Submit it soon.'),
    "homework_missed": ("Homework deadline missed: {title}", '{student} did not submit "{title}" by {due}.'),
    "payment_created": (
        "New invoice: {amount}",
        "An invoice of {amount} for {student} is due {due}. {description}",
    ),
    "payment_due_soon": (
        "Payment due in {days} day(s)",
        "The invoice of {amount} for {student} is due {due}.",
    ),
    "payment_overdue": (
        "Payment overdue",
        "The invoice of {amount} for {student} was due {due} and is overdue.",
    ),
    "payment_paid": ("Payment received", "Thank you! {amount} for {student} has been paid."),
    "payment_refunded": ("Payment refunded", "{amount} for {student} has been refunded."),
    "achievement_awarded": ("New badge: {badge}", '{student} earned the "{badge}" badge. Well done!'),
    "reward_redeemed": ("Reward redeemed: {reward}", '{student} redeemed "{reward}" for {price} coins.'),
    "broadcast": ("{title}", "{body}"),
    "password_reset": (
        "Reset your Markaz password",
        "Hello {name},\n\nTo choose a new password, open this link:\n{link}\n\n"
        "If you did not ask for it, ignore this message.",
    ),
    "email_verification": (
        "Confirm your email for Markaz",
        "Hello {name},\n\nTo confirm your email address, open this link:\n{link}",
    ),
}

GREETING = "Hello {name},"
FOOTER = "You receive this because of your notification settings in Markaz."

TELEGRAM_WELCOME = "Welcome, {name}! Markaz notifications will now arrive in this chat."
TELEGRAM_BAD_LINK = "This link is invalid or has expired. Open Markaz and press “Connect Telegram” again."
TELEGRAM_HELP = "To receive Markaz notifications here, open Markaz and press “Connect Telegram”."
