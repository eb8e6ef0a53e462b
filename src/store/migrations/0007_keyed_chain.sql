-- The keyed chain: entries from the seal on carry the id of the key-file MAC
-- key their `hash` (an HMAC-SHA-256) was made with; NULL for the unkeyed
-- entries of before (SHA-256).
ALTER TABLE audit ADD COLUMN key_id TEXT;
