"""The database edge: engine and migrations, ingest of ad records, the WARC archive, run rows."""
