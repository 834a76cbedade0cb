"""Teacher pay: rates, monthly payroll runs computed from lessons taught, attendance and payments,
adjustments, approval (then frozen) and payment."""
