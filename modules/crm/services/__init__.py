"""Every write of the front office: leads (create or update, status, contacts), trials (book,
outcome), convert (lead → billed student). The API, the admin and tasks share these."""
