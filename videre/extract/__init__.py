"""Pure extraction: the ad record, page parsers and normalisers. No database, no Scrapy."""
