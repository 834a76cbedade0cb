"""O'zbekcha matnlar: tur -> (sarlavha, matn)."""

TEXTS = {
    "attendance_absent": ("Dars qoldirildi: {student}", "{student} {when} kuni {group} darsiga kelmadi."),
    "attendance_late": ("Kechikish: {student}", "{student} {when} kuni {group} darsiga kechikib keldi."),
    "absence_streak": (
        "Ketma-ket {count} ta qoldirilgan dars: {student}",
        "{student} {group} guruhining {count} ta darsini ketma-ket qoldirdi. Iltimos, markaz bilan bog'laning.",
    ),
    "lesson_rescheduled": (
        "Dars ko'chirildi: {group}",
        "{group} guruhining {old_when} dagi darsi {when} ga ko'chirildi. {reason}",
    ),
    "lesson_cancelled": (
        "Dars bekor qilindi: {group}",
        "{group} guruhining {when} dagi darsi bekor qilindi. {reason}",
    ),
    "homework_assigned": ("Yangi uy vazifasi: {title}", '{group}: "{title}", muddati — {due}.'),
    "homework_reviewed": (
        "Uy vazifasi tekshirildi: {title}",
        '{student}ning "{title}" vazifasi tekshirildi: {score}/{max_score}. {feedback}',
    ),
    "homework_due_24h": (
        "Ertaga topshirish kerak: {title}",
        '"{title}" muddati — {due}. Hali topshirilmagan.',
    ),
    "homework_due_2h": ("2 soatdan keyin topshirish kerak: {title}", '"{title}" muddati — {due}.'),
    "homework_missed": (
        "Topshirish muddati o'tdi: {title}",
        '{student} "{title}"ni {due} gacha topshirmadi.',
    ),
    "payment_created": (
        "Yangi hisob: {amount}",
        "{student} uchun {amount} hisob, to'lov muddati — {due}. {description}",
    ),
    "payment_due_soon": ("To'lovga {days} kun qoldi", "{student} uchun {amount} hisob muddati — {due}."),
    "payment_overdue": (
        "To'lov muddati o'tdi",
        "{student} uchun {amount} hisobning muddati {due} da tugagan.",
    ),
    "payment_paid": ("To'lov qabul qilindi", "Rahmat! {student} uchun {amount} to'landi."),
    "payment_refunded": ("To'lov qaytarildi", "{student} uchun {amount} qaytarildi."),
    "achievement_awarded": ("Yangi nishon: {badge}", '{student} "{badge}" nishonini oldi. Barakalla!'),
    "reward_redeemed": ("Sovg'a olindi: {reward}", '{student} {price} tangaga "{reward}" oldi.'),
    "broadcast": ("{title}", "{body}"),
    "password_reset": (
        "Markaz parolini tiklash",
        "Assalomu alaykum, {name}!\n\nYangi parol o'rnatish uchun havolani oching:\n{link}\n\n"
        "Agar siz so'ramagan bo'lsangiz, bu xabarga e'tibor bermang.",
    ),
    "email_verification": (
        "Markaz uchun emailingizni tasdiqlang",
        "Assalomu alaykum, {name}!\n\nEmail manzilingizni tasdiqlash uchun havolani oching:\n{link}",
    ),
}

GREETING = "Assalomu alaykum, {name}!"
FOOTER = "Bu xabar Markazdagi bildirishnoma sozlamalaringiz bo'yicha yuborildi."

TELEGRAM_WELCOME = "Xush kelibsiz, {name}! Markaz bildirishnomalari endi shu chatga keladi."
TELEGRAM_BAD_LINK = (
    "Havola yaroqsiz yoki muddati o'tgan. Markazni oching va «Telegramni ulash»ni qayta bosing."
)
TELEGRAM_HELP = (
    "Markaz bildirishnomalarini shu yerda olish uchun Markazni oching va «Telegramni ulash»ni bosing."
)
