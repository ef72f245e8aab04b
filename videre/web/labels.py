"""Display names of the stored codes (statuses, labels, roles, reasons, audit actions), marked for translation."""

from __future__ import annotations

from videre.web.i18n import N_

STATUS_NAMES = {
    "new": N_("New"),
    "in_review": N_("In review"),
    "escalated": N_("Escalated"),
    "outreach": N_("Released to outreach"),
    "closed": N_("Closed"),
}

LABEL_NAMES = {
    "trafficking_suspected": N_("Trafficking suspected"),
    "independent": N_("Independent"),
    "spam": N_("Spam"),
    "scam": N_("Scam"),
    "other": N_("Other"),
}

ROLE_NAMES = {
    "analyst": N_("Analyst"),
    "lead": N_("Lead"),
    "outreach": N_("Outreach"),
    "admin": N_("Administrator"),
}

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}

WATCH_KIND_NAMES = {
    "phone": N_("Phone number"),
    "photo": N_("Photo"),
    "template": N_("Template"),
}

# Reason codes come from triage (triage.score.DEFAULT_WEIGHTS); an unknown code is shown as it is.
REASON_TITLES = {
    "many_names_one_number": N_("Many women behind one number"),
    "shared_template": N_("Ads written from one template"),
    "shared_photos": N_("Photo reused under other names"),
    "observed_movement": N_("Women moved between cities"),
    "solo_movement": N_("One woman touring"),
    "phone_obfuscated": N_("Number hidden from scrapers"),
    "foreign_number": N_("Foreign number"),
    "stated_nationality": N_("Stated nationality"),
    "third_person": N_("Written by someone else"),
    "several_women_wording": N_("Several women in one ad"),
    "youth": N_("Youth language"),
    "trustworthy_provider": N_("\"Real, not fake\" wording"),
    "several_sites": N_("Several sites"),
    "batch_posting": N_("Ads posted minutes apart"),
    "numbers_per_woman": N_("One woman behind several numbers"),
    "agency_roster": N_("A roster behind one booking line"),
    "flat_rotation": N_("A flat: numbers rotated over several women"),
    "scam_pattern": N_("Scam: money first, stolen photos"),
}

AUDIT_ACTIONS = {
    "login": N_("Signed in"),
    "login_failed": N_("Failed sign-in"),
    "logout": N_("Signed out"),
    "view_queue": N_("Viewed the queue"),
    "search": N_("Searched the queue"),
    "view_item": N_("Viewed an item"),
    "view_ad": N_("Viewed an ad"),
    "print_item": N_("Printed a case page"),
    "export_item": N_("Exported an item"),
    "export_audit": N_("Exported the audit log"),
    "view_audit": N_("Viewed the audit log"),
    "view_outreach": N_("Viewed the outreach list"),
    "view_alerts": N_("Viewed alerts"),
    "view_watchlists": N_("Viewed watchlists"),
    "view_runs": N_("Viewed run history"),
    "view_users": N_("Viewed accounts"),
    "change": N_("Changed an item"),
    "note": N_("Added a note"),
    "watch_add": N_("Added a watchlist entry"),
    "watch_remove": N_("Removed a watchlist entry"),
    "alert_seen": N_("Marked an alert as seen"),
    "weights": N_("Changed scoring weights"),
    "hub_override": N_("Overrode the hub detector"),
    "user_add": N_("Added an account"),
    "user_update": N_("Changed an account"),
    "settings": N_("Changed own settings"),
}
