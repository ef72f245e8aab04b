"""Domain services over the store: review, watchlists, accounts, audit, retention, jobs."""
