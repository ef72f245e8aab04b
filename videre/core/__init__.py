"""The base every layer may use: typed settings, the exception hierarchy, JSON Lines."""
