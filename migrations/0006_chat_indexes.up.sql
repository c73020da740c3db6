-- dbctl:no-transaction
-- Indexes for seed 003's access patterns, built without blocking writes.

-- The dashboard: a user's sessions that are not archived, most recently active first (the last
-- message's time, or the creation time of a session without messages), the key breaking ties.
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_activity ON sessions
    (user_id, (coalesce(last_message_at, created_at)) DESC, id DESC) WHERE NOT is_archived;
-- The messages of one role in a session, in order (keyset pages on created_at, id).
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_session_id_role_created_at_id ON messages (session_id, role, created_at, id);
-- A thread's replies, in order; also what ON DELETE SET NULL looks replies up by.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_parent_message_id_created_at_id ON messages (parent_message_id, created_at, id);
-- Full-text search filtered by session and role (btree_gin's operator classes for the uuid and
-- the text), and by the text alone: it replaces 0001's index on the text alone, keeping its name.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_content_search_v2 ON messages
    USING gin (session_id, role, to_tsvector('english', content));
DROP INDEX CONCURRENTLY IF EXISTS messages_content_search;
ALTER INDEX messages_content_search_v2 RENAME TO messages_content_search;
