-- Entries by kind, for the audit's checks of the rare kinds (defineAsset, setPaused, approve,
-- registerValidator, undelegate, release, hold, settle, void, expire): each read only its own
-- entries instead of scanning the whole journal (at 1,000,000 transfers, five such scans took
-- 1.5 s of a 7 s audit). New entries land at the end of their kind's range, so keeping the
-- index costs apply little.
CREATE INDEX entries_by_kind ON entries (kind);
