"""Русские тексты: вид -> (заголовок, текст)."""

TEXTS = {
    "attendance_absent": ("Пропуск: {student}", "{student} пропустил(а) занятие {group} {when}."),
    "attendance_late": ("Опоздание: {student}", "{student} опоздал(а) на занятие {group} {when}."),
    "absence_streak": (
        "{count} пропуска подряд: {student}",
        "{student} пропустил(а) {count} занятия {group} подряд. Пожалуйста, свяжитесь с центром.",
    ),
    "lesson_rescheduled": (
        "Занятие перенесено: {group}",
        "Занятие {group} от {old_when} перенесено на {when}. {reason}",
    ),
    "lesson_cancelled": ("Занятие отменено: {group}", "Занятие {group} {when} отменено. {reason}"),
    "homework_assigned": ("Новое домашнее задание: {title}", "{group}: «{title}», срок — {due}."),
    "homework_reviewed": (
        "Домашнее задание проверено: {title}",
        "«{title}» ({student}) проверено: {score}/{max_score}. {feedback}",
    ),
    "homework_due_24h": (
        "Срок сдачи завтра: {title}",
        "«{title}» нужно сдать до {due}. Работа ещё не сдана.",
    ),
    "homework_due_2h": ("Срок сдачи через 2 часа: {title}", "«{title}» нужно сдать до {due}."),
    "homework_missed": ("Срок сдачи пропущен: {title}", "{student} не сдал(а) «{title}» до {due}."),
    "payment_created": (
        "Новый счёт: {amount}",
        "Счёт на {amount} за {student}, оплатить до {due}. {description}",
    ),
    "payment_due_soon": ("Оплата через {days} дн.", "Счёт на {amount} за {student} нужно оплатить до {due}."),
    "payment_overdue": ("Оплата просрочена", "Счёт на {amount} за {student} нужно было оплатить до {due}."),
    "payment_paid": ("Оплата получена", "Спасибо! {amount} за {student} оплачено."),
    "payment_refunded": ("Возврат оплаты", "{amount} за {student} возвращено."),
    "achievement_awarded": ("Новый значок: {badge}", "{student} получил(а) значок «{badge}». Молодец!"),
    "reward_redeemed": ("Награда получена: {reward}", "{student} обменял(а) {price} монет на «{reward}»."),
    "broadcast": ("{title}", "{body}"),
    "password_reset": (
        "Сброс пароля Markaz",
        "Здравствуйте, {name}!\n\nЧтобы задать новый пароль, откройте ссылку:\n{link}\n\n"
        "Если вы не запрашивали сброс, просто проигнорируйте это письмо.",
    ),
    "email_verification": (
        "Подтвердите email в Markaz",
        "Здравствуйте, {name}!\n\nЧтобы подтвердить адрес электронной почты, откройте ссылку:\n{link}",
    ),
}

GREETING = "Здравствуйте, {name}!"
FOOTER = "Вы получили это письмо согласно настройкам уведомлений в Markaz."

TELEGRAM_WELCOME = "Добро пожаловать, {name}! Уведомления Markaz теперь будут приходить в этот чат."
TELEGRAM_BAD_LINK = (
    "Ссылка недействительна или устарела. Откройте Markaz и снова нажмите «Подключить Telegram»."
)
TELEGRAM_HELP = "Чтобы получать уведомления Markaz здесь, откройте Markaz и нажмите «Подключить Telegram»."
